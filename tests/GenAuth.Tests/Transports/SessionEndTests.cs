using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Events;
using GenAuth.Core.Sessions;
using GenAuth.Server.GraphQL;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Transports;

/// <summary>
/// Issue 10, hole 7: a running subscription ends when the session that opened it is revoked (logout, an admin's
/// change) or its token expires. graphql-transport-ws: an "error" for each running operation (1010001), then the
/// socket closes with 4403; legacy graphql-ws: data with the error, complete, 4403; SSE: a "next" with the error, then
/// "complete".
/// </summary>
public sealed class SessionEndTests : IAsyncLifetime
{
    private const string Ticking = "subscription { serverTime(intervalMs: 100) }";
    private readonly TransportTestServer _server = new(("GenAuth:WebSocket:KeepAliveInterval", "00:00:00.200"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    [Fact]
    public async Task LogoutEndsARunningGraphQLTransportWsSubscriptionAndClosesWith4403()
    {
        var token = await _server.RegisterAsync();
        using var ws = await _server.ConnectAsync("graphql-transport-ws");
        await ws.InitAsync(new { token });
        await ws.SendAsync(new { id = "tick", type = "subscribe", payload = new { query = Ticking } });
        Assert.Equal("next", TypeOf(await ws.ReceiveAsync()));

        await _server.PostGraphQLAsync("mutation { logout { code } }", token: token);

        var error = await ws.ReceiveWithinGuardAsync("next");
        Assert.Equal("error", TypeOf(error));
        Assert.Equal("tick", error.GetProperty("id").GetString());
        Assert.Equal(1010001, error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetInt32());
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task LogoutEndsARunningLegacyGraphQLWsSubscription()
    {
        var token = await _server.RegisterAsync();
        using var ws = await _server.ConnectAsync("graphql-ws");
        await ws.SendAsync(new { type = "connection_init", payload = new { token } });
        Assert.Equal("connection_ack", TypeOf(await ws.ReceiveAsync("ka")));
        await ws.SendAsync(new { id = "tick", type = "start", payload = new { query = Ticking } });
        Assert.Equal("data", TypeOf(await ws.ReceiveAsync("ka")));

        await _server.PostGraphQLAsync("mutation { logout { code } }", token: token);

        var deadline = DateTime.UtcNow + TransportTestServer.Guard;
        JsonElement last;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "The subscription kept streaming after logout");
            last = await ws.ReceiveAsync("ka");
        }
        while (last.GetProperty("payload").TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object);
        Assert.Equal("data", TypeOf(last));
        Assert.Equal(1010001, last.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetInt32());
        Assert.Equal("complete", TypeOf(await ws.ReceiveAsync("ka")));
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task LogoutEndsARunningEventStreamWithAnErrorThenComplete()
    {
        var token = await _server.RegisterAsync();
        using var http = _server.CreateClient();
        http.Timeout = TransportTestServer.Guard;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2") { Content = JsonContent.Create(new { query = Ticking }) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("x-authing-userpool-id", _server.PoolId);
        request.Headers.Add("Authorization", "Bearer " + token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: next", await ReadLineAsync(reader));

        await _server.PostGraphQLAsync("mutation { logout { code } }", token: token);

        var rest = await ReadToEndAsync(reader);
        var events = rest.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(b => b.Split('\n')).Where(l => l[0].StartsWith("event:")).ToList();
        Assert.Equal("event: complete", events[^1][0]);
        Assert.Equal("event: next", events[^2][0]);
        using var error = JsonDocument.Parse(events[^2][1]["data:".Length..]);
        Assert.Equal(1010001, error.RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task AnExpiringTokenEndsItsConnectionsCredentialAndARevokedOneAtOnce()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bus = new InMemoryEventBus(NullLogger<InMemoryEventBus>.Instance);
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var sessions = new SessionService(cache, clock, bus);
        var expiring = new CallerContext
        {
            Kind = PrincipalKind.User, UserId = "u1", SessionId = "s1", Token = "t",
            TokenExpiresAt = clock.GetUtcNow().AddMinutes(10),
        };
        var revoked = new CallerContext { Kind = PrincipalKind.User, UserId = "u2", SessionId = "s2", Token = "t", TokenExpiresAt = clock.GetUtcNow().AddDays(60) };

        using var first = CredentialLifetime.Watch(expiring, sessions, clock);
        using var second = CredentialLifetime.Watch(revoked, sessions, clock);
        Assert.Null(CredentialLifetime.Watch(new CallerContext(), sessions, clock)); // anonymous: nothing to end

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.False(first!.Ended.IsCancellationRequested);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(first.Ended.IsCancellationRequested);

        // 60 days is past what one timer can wait: the watch re-arms instead of firing early.
        clock.Advance(TimeSpan.FromDays(50));
        Assert.False(second!.Ended.IsCancellationRequested);
        await bus.PublishAsync(EventChannels.SessionRevoked, "other s2");
        Assert.True(second.Ended.IsCancellationRequested);
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        return await reader.ReadLineAsync(cts.Token);
    }

    private static async Task<string> ReadToEndAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        return await reader.ReadToEndAsync(cts.Token);
    }
}
