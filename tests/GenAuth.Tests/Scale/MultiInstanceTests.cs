using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.QrLogin;
using GenAuth.Tests.Transports;
using Npgsql;

namespace GenAuth.Tests.Scale;

/// <summary>Two instances (separate processes) on one PostgreSQL and one Redis, behind a YARP proxy.</summary>
public sealed class TwoInstancesFixture : IAsyncLifetime
{
    public GenAuthCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await GenAuthCluster.StartAsync(2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[Collection(nameof(MultiInstanceCollection))]
public sealed class MultiInstanceTests(TwoInstancesFixture fixture) : IClassFixture<TwoInstancesFixture>
{
    private GenAuthCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task RegisteredOnAUserLogsInOnBAndThroughTheProxy()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await Cluster.Client(Cluster[0]).RegisterByEmailAsync(email), "registerByEmail");

        var onB = GraphQLClient.Success(await Cluster.Client(Cluster[1]).LoginByEmailAsync(email), "loginByEmail");
        Assert.Equal(email, onB["email"]!.GetValue<string>());
        // Round-robin: two calls through the proxy reach both instances, and the token of one works on the other.
        var proxy = Cluster.Client();
        var token = GraphQLClient.Success(await proxy.LoginByEmailAsync(email), "loginByEmail")["token"]!.GetValue<string>();
        Assert.Equal(email, GraphQLClient.Success(await proxy.PostAsync(Ops.User, null, token), "user")["email"]!.GetValue<string>());
        Assert.Equal(email, GraphQLClient.Success(await proxy.PostAsync(Ops.User, null, token), "user")["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task LogoutOnAIsRefusedOnBWithinOneSecond()
    {
        var onA = Cluster.Client(Cluster[0]);
        var onB = Cluster.Client(Cluster[1]);
        var (_, token) = await onA.RegisterAndLoginAsync($"{Guid.NewGuid():N}@example.com");
        GraphQLClient.Success(await onB.PostAsync(Ops.User, null, token), "user"); // B caches the session as active

        GraphQLClient.Success(await onA.PostAsync(Ops.Logout, null, token), "logout");
        var loggedOut = Stopwatch.StartNew();

        Assert.Equal(1010001, await RefusedWithinAsync(onB, token, TimeSpan.FromSeconds(1), loggedOut));
    }

    [Fact]
    public async Task AQrSubscriptionOnASeesAConfirmMadeOnB()
    {
        var onA = new Qr(Cluster, Cluster[0]);
        var onB = new Qr(Cluster, Cluster[1]);
        var token = await onB.AppUserAsync("Across");
        var random = await onA.GeneAsync();
        using var ws = await onA.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());

        QrClient.Ok(await onB.PostAsync("/api/qrcode/scanned", new { random }, token));
        Assert.Equal(1, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
        QrClient.Ok(await onB.PostAsync("/api/qrcode/confirm", new { random }, token));
        var confirmed = await QrClient.NextEventAsync(ws);
        Assert.Equal(2, confirmed.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(confirmed.GetProperty("ticket").GetString()));
    }

    [Fact]
    public async Task ABruteForceLockIsReachedAcrossAAndB()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var onA = Cluster.Client(Cluster[0]);
        var onB = Cluster.Client(Cluster[1]);
        GraphQLClient.Success(await onA.RegisterByEmailAsync(email), "registerByEmail");

        // Three wrong passwords on each instance: six in all, past the one allowance of five (not five on each).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(email, "wrong-password-1")));
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(email, "wrong-password-1")));
        }

