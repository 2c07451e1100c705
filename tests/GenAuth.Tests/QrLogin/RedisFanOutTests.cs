using GenAuth.Core.Events;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.QrLogin;

/// <summary>
/// Two server instances on one SQLite file and one real redis-server: a browser subscribed on A sees what the app
/// does on B, and a session revoked on A stops working on B at once.
/// </summary>
public sealed class RedisFanOutTests : IDisposable
{
    private readonly RedisServer _redis;
    private readonly GenAuthApp _a;
    private readonly GenAuthApp _b;

    public RedisFanOutTests()
    {
        _redis = new RedisServer();
        var settings = new Dictionary<string, string?> { ["GenAuth:Redis"] = _redis.Configuration };
        _a = new GenAuthApp(settings: settings) { KeepDataDirectory = true };
        _a.CreateClient().Dispose(); // A creates the database and the master key before B opens them
        _b = new GenAuthApp(_a.DataDirectory, settings);
        _b.CreateClient().Dispose();
    }

    public void Dispose()
    {
        _b.Dispose();
        _a.Dispose();
        _redis.Dispose();
    }

    [Fact]
    public async Task ASubscriberOnOneInstanceSeesTransitionsMadeOnAnother()
    {
        Assert.IsType<RedisEventBus>(_a.Services.GetRequiredService<IEventBus>());
        var onA = new QrClient(_a);
        var onB = new QrClient(_b);
        var (_, token) = await onB.AppUserAsync("Across");
        var random = await onA.GeneAsync();
        using var ws = await onA.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());

        QrClient.Ok(await onB.ScannedAsync(random, token));
        var scanned = await QrClient.NextEventAsync(ws);
        Assert.Equal(1, scanned.GetProperty("status").GetInt32());
        Assert.Equal("Across", scanned.GetProperty("userInfo").GetProperty("nickname").GetString());

        QrClient.Ok(await onB.ConfirmAsync(random, token));
        var confirmed = await QrClient.NextEventAsync(ws);
        Assert.Equal(2, confirmed.GetProperty("status").GetInt32());
        Assert.Equal((await onB.CheckAsync(random))["ticket"]!.GetValue<string>(), confirmed.GetProperty("ticket").GetString());
        Assert.Equal("complete", (await ws.ReceiveAsync("ping", "pong")).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ASessionRevokedOnOneInstanceIsEvictedFromTheOthersCache()
    {
        var onA = _a.CreateGraphQLClient();
        var onB = _b.CreateGraphQLClient();
        var (_, token) = await onA.RegisterAndLoginAsync("revoked@example.com");
        GraphQLClient.Success(await onB.PostAsync(Ops.User, null, token), "user"); // B now caches the session as active

        var heardOnB = new TaskCompletionSource();
        // Subscribed after SessionService's own handler, so when this one runs B's eviction already ran.
        using var probe = await _b.Services.GetRequiredService<IEventBus>()
            .SubscribeAsync(EventChannels.SessionRevoked, _ => heardOnB.TrySetResult());
        GraphQLClient.Success(await onA.PostAsync(Ops.Logout, null, token), "logout");
        await heardOnB.Task.WaitAsync(Transports.TransportTestServer.Guard);

        var result = await onB.PostAsync(Ops.User, null, token);
        Assert.Equal(1010001, GraphQLClient.ErrorCode(result));
    }
}
