using System.Net.WebSockets;
using System.Text.Json;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using GenAuth.Tests.Transports;

namespace GenAuth.Tests.Audit;

/// <summary>securityEvents: replays what followed "after", then streams live; a reconnect with the last id misses nothing and repeats nothing.</summary>
public sealed class SecurityEventsTests : ManagementTestBase
{
    private const string Subscription = """
        subscription($f: AuditLogFilter, $after: String) { securityEvents(filter: $f, after: $after) { id type userId outcome } }
        """;

    private async Task<WsTestClient> ConnectAsync(string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        var uri = new UriBuilder(Client.Http.BaseAddress!) { Scheme = "ws", Path = GenAuthApp.GraphQLPath }.Uri;
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        await socket.ConnectAsync(uri, cts.Token);
        var ws = new WsTestClient(socket);
        await ws.InitAsync(new Dictionary<string, string> { ["x-authing-userpool-id"] = App.UserPoolId, ["token"] = token });
        return ws;
    }

    private static async Task<JsonElement> NextAsync(WsTestClient ws)
    {
        var message = await ws.ReceiveWithinGuardAsync("ping", "pong", "ka");
        Assert.True(message.GetProperty("type").GetString() == "next", message.ToString());
        return message.GetProperty("payload").GetProperty("data").GetProperty("securityEvents");
    }

    private async Task<List<long>> LoginIdsAsync(string userId)
    {
        var page = GraphQLClient.Success(await AdminAsync(
            "query($f: AuditLogFilter) { auditLogs(filter: $f, first: 200) { items { id } } }",
            new { f = new { userId, types = new[] { "login" } } }), "auditLogs");
        return page["items"]!.AsArray().Select(i => long.Parse(i!["id"]!.GetValue<string>())).Order().ToList();
    }

    private async Task LoginAsync(string email) => GraphQLClient.Success(await Client.LoginByEmailAsync(email), "loginByEmail");

    [Fact]
    public async Task ResumesAfterTheLastIdWithoutGapOrDuplicate()
    {
        const string email = "ev-live@example.com";
        var (id, _) = await Client.RegisterAndLoginAsync(email);
        await LoginAsync(email);
        var before = await LoginIdsAsync(id);
        Assert.Equal(2, before.Count);
        var filter = new { userId = id, types = new[] { "login" } };
        var received = new List<long>();

        using (var ws = await ConnectAsync(Admin))
        {
            await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = Subscription, variables = new { f = filter, after = before[0].ToString() } } });
            var replayed = await NextAsync(ws);
            received.Add(long.Parse(replayed.GetProperty("id").GetString()!));
            Assert.Equal(before[1], received[^1]);

            await LoginAsync(email);
            received.Add(long.Parse((await NextAsync(ws)).GetProperty("id").GetString()!));
            await LoginAsync(email);
            var live = await NextAsync(ws);
            Assert.Equal("login", live.GetProperty("type").GetString());
            Assert.Equal(id, live.GetProperty("userId").GetString());
            received.Add(long.Parse(live.GetProperty("id").GetString()!));
        }

        // Disconnected: these happen while nobody listens.
        await LoginAsync(email);
        await LoginAsync(email);

        using (var ws = await ConnectAsync(Admin))
        {
            await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = Subscription, variables = new { f = filter, after = received[^1].ToString() } } });
            received.Add(long.Parse((await NextAsync(ws)).GetProperty("id").GetString()!));
            received.Add(long.Parse((await NextAsync(ws)).GetProperty("id").GetString()!));
            await LoginAsync(email);
            received.Add(long.Parse((await NextAsync(ws)).GetProperty("id").GetString()!));
        }

        var all = await LoginIdsAsync(id);
        Assert.Equal(all.Skip(1).ToList(), received);
    }

    [Fact]
    public async Task EndUsersCannotSubscribe()
    {
        var (_, token) = await Client.RegisterAndLoginAsync("ev-live-user@example.com");
        using var ws = await ConnectAsync(token);
        await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = Subscription } });
        var message = await ws.ReceiveWithinGuardAsync("ping", "pong", "ka");
        // graphql-transport-ws answers a refused subscription with "error" (errors as payload) or "next" carrying errors.
        var errors = message.GetProperty("type").GetString() == "error" ? message.GetProperty("payload") : message.GetProperty("payload").GetProperty("errors");
        Assert.Equal(403, errors[0].GetProperty("extensions").GetProperty("code").GetInt32());
    }
}