        Assert.Equal(2058, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(email)));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(email)));
    }

    internal static async Task<int> RefusedWithinAsync(GraphQLClient client, string token, TimeSpan within, Stopwatch since)
    {
        while (true)
        {
            var result = await client.PostAsync(Ops.User, null, token);
            if (result["errors"] is not null)
                return GraphQLClient.ErrorCode(result);
            Assert.True(since.Elapsed < within, $"the session still worked {since.ElapsedMilliseconds} ms after the logout");
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(nameof(MultiInstanceCollection), DisableParallelization = true)]
public sealed class MultiInstanceCollection;

/// <summary>Tests that stop or kill an instance or Redis: each has its own cluster.</summary>
[Collection(nameof(MultiInstanceCollection))]
public sealed class MultiInstanceFailureTests
{
    [Fact]
    public async Task KillingOneOfThreeMidTrafficLosesNoAcknowledgedWriteAndTheOthersKeepServing()
    {
        await using var cluster = await GenAuthCluster.StartAsync(3);
        var proxy = cluster.Client();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var afterKill = 0;
        var killed = false;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        async Task WriterAsync()
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref afterKill) < 12)
            {
                var email = $"{Guid.NewGuid():N}@example.com";
                try
                {
                    var result = await proxy.RegisterByEmailAsync(email);
                    if (result["data"]?["registerByEmail"]?["id"] is not null)
                    {
                        acknowledged.Add(email);
                        if (Volatile.Read(ref killed))
                            Interlocked.Increment(ref afterKill);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
                {
                    // not acknowledged (the proxy answered 502 for the killed instance): may or may not exist
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(WriterAsync)).ToArray();
        while (acknowledged.Count < 9 && !stop.IsCancellationRequested)
            await Task.Delay(50);
        cluster[0].KillHard();
        Volatile.Write(ref killed, true);
        await Task.WhenAll(writers);

        Assert.True(cluster[0].HasExited);
        Assert.True(afterKill >= 12, $"only {afterKill} writes were acknowledged after the kill");
        await using var db = new NpgsqlConnection(cluster.Database);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM users WHERE \"Email\" = ANY($1)", db)
        {
            Parameters = { new() { Value = acknowledged.ToArray() } },
        };
        Assert.Equal((long)acknowledged.Count, (long)(await query.ExecuteScalarAsync())!);
        // The survivors serve the users written before the kill (some of them on the killed instance).
        var first = acknowledged.First();
        GraphQLClient.Success(await cluster.Client(cluster[1]).LoginByEmailAsync(first), "loginByEmail");
        GraphQLClient.Success(await cluster.Client(cluster[2]).LoginByEmailAsync(first), "loginByEmail");
    }

    [Fact]
    public async Task AWebSocketOnAStoppedInstanceIsClosedWith1001AndTheClientReconnectsToAnother()
    {
        await using var cluster = await GenAuthCluster.StartAsync(2);
        var onA = new Qr(cluster, cluster[0]);
        var random = await onA.GeneAsync();
        using var ws = await onA.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());

        var stopping = cluster[0].TerminateAsync();
        Assert.Equal(1001, await ws.ReceiveCloseAsync());
        await stopping;

        // What the QR page does on 1001: reconnect (to the proxy, which now only has B) and subscribe again.
        var viaProxy = new Qr(cluster, null);
        using var again = await viaProxy.ConnectWithRetriesAsync();
        await QrClient.SubscribeAsync(again, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(again)).GetProperty("status").GetInt32());
        var onB = new Qr(cluster, cluster[1]);
        var token = await onB.AppUserAsync("After");
        QrClient.Ok(await onB.PostAsync("/api/qrcode/scanned", new { random }, token));
        Assert.Equal(1, (await QrClient.NextEventAsync(again)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task WithRedisDownTheInstancesKeepServingAndRecoverWhenItReturns()
    {
        await using var cluster = await GenAuthCluster.StartAsync(2);
        var onA = cluster.Client(cluster[0]);
        var onB = cluster.Client(cluster[1]);
        var (_, token) = await onA.RegisterAndLoginAsync($"{Guid.NewGuid():N}@example.com");
        GraphQLClient.Success(await onB.PostAsync(Ops.User, null, token), "user"); // B caches the session as active

        cluster.Redis.Stop();

        // Degraded: registration, sign-in and token checks go on (the database answers what the caches held).
        var email = $"{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await onA.RegisterByEmailAsync(email), "registerByEmail");
        GraphQLClient.Success(await onB.LoginByEmailAsync(email), "loginByEmail");
        // A logout on A is still refused on B, though no event can reach B: B's cache is not trusted while the bus is down.
        GraphQLClient.Success(await onA.PostAsync(Ops.Logout, null, token), "logout");
        var loggedOut = Stopwatch.StartNew();
        Assert.Equal(1010001, await MultiInstanceTests.RefusedWithinAsync(onB, token, TimeSpan.FromSeconds(1), loggedOut));
        Assert.Contains("Redis", cluster[0].Output + cluster[1].Output, StringComparison.Ordinal);
        Assert.Contains("Redis is unavailable for rate counters", cluster[0].Output + cluster[1].Output, StringComparison.Ordinal);

        // The counters fall back to the database, not to each process: a lock is still reached across A and B, within
        // the same tries as with Redis (three wrong on each: six, past the one allowance of five).
        var hammered = $"{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await onA.RegisterByEmailAsync(hammered), "registerByEmail");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(hammered, "wrong-password-1")));
            Assert.Equal(2333, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(hammered, "wrong-password-1")));
        }
        Assert.Equal(2058, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(hammered)));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(hammered)));
        // Three failures of another account during the outage: they must still count once Redis is back.
        var continued = $"{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await onA.RegisterByEmailAsync(continued), "registerByEmail");
        Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(continued, "wrong-password-1")));
        Assert.Equal(2333, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(continued, "wrong-password-1")));
        Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(continued, "wrong-password-1")));

        cluster.Redis.Start();

        // Recovered: both instances count into Redis again (logged), so a lock is again reached across A and B.
        var probe = $"{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await onA.RegisterByEmailAsync(probe), "registerByEmail");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        // Note: the whole recovery message: "answers again" alone is also in the outage message ("… until it answers again").
        const string recovered = "Redis answers again: rate counters";
        while (!(cluster[0].Output.Contains(recovered, StringComparison.Ordinal)
                 && cluster[1].Output.Contains(recovered, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the instances did not go back to Redis:\n" + cluster[0].Output + "\n" + cluster[1].Output);
            await onA.LoginByEmailAsync(probe);
            await onB.LoginByEmailAsync(probe);
            await Task.Delay(500);
        }
        // What the outage counted in the database was moved into Redis (logged): three more failures of `continued`
        // make six, past the allowance, so it is locked (with the outage's counts lost it would have three and sign in).
        while (!(cluster[0].Output + cluster[1].Output).Contains("counted in the database during a Redis outage into Redis", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "nothing was moved from the database into Redis:\n" + RedisLines(cluster));
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(6)); // the second pass (5 s after the return) of anything still in flight
        for (var i = 0; i < 3; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await (i % 2 == 0 ? onB : onA).LoginByEmailAsync(continued, "wrong-password-1")));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(continued)));

        // Note: on a loaded machine a Redis call can still time out (1 s) right after the return, and that one call
        // counts in the database (moved later); a second account gets a second chance, and both failing means no recovery.
        JsonNode? last = null;
        for (var round = 0; round < 2 && last?["errors"] is null; round++)
        {
            var locked = $"{Guid.NewGuid():N}@example.com";
            GraphQLClient.Success(await onA.RegisterByEmailAsync(locked), "registerByEmail");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(2333, GraphQLClient.ErrorCode(await onA.LoginByEmailAsync(locked, "wrong-password-1")));
                Assert.Equal(2333, GraphQLClient.ErrorCode(await onB.LoginByEmailAsync(locked, "wrong-password-1")));
            }
            last = await onB.LoginByEmailAsync(locked);
        }
        Assert.True(last!["errors"] is not null, "no lock across A and B after Redis returned:\n" + RedisLines(cluster));
        Assert.Equal(2058, GraphQLClient.ErrorCode(last));
    }

    private static string RedisLines(GenAuthCluster cluster) => string.Join('\n', cluster.Instances.SelectMany(i =>
        i.Output.Split('\n').Where(l => l.Contains("Redis", StringComparison.Ordinal) || l.Contains("fail", StringComparison.OrdinalIgnoreCase))
            .TakeLast(30).Select(l => i.Name + ": " + l)));
}

