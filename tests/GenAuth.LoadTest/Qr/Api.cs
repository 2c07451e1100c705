using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace GenAuth.LoadTest.Qr;

/// <summary>REST and GraphQL calls the benchmark makes, as the browser and the app would.</summary>
public sealed class Api(ServerProcess server, int maxConnections = 64)
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = server.BaseUri,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-authing-userpool-id", server.PoolId);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<string> AppUserTokenAsync()
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        const string password = "Correct-Horse-91";
        await SendAsync(HttpMethod.Post, "/graphql/v2", new
        {
            query = "mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { id } }",
            variables = new { i = new { email, password } },
        });
        var login = await SendAsync(HttpMethod.Post, "/graphql/v2", new
        {
            query = "mutation($i: LoginByEmailInput!) { loginByEmail(input: $i) { token } }",
            variables = new { i = new { email, password } },
        });
        return login.GetProperty("data").GetProperty("loginByEmail").GetProperty("token").GetString()!;
    }

    public async Task<string[]> GeneAsync(int count)
    {
        var randoms = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var r = await SendAsync(HttpMethod.Post, "/api/v2/qrcode/gene", new { scene = "APP_AUTH" });
            randoms[i] = r.GetProperty("data").GetProperty("random").GetString()!;
        });
        return randoms;
    }

    public async Task TransitionAsync(string action, string random, string token)
    {
        var r = await SendAsync(HttpMethod.Post, $"/api/qrcode/{action}", new { random }, token);
        if (r.GetProperty("code").GetInt32() != 200)
            throw new InvalidOperationException($"{action}: {r}");
    }
}

/// <summary>One browser waiting on one code: its own WebSocket, graphql-transport-ws, one subscription.</summary>
public sealed class Subscriber(string random) : IAsyncDisposable
{
    private const string Query =
        "subscription($random: String!) { qrCodeStatusChanged(random: $random) { random status userInfo { nickname photo } ticket expiresAt } }";

    private readonly ClientWebSocket _ws = new();
    private Task? _loop;

    public string Random { get; } = random;

    /// <summary>(status, Stopwatch timestamp when the event arrived).</summary>
    public Channel<(int Status, long At)> Events { get; } = Channel.CreateUnbounded<(int, long)>();

    public async Task ConnectAsync(ServerProcess server)
    {
        _ws.Options.AddSubProtocol("graphql-transport-ws");
        var uri = new UriBuilder(server.BaseUri) { Scheme = "ws", Path = "/graphql/v2" }.Uri;
        await _ws.ConnectAsync(uri, CancellationToken.None);
        await SendAsync(new { type = "connection_init", payload = new Dictionary<string, string> { ["x-authing-userpool-id"] = server.PoolId } });
        _loop = ReceiveLoopAsync();
        await SendAsync(new { id = "1", type = "subscribe", payload = new { query = Query, variables = new { random = Random } } });
    }

    private Task SendAsync(object message) =>
        _ws.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        var message = new MemoryStream();
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                var result = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;
                var at = Stopwatch.GetTimestamp();
                using var doc = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                switch (doc.RootElement.GetProperty("type").GetString())
                {
                    case "next":
                        var status = doc.RootElement.GetProperty("payload").GetProperty("data").GetProperty("qrCodeStatusChanged").GetProperty("status").GetInt32();
                        Events.Writer.TryWrite((status, at));
                        break;
                    case "ping":
                        await SendAsync(new { type = "pong" });
                        break;
                }
            }
        }
        catch (WebSocketException) { }
        finally
        {
            Events.Writer.TryComplete();
        }
    }

    public async Task<(int Status, long At)> NextAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Events.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        catch (WebSocketException) { }
        _ws.Dispose();
        if (_loop is not null)
            await Task.WhenAny(_loop, Task.Delay(1000));
    }
}
