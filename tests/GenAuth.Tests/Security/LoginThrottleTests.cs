using GenAuth.Core.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Security;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests()
    {
        _throttle = new LoginThrottle(new MemoryLockoutStore(_clock), Options.Create(new BruteForceOptions
        {
            AccountFailures = 3, IpFailures = 10, WaitIncrementSeconds = 30, MaxWaitSeconds = 90,
        }));
    }

    private async Task AssertAllowed(string pool, string account, string? ip) =>
        Assert.Equal(0, await _throttle.RetryAfterAsync(pool, account, ip));

    private async Task AssertThrottled(string pool, string account, string? ip) =>
        Assert.True(await _throttle.RetryAfterAsync(pool, account, ip) > 0);

    [Fact]
    public async Task FailuresWithinTheAllowanceAreNotThrottled()
    {
        for (var i = 0; i < 3; i++)
            await _throttle.RecordFailureAsync("p", "u:bob", "10.0.0.1");
        await AssertAllowed("p", "u:bob", "10.0.0.1");

        // The allowance is exactly 3: one more failure throttles.
        await _throttle.RecordFailureAsync("p", "u:bob", "10.0.0.1");
        await AssertThrottled("p", "u:bob", "10.0.0.1");
    }

    [Fact]
    public async Task EachFailurePastTheAllowanceAddsAWaitUpToTheMaximum()
    {
        for (var i = 0; i < 4; i++)
            await _throttle.RecordFailureAsync("p", "u:bob", "10.0.0.1");
        Assert.Equal(30, await _throttle.RetryAfterAsync("p", "u:bob", "10.0.0.2"));

        _clock.Advance(TimeSpan.FromSeconds(29));
        await AssertThrottled("p", "u:bob", "10.0.0.2");
        _clock.Advance(TimeSpan.FromSeconds(2));
        await AssertAllowed("p", "u:bob", "10.0.0.2");

        for (var i = 0; i < 10; i++)
            await _throttle.RecordFailureAsync("p", "u:bob", null);
        _clock.Advance(TimeSpan.FromSeconds(89));
        await AssertThrottled("p", "u:bob", null);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await AssertAllowed("p", "u:bob", null);
    }

    [Fact]
    public async Task ManyAccountsFromOneIpThrottleThatIpOnly()
    {
        for (var i = 0; i < 11; i++)
            await _throttle.RecordFailureAsync("p", $"n:user{i}", "10.0.0.9");
        await AssertThrottled("p", "n:someone-else", "10.0.0.9");
        await AssertAllowed("p", "n:someone-else", "10.0.0.10");
        await AssertAllowed("other-pool", "n:someone-else", "10.0.0.9");
    }

    [Fact]
    public async Task ACompletedSignInClearsTheAccountsFailures()
    {
        for (var i = 0; i < 3; i++)
            await _throttle.RecordFailureAsync("p", "u:bob", null);
        await _throttle.RecordSuccessAsync("p", "u:bob");
        await _throttle.RecordFailureAsync("p", "u:bob", null);
        await AssertAllowed("p", "u:bob", null);

        // Without the success the same four failures throttle.
        for (var i = 0; i < 4; i++)
            await _throttle.RecordFailureAsync("p", "u:carol", null);
        await AssertThrottled("p", "u:carol", null);
    }

    [Fact]
    public async Task APoolsPerAccountRuleLocksForItsIntervalAtItsLimit()
    {
        var rules = new LoginFailRules(null, new FailureRule(2, TimeSpan.FromSeconds(600)));
        await _throttle.RecordFailureAsync("p", "u:dan", null, rules);
        await AssertAllowed("p", "u:dan", null);
        await _throttle.RecordFailureAsync("p", "u:dan", null, rules);

        Assert.Equal(600, await _throttle.RetryAfterAsync("p", "u:dan", null));
        _clock.Advance(TimeSpan.FromSeconds(601));
        await AssertAllowed("p", "u:dan", null);
    }

    [Fact]
    public async Task APoolsPerIpRuleBlocksThatIpForItsInterval()
    {
        var rules = new LoginFailRules(new FailureRule(3, TimeSpan.FromSeconds(120)), null);
        for (var i = 0; i < 3; i++)
            await _throttle.RecordFailureAsync("p", $"n:x{i}", "10.1.1.1", rules);

        Assert.Equal(120, await _throttle.RetryAfterAsync("p", "n:anyone", "10.1.1.1"));
        await AssertAllowed("p", "n:anyone", "10.1.1.2");
        _clock.Advance(TimeSpan.FromSeconds(121));
        await AssertAllowed("p", "n:anyone", "10.1.1.1");
    }
}
