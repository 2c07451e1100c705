using System.Text.Json;

namespace GenAuth.Tests.Transports;

public sealed class GraphQLTransportWsTests : IAsyncLifetime
{
    private const string Protocol = "graphql-transport-ws";
    private readonly TransportTestServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Subscribe(string id, string query) => new { id, type = "subscribe", payload = new { query } };

    private static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    [Fact]
    public async Task ServerTimeSubscriptionSendsThreeNextsThenComplete()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        Assert.Equal(Protocol, ws.Socket.SubProtocol);
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("1", "subscription { serverTime(intervalMs: 100, count: 3) }"));

        for (var i = 0; i < 3; i++)
        {
            var next = await ws.ReceiveAsync();
            Assert.Equal("next", TypeOf(next));
            Assert.Equal("1", next.GetProperty("id").GetString());
            Assert.True(DateTime.TryParse(next.GetProperty("payload").GetProperty("data").GetProperty("serverTime").GetString(), out _));
        }
        var complete = await ws.ReceiveAsync();
        Assert.Equal("complete", TypeOf(complete));
        Assert.Equal("1", complete.GetProperty("id").GetString());
    }

    [Fact]
    public async Task MessagesOfAnySizeUpToTheLimitAreReadWhole()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();

        // Larger than the first pooled buffer, then small again, then one message split over several frames.
        await ws.SendAsync(Subscribe("big", "{ __typename }" + new string(' ', 50 * 1024)));
        Assert.Equal("Query", (await ws.ReceiveAsync("complete")).GetProperty("payload").GetProperty("data").GetProperty("__typename").GetString());
        await ws.SendAsync(new { type = "ping", payload = new { n = 2 } });
        Assert.Equal(2, (await ws.ReceiveAsync("complete")).GetProperty("payload").GetProperty("n").GetInt32());
        var split = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Subscribe("split", "{ __typename }" + new string(' ', 9000))));
        for (var offset = 0; offset < split.Length; offset += 3000)
        {
            var end = Math.Min(offset + 3000, split.Length);
            await ws.Socket.SendAsync(split.AsMemory(offset, end - offset), System.Net.WebSockets.WebSocketMessageType.Text, end == split.Length, default);
        }
        var next = await ws.ReceiveAsync("complete");
        Assert.Equal("split", next.GetProperty("id").GetString());
    }

    [Fact]
    public async Task PingIsAnsweredWithPongBeforeAndAfterInit()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.SendAsync(new { type = "ping" });
        Assert.Equal("pong", TypeOf(await ws.ReceiveAsync()));
        await ws.InitAsync();
        await ws.SendAsync(new { type = "pong" });
        await ws.SendAsync(new { type = "ping", payload = new { n = 1 } });
        var pong = await ws.ReceiveAsync();
        Assert.Equal("pong", TypeOf(pong));
        Assert.Equal(1, pong.GetProperty("payload").GetProperty("n").GetInt32());
    }

    public static TheoryData<string> AuthShapes => ["Authorization", "authorization", "token", "headers"];

    [Theory]
    [MemberData(nameof(AuthShapes))]
    public async Task TokenInConnectionInitPayloadIdentifiesTheUser(string shape)
    {
        var token = await _server.RegisterAsync();
        object payload = shape switch
        {
            "Authorization" => new Dictionary<string, string> { ["Authorization"] = "Bearer " + token, ["x-authing-userpool-id"] = _server.PoolId },
            "authorization" => new Dictionary<string, string> { ["authorization"] = "Bearer " + token },
            "token" => new Dictionary<string, string> { ["token"] = token },
            _ => new { headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token, ["x-authing-userpool-id"] = _server.PoolId } },
        };
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync(payload);
        await ws.SendAsync(Subscribe("me", "{ user { id email } }"));

        var next = await ws.ReceiveAsync();
        Assert.Equal("next", TypeOf(next));
        var user = next.GetProperty("payload").GetProperty("data").GetProperty("user");
        Assert.False(string.IsNullOrEmpty(user.GetProperty("id").GetString()), next.ToString());
        Assert.Equal("complete", TypeOf(await ws.ReceiveAsync()));
    }

    [Fact]
    public async Task UpgradeRequestHeadersAreUsedWhenThePayloadHasNone()
    {
        var token = await _server.RegisterAsync();
        using var ws = await _server.ConnectAsync(Protocol, o => o.SetRequestHeader("Authorization", "Bearer " + token));
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("me", "{ user { id } }"));
        var next = await ws.ReceiveAsync();
        Assert.Equal(JsonValueKind.String, next.GetProperty("payload").GetProperty("data").GetProperty("user").GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task LogoutClosesTheConnectionItsTokenOpenedWith4403()
    {
        // Issue 10 (hole 7) changed this: a logged-out token's connection no longer stays open refusing operations one
        // by one; it closes with 4403, as a connection_init with that token would be refused (SessionEndTests).
        var token = await _server.RegisterAsync();
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync(new { token });
        await _server.PostGraphQLAsync("mutation { logout { code } }", token: token);

        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task ValidationErrorsAreSentAsAnErrorMessage()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("bad", "{ noSuchField }"));
        var error = await ws.ReceiveAsync();
        Assert.Equal("error", TypeOf(error));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("payload").ValueKind);
        Assert.NotEmpty(error.GetProperty("payload").EnumerateArray());

        // the connection stays usable after an operation error
        await ws.SendAsync(Subscribe("good", "{ __typename }"));
        Assert.Equal("next", TypeOf(await ws.ReceiveAsync()));
    }

    [Fact]
    public async Task ClientCompleteStopsTheStreamAndFreesTheId()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("s", "subscription { serverTime(intervalMs: 100) }"));
        Assert.Equal("next", TypeOf(await ws.ReceiveAsync()));

        await ws.SendAsync(new { id = "s", type = "complete" });
        await ws.SendAsync(new { type = "ping" });
        JsonElement message;
        while (TypeOf(message = await ws.ReceiveAsync()) != "pong")
            Assert.Equal("next", TypeOf(message)); // already in flight; the server never completes a stream the client stopped

        await ws.SendAsync(Subscribe("s", "subscription { serverTime(intervalMs: 100, count: 1) }"));
        while (TypeOf(message = await ws.ReceiveAsync()) != "complete")
            Assert.Equal("next", TypeOf(message));
        Assert.True(await TransportTestServer.WaitForAsync(() => _server.Stats().RunningOperations == 0));
    }

    [Fact]
    public async Task DroppedClientFreesItsOperations()
    {
        var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        for (var i = 0; i < 3; i++)
            await ws.SendAsync(Subscribe($"s{i}", "subscription { serverTime(intervalMs: 100) }"));
        // Every stream has answered once (three `next` could all be s0's), and the server counts all three: the count
        // moves after the first `next` is written, so poll the observable state with a deadline rather than read it once.
        var answered = new HashSet<string>();
        while (answered.Count < 3)
        {
            var message = await ws.ReceiveAsync();
            Assert.Equal("next", TypeOf(message));
            answered.Add(message.GetProperty("id").GetString()!);
        }
        Assert.True(await TransportTestServer.WaitForAsync(() => _server.Stats().RunningOperations == 3),
            $"expected 3 running operations, the server counts {_server.Stats().RunningOperations}");

        ws.Socket.Abort();
        ws.Dispose();
        Assert.True(await TransportTestServer.WaitForAsync(() => _server.Stats() is { RunningOperations: 0, OpenConnections: 0 }),
            $"still running: {_server.Stats().RunningOperations} operations, {_server.Stats().OpenConnections} connections");
    }

}
