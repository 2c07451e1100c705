using System.Text.Json;

namespace GenAuth.Tests.Transports;

/// <summary>The legacy "graphql-ws" subprotocol (subscriptions-transport-ws) that older Apollo clients speak.</summary>
public sealed class LegacyGraphQLWsTests : IAsyncLifetime
{
    private const string Protocol = "graphql-ws";
    private readonly TransportTestServer _server = new(("GenAuth:WebSocket:KeepAliveInterval", "00:00:00.200"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    private async Task<WsTestClient> ConnectAndInitAsync(object? payload = null)
    {
        var ws = await _server.ConnectAsync(Protocol);
        Assert.Equal(Protocol, ws.Socket.SubProtocol);
        await ws.SendAsync(new { type = "connection_init", payload = payload ?? new { } });
        Assert.Equal("connection_ack", TypeOf(await ws.ReceiveAsync()));
        return ws;
    }

    [Fact]
    public async Task StartStreamsDataThenCompleteWithKeepAlives()
    {
        using var ws = await ConnectAndInitAsync();
        Assert.Equal("ka", TypeOf(await ws.ReceiveAsync()));
        await ws.SendAsync(new { id = "1", type = "start", payload = new { query = "subscription { serverTime(intervalMs: 100, count: 3) }" } });

        for (var i = 0; i < 3; i++)
        {
            var data = await ws.ReceiveAsync("ka");
            Assert.Equal("data", TypeOf(data));
            Assert.Equal("1", data.GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.String, data.GetProperty("payload").GetProperty("data").GetProperty("serverTime").ValueKind);
        }
        Assert.Equal("complete", TypeOf(await ws.ReceiveAsync("ka")));
        // keep-alives keep coming on an idle connection
        Assert.Equal("ka", TypeOf(await ws.ReceiveAsync()));
    }

    [Fact]
    public async Task QueryOverStartSendsOneDataThenComplete()
    {
        var token = await _server.RegisterAsync();
        using var ws = await ConnectAndInitAsync(new { authorization = "Bearer " + token });
        await ws.SendAsync(new { id = "q", type = "start", payload = new { query = "{ user { id } }" } });
        var data = await ws.ReceiveAsync("ka");
        Assert.Equal("data", TypeOf(data));
        Assert.Equal(JsonValueKind.String, data.GetProperty("payload").GetProperty("data").GetProperty("user").GetProperty("id").ValueKind);
        Assert.Equal("complete", TypeOf(await ws.ReceiveAsync("ka")));
    }

    [Fact]
    public async Task StopEndsTheSubscription()
    {
        using var ws = await ConnectAndInitAsync();
        await ws.SendAsync(new { id = "s", type = "start", payload = new { query = "subscription { serverTime(intervalMs: 100) }" } });
        Assert.Equal("data", TypeOf(await ws.ReceiveAsync("ka")));
        await ws.SendAsync(new { id = "s", type = "stop" });
        Assert.True(await TransportTestServer.WaitForAsync(() => _server.Stats().RunningOperations == 0));
    }

    [Fact]
    public async Task RejectedConnectionInitSendsConnectionErrorAndCloses()
    {
        using var ws = await _server.ConnectAsync(Protocol);
        await ws.SendAsync(new { type = "connection_init", payload = new { token = "garbage" } });
        var error = await ws.ReceiveAsync();
        Assert.Equal("connection_error", TypeOf(error));
        Assert.Equal(1010001, error.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task GarbageIsAnsweredWithoutClosing()
    {
        using var ws = await ConnectAndInitAsync();
        await ws.SendRawAsync("{{{ not json");
        Assert.Equal("connection_error", TypeOf(await ws.ReceiveAsync("ka")));
        await ws.SendAsync(new { id = "x", type = "no_such_type" });
        Assert.Equal("error", TypeOf(await ws.ReceiveAsync("ka")));
        await ws.SendAsync(new { id = "v", type = "start", payload = new { query = "{ noSuchField }" } });
        var data = await ws.ReceiveAsync("ka");
        Assert.Equal("data", TypeOf(data));
        Assert.NotEmpty(data.GetProperty("payload").GetProperty("errors").EnumerateArray());
        Assert.Equal("complete", TypeOf(await ws.ReceiveAsync("ka")));
    }

    [Fact]
    public async Task ConnectionTerminateClosesNormally()
    {
        using var ws = await ConnectAndInitAsync();
        await ws.SendAsync(new { type = "connection_terminate" });
        Assert.Equal(1000, await ws.ReceiveCloseAsync());
    }
}
