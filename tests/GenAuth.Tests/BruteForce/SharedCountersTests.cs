using GenAuth.Core.Security;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.QrLogin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.BruteForce;

/// <summary>Brute-force counts and locks shared through a real redis-server: two instances don't double the allowance.</summary>
public sealed class SharedCountersTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task TwoInstancesSharingRedisGiveOneAllowanceNotTwo()
    {
        var settings = new Dictionary<string, string?> { ["GenAuth:Redis"] = _redis.Configuration };
        using var a = new GenAuthApp(settings: settings) { KeepDataDirectory = true };
        a.CreateClient().Dispose(); // A creates the database and the master key before B opens them
        using var b = new GenAuthApp(a.DataDirectory, settings);
        Assert.IsType<RedisRateCounter>(a.Services.GetRequiredService<ILockoutStore>());
        var onA = a.CreateGraphQLClient();
        var onB = b.CreateGraphQLClient();
        await onA.RegisterAndLoginAsync("shared@example.com");

        // Three wrong passwords on each instance: six in all, past the allowance of five.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync("shared@example.com", "wrong-password-1")));
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync("shared@example.com", "wrong-password-1")));
        }

        Assert.Equal(2058, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync("shared@example.com")));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync("shared@example.com")));
    }

    [Fact]
    public async Task RedisCountersMatchTheMemoryOnesAndLocksLastTheirTime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:10Z"));
        await using var redis = new RedisRateCounter(_redis.Configuration, clock, NullLogger<RedisRateCounter>.Instance);
        var memory = new MemoryRateCounter(clock);
        var window = TimeSpan.FromMinutes(1);
        foreach (var counter in new IRateCounter[] { redis, memory })
        {
            Assert.Equal(1, await counter.HitAsync("k", window));
            Assert.Equal(4, await counter.HitAsync("k", window, cost: 3));
            Assert.Equal(4, await counter.PeekAsync("k", window));
            // A quota unit given back (negative cost) counts down, never below zero.
            Assert.Equal(2, await counter.HitAsync("g", window, cost: 2));
            Assert.Equal(1, await counter.HitAsync("g", window, cost: -1));
            Assert.Equal(0, await counter.HitAsync("g", window, cost: -5));
            Assert.Equal(1, await counter.HitAsync("g", window));
        }
        clock.Advance(TimeSpan.FromSeconds(80)); // 30 s into the next window: half the previous one counts
        Assert.Equal(await memory.PeekAsync("k", window), await redis.PeekAsync("k", window));
        Assert.Equal(2, await redis.PeekAsync("k", window));
        await redis.ResetAsync("k");
        Assert.Equal(0, await redis.PeekAsync("k", window));

        Assert.True(await redis.LockAsync("l", TimeSpan.FromSeconds(30)));
        Assert.False(await redis.LockAsync("l", TimeSpan.FromSeconds(10))); // already locked, and longer: unchanged
        Assert.Equal(TimeSpan.FromSeconds(30), await redis.RemainingAsync("l"));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(TimeSpan.Zero, await redis.RemainingAsync("l"));

        Assert.Equal(1, await redis.StrikeAsync("s", window));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, await redis.StrikeAsync("s", window)); // the previous window's strike still counts, undecayed
        Assert.False(redis.Degraded);
    }

    [Fact]
    public async Task WithRedisDownCountingGoesOnInMemory()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var port = _redis.Port;
        _redis.Dispose(); // nothing listens there any more
        await using var redis = new RedisRateCounter($"127.0.0.1:{port},connectTimeout=500", clock, NullLogger<RedisRateCounter>.Instance);
        var throttle = new SecondFactorThrottle(redis, Options.Create(new BruteForceOptions()));

        for (var i = 0; i < 10; i++)
            await throttle.RecordFailureAsync("p", "u1", "10.0.0.1");

        Assert.True(redis.Degraded);
        var refused = await Assert.ThrowsAsync<GenAuth.Core.Common.GenAuthException>(() => throttle.EnsureAllowedAsync("p", "u1", "10.9.9.9"));
        Assert.Equal(1648, refused.Code);
    }
}
