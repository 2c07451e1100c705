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

    [Fact]
    public void FailuresWithinTheAllowanceAreNotThrottled()
    {
        for (var i = 0; i < 3; i++)
            _throttle.RecordFailure("p", "bob@x.com", "10.0.0.1");
        _throttle.EnsureAllowed("p", "bob@x.com", "10.0.0.1");
    }

    [Fact]
    public void EachFailurePastTheAllowanceAddsAWaitUpToTheMaximum()
    {
        for (var i = 0; i < 4; i++)
            _throttle.RecordFailure("p", "bob@x.com", "10.0.0.1");
        var e = Assert.Throws<GenAuthException>(() => _throttle.EnsureAllowed("p", "BOB@x.com", "10.0.0.2"));
        Assert.Equal(2058, e.Code);

        _clock.Advance(TimeSpan.FromSeconds(31));
        _throttle.EnsureAllowed("p", "bob@x.com", "10.0.0.2");

        for (var i = 0; i < 10; i++)
            _throttle.RecordFailure("p", "bob@x.com", null);
        _clock.Advance(TimeSpan.FromSeconds(89));
        Assert.Throws<GenAuthException>(() => _throttle.EnsureAllowed("p", "bob@x.com", null));
        _clock.Advance(TimeSpan.FromSeconds(2));
        _throttle.EnsureAllowed("p", "bob@x.com", null);
    }

    [Fact]
    public void ManyAccountsFromOneIpThrottleThatIpOnly()
    {
        for (var i = 0; i < 11; i++)
            _throttle.RecordFailure("p", $"user{i}", "10.0.0.9");
        Assert.Throws<GenAuthException>(() => _throttle.EnsureAllowed("p", "someone-else", "10.0.0.9"));
        _throttle.EnsureAllowed("p", "someone-else", "10.0.0.10");
        _throttle.EnsureAllowed("other-pool", "someone-else", "10.0.0.9");
    }

    [Fact]
    public void ASuccessfulLoginClearsTheAccountsFailures()
    {
        for (var i = 0; i < 3; i++)
            _throttle.RecordFailure("p", "bob", null);
        _throttle.RecordSuccess("p", "bob");
        _throttle.RecordFailure("p", "bob", null);
        _throttle.EnsureAllowed("p", "bob", null);
    }
}
