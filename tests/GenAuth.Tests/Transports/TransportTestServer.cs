using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using GenAuth.Server.GraphQL.WebSockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Transports;

/// <summary>
/// The real server in-process, listening on a loopback port (Kestrel: real HTTP and real WebSockets, not the in-memory
/// TestServer), on a data directory of its own, with optional configuration overrides.
/// </summary>
public sealed class TransportTestServer : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private readonly (string Key, string Value)[] _settings;

    public TransportTestServer(params (string Key, string Value)[] settings)
    {
        _settings = settings;
        UseKestrel(0);
    }

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "genauth-transports-" + Guid.NewGuid().ToString("N"));

    public string PoolId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GenAuth:DataDirectory", _dataDirectory);
        builder.UseSetting("GenAuth:Bootstrap:UserPoolId", PoolId);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    public GraphQLWebSocketStats Stats() => Services.GetRequiredService<GraphQLWebSocketStats>();

    /// <summary>Polls until the condition holds; false only when the guard ran out.</summary>
    public static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(20);
        }
        return true;
    }

    private HttpClient? _http;

    /// <summary>One HTTP client to the Kestrel address (starts the server on first use).</summary>
    public HttpClient Http => _http ??= CreateClient();

    public Uri GraphQLUri => new(Http.BaseAddress!, "graphql/v2");

    /// <summary>A real WebSocket (ClientWebSocket over TCP) to /graphql/v2, offering the subprotocol when given.</summary>
    public async Task<WsTestClient> ConnectAsync(string? subprotocol, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        if (subprotocol is not null)
            socket.Options.AddSubProtocol(subprotocol);
        configure?.Invoke(socket.Options);
        using var cts = new CancellationTokenSource(Guard);
        await socket.ConnectAsync(new UriBuilder(GraphQLUri) { Scheme = "ws" }.Uri, cts.Token);
        return new WsTestClient(socket);
    }

    /// <summary>Registers a user over HTTP and returns its id token.</summary>
    public async Task<string> RegisterAsync(string? email = null, string password = "Correct-Horse-9")
    {
        email ??= $"u{Guid.NewGuid():N}@example.com";
        var result = await PostGraphQLAsync(
            "mutation($email: String!, $password: String!) { registerByEmail(input: { email: $email, password: $password, forceLogin: true }) { token } }",
            new { email, password });
        return result.GetProperty("data").GetProperty("registerByEmail").GetProperty("token").GetString()!;
    }

    public async Task<JsonElement> PostGraphQLAsync(string query, object? variables = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Add("x-authing-userpool-id", PoolId);
        if (token is not null)
            request.Headers.Add("Authorization", "Bearer " + token);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on some platforms; temp dirs get cleaned anyway
        }
    }
}
