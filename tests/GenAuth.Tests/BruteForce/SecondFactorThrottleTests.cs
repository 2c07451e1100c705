using GenAuth.Core.Common;
using GenAuth.Core.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.BruteForce;

public sealed class SecondFactorThrottleTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:14:50Z")); // 10 s before a window boundary
    private readonly SecondFactorThrottle _throttle;

    public SecondFactorThrottleTests() =>
        _throttle = new SecondFactorThrottle(new MemoryLockoutStore(_clock), Options.Create(new BruteForceOptions()));

    private async Task<int> RetryAfterAsync(string user, string ip)
    {
        try
        {
            await _throttle.EnsureAllowedAsync("p", user, ip);
            return 0;
        }
        catch (GenAuthException e) when (e.Code == 1648)
        {
            return (int)e.Payload!.GetType().GetProperty("retryAfter")!.GetValue(e.Payload)!;
        }
    }

    [Fact]
    public async Task BackoffDoublesThenTheTenthFailureLocksFromEveryIpOnce()
    {
        var outcomes = new List<SecondFactorFailure>();
        var waits = new List<int>();
        for (var i = 1; i <= 10; i++)
        {
            outcomes.Add(await _throttle.RecordFailureAsync("p", "u", $"10.0.0.{i}"));
            waits.Add(await RetryAfterAsync("u", "10.0.0.99"));
            if (i < 10)
                _clock.Advance(TimeSpan.FromSeconds(waits[^1])); // wait out the backoff (the window boundary passes meanwhile)
        }

        Assert.Equal([0, 0, 0, 2, 4, 8, 16, 32, 64, 900], waits);
        Assert.Equal(SecondFactorFailure.Locked, Assert.Single(outcomes, o => o == SecondFactorFailure.Locked));
        Assert.Equal(SecondFactorFailure.Locked, outcomes[^1]);
        Assert.Equal(SecondFactorFailure.Counted, await _throttle.RecordFailureAsync("p", "u", "10.0.0.1")); // no second notice
        Assert.Equal(0, await RetryAfterAsync("someone-else", "10.0.0.99"));

        _clock.Advance(TimeSpan.FromSeconds(901));
        Assert.Equal(0, await RetryAfterAsync("u", "10.0.0.99"));
    }

    [Fact]
    public async Task ManyUsersFailingFromOneIpBlockThatIp()
    {
        for (var i = 0; i < 30; i++)
            await _throttle.RecordFailureAsync("p", $"user{i}", "10.6.6.6");

        Assert.True(await RetryAfterAsync("fresh-user", "10.6.6.6") > 0);
        Assert.Equal(0, await RetryAfterAsync("fresh-user", "10.6.6.7"));
    }
}
