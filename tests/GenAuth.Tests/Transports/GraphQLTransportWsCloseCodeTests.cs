namespace GenAuth.Tests.Transports;

/// <summary>Every fault graphql-ws PROTOCOL.md gives a close code for ends the socket with that code.</summary>
public sealed class GraphQLTransportWsCloseCodeTests : IAsyncLifetime
{
    private const string Protocol = "graphql-transport-ws";
    private readonly TransportTestServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Subscribe(string id) =>
        new { id, type = "subscribe", payload = new { query = "subscription { serverTime(intervalMs: 100) }" } };

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"no_such_type\"}")]
    [InlineData("{\"type\":42}")]
    [InlineData("{\"type\":\"connection_init\",\"payload\":\"a string\"}")]
    public async Task InvalidMessageCloses4400(string message)
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.SendRawAsync(message);
        Assert.Equal(4400, await ws.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData("{\"type\":\"subscribe\",\"payload\":{\"query\":\"{ __typename }\"}}")]
    [InlineData("{\"id\":\"1\",\"type\":\"subscribe\"}")]
    [InlineData("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":42}}")]
    [InlineData("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ __typename }\",\"variables\":[1]}}")]
    [InlineData("{\"type\":\"complete\"}")]
    public async Task MalformedOperationMessageCloses4400(string message)
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendRawAsync(message);
        Assert.Equal(4400, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MessageOverTheSizeLimitCloses4400()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(new { id = "big", type = "subscribe", payload = new { query = "{ __typename }" + new string(' ', 70 * 1024) } });
        Assert.Equal(4400, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task SubscribeBeforeAckCloses4401()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.SendAsync(Subscribe("1"));
        Assert.Equal(4401, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task InvalidTokenInConnectionInitCloses4403()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.SendAsync(new { type = "connection_init", payload = new { token = "not.a.token" } });
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task UnknownUserPoolCloses4403()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        var payload = new Dictionary<string, string> { ["x-authing-userpool-id"] = new string('0', 24) };
        await ws.SendAsync(new { type = "connection_init", payload });
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task NoConnectionInitInTimeCloses4408()
    {
        await using var server = new TransportTestServer(("GenAuth:WebSocket:ConnectionInitTimeout", "00:00:00.300"));
        using var ws = await server.ConnectAsync(Protocol);
        Assert.Equal(4408, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task DuplicateOperationIdCloses4409()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("same"));
        await ws.SendAsync(Subscribe("same"));
        Assert.Equal(4409, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task SecondConnectionInitCloses4429()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(new { type = "connection_init" });
        Assert.Equal(4429, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MissingSubprotocolCloses4406()
    {
        using var ws = await _server.ConnectAsync(subprotocol: null);
        Assert.Equal(4406, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task OperationsBeyondThePerConnectionLimitGetAnError()
    {
        await using var server = new TransportTestServer(("GenAuth:WebSocket:MaxOperationsPerConnection", "2"));
        using var ws = await server.ConnectAsync(Protocol);
        await ws.InitAsync();
        await ws.SendAsync(Subscribe("a"));
        await ws.SendAsync(Subscribe("b"));
        await ws.SendAsync(Subscribe("c"));
        var error = await ws.ReceiveAsync("next");
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("c", error.GetProperty("id").GetString());
        Assert.Equal(429, error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetInt32());
    }
}
