using GenAuth.Core.Common;
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
        _throttle = new LoginThrottle(Options.Create(new BruteForceOptions
        {
            AccountFailures = 3, IpFailures = 10, WaitIncrementSeconds = 30, MaxWaitSeconds = 90,
        }), _clock);
    }

    private void AssertAllowed(string pool, string account, string? ip) =>
        Assert.Null(Record.Exception(() => _throttle.EnsureAllowed(pool, account, ip)));

    private void AssertThrottled(string pool, string account, string? ip) =>
        Assert.Equal(2058, Assert.Throws<GenAuthException>(() => _throttle.EnsureAllowed(pool, account, ip)).Code);

    [Fact]
    public void FailuresWithinTheAllowanceAreNotThrottled()
    {
        for (var i = 0; i < 3; i++)
            _throttle.RecordFailure("p", "bob@x.com", "10.0.0.1");
        AssertAllowed("p", "bob@x.com", "10.0.0.1");

        // The allowance is exactly 3: one more failure throttles.
        _throttle.RecordFailure("p", "bob@x.com", "10.0.0.1");
        AssertThrottled("p", "bob@x.com", "10.0.0.1");
    }

    [Fact]
    public void EachFailurePastTheAllowanceAddsAWaitUpToTheMaximum()
    {
        for (var i = 0; i < 4; i++)
            _throttle.RecordFailure("p", "bob@x.com", "10.0.0.1");
        AssertThrottled("p", "BOB@x.com", "10.0.0.2");

        _clock.Advance(TimeSpan.FromSeconds(29));
        AssertThrottled("p", "bob@x.com", "10.0.0.2");
        _clock.Advance(TimeSpan.FromSeconds(2));
        AssertAllowed("p", "bob@x.com", "10.0.0.2");

        for (var i = 0; i < 10; i++)
            _throttle.RecordFailure("p", "bob@x.com", null);
        _clock.Advance(TimeSpan.FromSeconds(89));
        AssertThrottled("p", "bob@x.com", null);
        _clock.Advance(TimeSpan.FromSeconds(2));
        AssertAllowed("p", "bob@x.com", null);
    }

    [Fact]
    public void ManyAccountsFromOneIpThrottleThatIpOnly()
    {
        for (var i = 0; i < 11; i++)
            _throttle.RecordFailure("p", $"user{i}", "10.0.0.9");
        AssertThrottled("p", "someone-else", "10.0.0.9");
        AssertAllowed("p", "someone-else", "10.0.0.10");
        AssertAllowed("other-pool", "someone-else", "10.0.0.9");
    }

    [Fact]
    public void ASuccessfulLoginClearsTheAccountsFailures()
    {
        for (var i = 0; i < 3; i++)
            _throttle.RecordFailure("p", "bob", null);
        _throttle.RecordSuccess("p", "bob");
        _throttle.RecordFailure("p", "bob", null);
        AssertAllowed("p", "bob", null);

        // Without the success the same four failures throttle.
        _throttle.RecordFailure("p", "carol", null);
        for (var i = 0; i < 3; i++)
            _throttle.RecordFailure("p", "carol", null);
        AssertThrottled("p", "carol", null);
    }
}
