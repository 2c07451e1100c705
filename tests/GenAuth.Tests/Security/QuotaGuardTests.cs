using GenAuth.Core.Common;
using GenAuth.Core.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Security;

/// <summary>The quota arithmetic on the shared counter: all limits or none, refused attempts not counted, windows slide.</summary>
public sealed class QuotaGuardTests
{
    private sealed class Fixed(QuotaOptions value) : IOptionsMonitor<QuotaOptions>
    {
        public QuotaOptions CurrentValue => value;
        public QuotaOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<QuotaOptions, string?> listener) => null;
    }

    private static (QuotaGuard Guard, FakeTimeProvider Clock) New(QuotaOptions options)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        return (new QuotaGuard(new MemoryRateCounter(clock), new NoCaptchaVerifier(), new Fixed(options)), clock);
    }

    private static Task Send(QuotaGuard guard, string pool, string ip) =>
        guard.TakeAsync("send-sms", guard.SendLimits("sms", pool, ip), ErrorCodes.SendQuotaExceeded, null, ip, CancellationToken.None);

    [Fact]
    public async Task The_global_limit_holds_across_pools_and_IPs_and_a_refused_IP_leaves_the_pool_its_allowance()
    {
        var (guard, clock) = New(new QuotaOptions { Sms = { PerIpPerHour = 2, PerPoolPerHour = 3, GlobalPerMinute = 5 } });
        await Send(guard, "pool-a", "10.0.0.1");
        await Send(guard, "pool-a", "10.0.0.1");
        // The IP's third is refused and isn't counted for the pool: another IP still gets the pool's third send.
        Assert.Equal(2060, (await Assert.ThrowsAsync<GenAuthException>(() => Send(guard, "pool-a", "10.0.0.1"))).Code);
        await Send(guard, "pool-a", "10.0.0.2");
        Assert.Equal(2060, (await Assert.ThrowsAsync<GenAuthException>(() => Send(guard, "pool-a", "10.0.0.3"))).Code);

        // Other pools share the global minute: 3 used, 2 left.
        await Send(guard, "pool-b", "10.0.0.4");
        await Send(guard, "pool-c", "10.0.0.5");
        Assert.Equal(2060, (await Assert.ThrowsAsync<GenAuthException>(() => Send(guard, "pool-d", "10.0.0.6"))).Code);

        clock.Advance(TimeSpan.FromMinutes(3));
        await Send(guard, "pool-d", "10.0.0.6");
    }

    [Fact]
    public async Task Giving_back_returns_the_units_of_a_send_that_did_not_happen()
    {
        var (guard, _) = New(new QuotaOptions { Email = { PerIpPerHour = 1 } });
        var limits = guard.SendLimits("email", "pool", "10.0.0.1");
        await guard.TakeAsync("send-email", limits, ErrorCodes.SendQuotaExceeded, null, "10.0.0.1", CancellationToken.None);
        await guard.GiveBackAsync(limits);
        await guard.TakeAsync("send-email", limits, ErrorCodes.SendQuotaExceeded, null, "10.0.0.1", CancellationToken.None);
        await Assert.ThrowsAsync<GenAuthException>(() =>
            guard.TakeAsync("send-email", limits, ErrorCodes.SendQuotaExceeded, null, "10.0.0.1", CancellationToken.None));
    }
}