/// <summary>The QR REST API and its subscription against one instance (or the proxy when null).</summary>
internal sealed class Qr(GenAuthCluster cluster, ServerProcess? instance)
{
    private readonly HttpClient _http = new() { BaseAddress = instance?.Address ?? cluster.ProxyAddress, Timeout = TimeSpan.FromMinutes(2) };

    public async Task<JsonNode> PostAsync(string path, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-userpool-id", GenAuthCluster.UserPoolId);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task<string> GeneAsync() =>
        QrClient.Ok(await PostAsync("/api/v2/qrcode/gene", new { scene = "APP_AUTH" }))["random"]!.GetValue<string>();

    public async Task<string> AppUserAsync(string nickname)
    {
        var graphQL = cluster.Client(instance);
        var (_, token) = await graphQL.RegisterAndLoginAsync($"{Guid.NewGuid():N}@example.com");
        GraphQLClient.Success(await graphQL.PostAsync(Ops.UpdateUser,
            new { input = new { nickname, photo = "https://example.com/a.png" } }, token), "updateUser");
        return token;
    }

    public async Task<WsTestClient> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        var uri = new UriBuilder(_http.BaseAddress!) { Scheme = "ws", Path = GenAuthApp.GraphQLPath }.Uri;
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        await socket.ConnectAsync(uri, cts.Token);
        var client = new WsTestClient(socket);
        await client.InitAsync(new Dictionary<string, string> { ["x-authing-userpool-id"] = GenAuthCluster.UserPoolId });
        return client;
    }

    /// <summary>The QR page's reconnect: try again (after a short pause) until a connection opens.</summary>
    public async Task<WsTestClient> ConnectWithRetriesAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ConnectAsync();
            }
            catch (WebSocketException) when (attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }
}
