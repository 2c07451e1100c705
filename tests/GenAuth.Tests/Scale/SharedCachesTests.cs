using GenAuth.Core.Events;
using GenAuth.Core.Security;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.QrLogin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenAuth.Tests.Scale;

/// <summary>Caches and periodic jobs with two in-process instances on one database and a real redis-server.</summary>
public sealed class SharedCachesTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task AUserAddedOnOneInstanceIsCountedAtOnceOnTheOther()
    {
        var settings = new Dictionary<string, string?> { ["GenAuth:Redis"] = _redis.Configuration };
        using var a = new GenAuthApp(settings: settings) { KeepDataDirectory = true };
        a.CreateClient().Dispose(); // A creates the database and the master key before B opens them
        using var b = new GenAuthApp(a.DataDirectory, settings);
        var onA = a.CreateGraphQLClient();
        var onB = b.CreateGraphQLClient();
        var admin = await onB.ManagementTokenAsync(b.Secret);
        const string count = "{ users(page: 1, limit: 1) { totalCount } }";
        var before = GraphQLClient.Success(await onB.PostAsync(count, null, admin), "users")["totalCount"]!.GetValue<int>(); // B caches it

        var heardOnB = new TaskCompletionSource();
        // Subscribed after UserCounter's own handler, so when this one runs B's count is already forgotten.
        using var probe = await b.Services.GetRequiredService<IEventBus>()
            .SubscribeAsync(EventChannels.UserCountChanged, _ => heardOnB.TrySetResult());
        GraphQLClient.Success(await onA.RegisterByEmailAsync("counted@example.com"), "registerByEmail");
        await heardOnB.Task.WaitAsync(Transports.TransportTestServer.Guard);

        Assert.Equal(before + 1, GraphQLClient.Success(await onB.PostAsync(count, null, admin), "users")["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task OneInstanceClaimsAJobRoundAndWithRedisDownEveryInstanceRunsIt()
    {
        await using var a = new RedisRateCounter(_redis.Configuration, TimeProvider.System, NullLogger<RedisRateCounter>.Instance);
        await using var b = new RedisRateCounter(_redis.Configuration, TimeProvider.System, NullLogger<RedisRateCounter>.Instance);

        Assert.True(await a.TryClaimAsync("sweep", TimeSpan.FromMinutes(1)));
        Assert.False(await b.TryClaimAsync("sweep", TimeSpan.FromMinutes(1)));
        Assert.False(await a.TryClaimAsync("sweep", TimeSpan.FromMinutes(1))); // the holder too: one run per round
        Assert.True(await b.TryClaimAsync("other-job", TimeSpan.FromMinutes(1)));

        _redis.Stop();
        Assert.True(await a.TryClaimAsync("sweep", TimeSpan.FromMinutes(1)));
        Assert.True(await b.TryClaimAsync("sweep", TimeSpan.FromMinutes(1)));
        Assert.True(a.Degraded);
    }

    [Fact]
    public async Task TheRedisBusSaysWhenItCanMissEvents()
    {
        await using var bus = new RedisEventBus(_redis.Configuration, NullLogger<RedisEventBus>.Instance);
        using var _ = await bus.SubscribeAsync("probe", _ => { });
        Assert.True(((IEventBus)bus).Connected);
        var epoch = ((IEventBus)bus).Epoch;

        _redis.Stop();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (((IEventBus)bus).Connected && DateTime.UtcNow < deadline)
            await Task.Delay(20);

        Assert.False(((IEventBus)bus).Connected);

        _redis.Start();
        deadline = DateTime.UtcNow.AddMinutes(1);
        while (!((IEventBus)bus).Connected && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.True(((IEventBus)bus).Connected);
        // Entries cached before the outage belong to an older epoch: events published meanwhile were lost.
        Assert.NotEqual(epoch, ((IEventBus)bus).Epoch);
    }

    [Fact]
    public async Task ABusStartedWhileRedisIsDownHearsEventsOnceItReturns()
    {
        _redis.Stop();
        await using var late = new RedisEventBus(_redis.Configuration + ",connectTimeout=500", NullLogger<RedisEventBus>.Instance);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // What a singleton does at start-up: subscribe once, never again. While Redis is down the subscription waits.
        using var subscription = await late.SubscribeAsync("probe", payload => heard.TrySetResult(payload)).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(((IEventBus)late).Connected);

        _redis.Start();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!((IEventBus)late).Connected)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bus did not reconnect");
            await Task.Delay(100);
        }
        await using var other = new RedisEventBus(_redis.Configuration, NullLogger<RedisEventBus>.Instance);
        while (!heard.Task.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bus reconnected but never heard the channel it subscribed to while Redis was down");
            await other.PublishAsync("probe", "hello");
            await Task.WhenAny(heard.Task, Task.Delay(200));
        }
        Assert.Equal("hello", await heard.Task);
    }
}
