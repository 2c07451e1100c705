using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Transports;

namespace GenAuth.Tests.QrLogin;

/// <summary>Talks to the QR REST API as a browser (gene, check) and as the app (scanned, confirm, cancel) would.</summary>
public sealed class QrClient(GenAuthApp app)
{
    public const string Subscription =
        "subscription($random: String!) { qrCodeStatusChanged(random: $random) { random status userInfo { nickname photo } ticket expiresAt } }";

    public HttpClient Http { get; } = app.CreateClient();

    public GraphQLClient GraphQL { get; } = app.CreateGraphQLClient();

    public async Task<JsonNode> PostAsync(string path, object? body = null, string? token = null, string? poolId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-userpool-id", poolId ?? app.UserPoolId);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task<JsonNode> GetAsync(string path, string? poolId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-authing-userpool-id", poolId ?? app.UserPoolId);
        using var response = await Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>data of a { code: 200 } envelope; fails with the body otherwise.</summary>
    public static JsonNode Ok(JsonNode envelope)
    {
        Assert.True(envelope["code"]?.GetValue<int>() == 200, $"Expected code 200, got {envelope.ToJsonString()}");
        return envelope["data"]!;
    }

    public static int Code(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    public async Task<string> GeneAsync(string prefix = "/api/v2/qrcode") =>
        Ok(await PostAsync(prefix + "/gene", new { scene = "APP_AUTH" }))["random"]!.GetValue<string>();

    public async Task<JsonNode> CheckAsync(string random, string prefix = "/api/v2/qrcode") =>
        Ok(await GetAsync($"{prefix}/check?random={random}"));

    public Task<JsonNode> ScannedAsync(string random, string token) => PostAsync("/api/qrcode/scanned", new { random }, token);

    public Task<JsonNode> ConfirmAsync(string random, string token) => PostAsync("/api/qrcode/confirm", new { random }, token);

    public Task<JsonNode> CancelAsync(string random, string token) => PostAsync("/api/qrcode/cancel", new { random }, token);

    /// <summary>A signed-in app user with a nickname and photo; returns its id and token.</summary>
    public async Task<(string Id, string Token)> AppUserAsync(string nickname = "Scanner")
    {
        var (id, token) = await GraphQL.RegisterAndLoginAsync($"{Guid.NewGuid():N}@example.com");
        GraphQLClient.Success(await GraphQL.PostAsync(Ops.UpdateUser,
            new { input = new { nickname, photo = "https://example.com/a.png" } }, token), "updateUser");
        return (id, token);
    }

    /// <summary>A graphql-transport-ws connection to this server (real socket over Kestrel), initialised for the pool.</summary>
    public async Task<WsTestClient> ConnectAsync(string subprotocol = "graphql-transport-ws")
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subprotocol);
        var uri = new UriBuilder(Http.BaseAddress!) { Scheme = "ws", Path = GenAuthApp.GraphQLPath }.Uri;
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        await socket.ConnectAsync(uri, cts.Token);
        var client = new WsTestClient(socket);
        await client.InitAsync(new Dictionary<string, string> { ["x-authing-userpool-id"] = app.UserPoolId });
        return client;
    }

    public static async Task SubscribeAsync(WsTestClient ws, string random, string id = "1") =>
        await ws.SendAsync(new { id, type = "subscribe", payload = new { query = Subscription, variables = new { random } } });

    /// <summary>The next "next" payload's event (data.qrCodeStatusChanged).</summary>
    public static async Task<JsonElement> NextEventAsync(WsTestClient ws)
    {
        var message = await ws.ReceiveAsync("ping", "pong", "ka");
        Assert.True(message.GetProperty("type").GetString() is "next" or "data", message.ToString());
        return message.GetProperty("payload").GetProperty("data").GetProperty("qrCodeStatusChanged");
    }
}
