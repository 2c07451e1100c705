using System.Net;
using System.Text;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// CORS from the pool's allowedOrigins (stored and ignored before issue 10): exact origins only, per pool, preflights
/// answered, credentials only where configured.
/// </summary>
public sealed class CorsTests : IAsyncLifetime, IDisposable
{
    private const string App = "https://app.example.com";
    private readonly GenAuthApp _app;
    private readonly GraphQLClient _client;
    private string _admin = "";

    public CorsTests()
    {
        _app = new GenAuthApp();
        _client = _app.CreateGraphQLClient();
    }

    public async Task InitializeAsync()
    {
        _admin = await _client.ManagementTokenAsync(_app.Secret);
        var set = await SetOriginsAsync("https://app.example.com\nhttps://admin.example.com:8443");
        Assert.Equal("https://app.example.com\nhttps://admin.example.com:8443",
            GraphQLClient.Success(set, "updateUserpool")["allowedOrigins"]!.GetValue<string>());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private Task<System.Text.Json.Nodes.JsonNode> SetOriginsAsync(string origins, GraphQLClient? client = null, string? admin = null) =>
        (client ?? _client).PostAsync("mutation($o: String) { updateUserpool(input: { allowedOrigins: $o }) { allowedOrigins } }",
            new { o = origins }, admin ?? _admin);

    private async Task<HttpResponseMessage> QueryFromAsync(string origin, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, headers: headers);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Content = new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, "application/json");
        return await _client.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PreflightFromAsync(string origin)
    {
        // Note: no x-authing-userpool-id, as browsers send it: only its name, in Access-Control-Request-Headers.
        using var request = new HttpRequestMessage(HttpMethod.Options, GenAuthApp.GraphQLPath);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type,authorization,x-authing-userpool-id");
        return await _client.Http.SendAsync(request);
    }

    private static string? AllowOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task AnAllowedOriginGetsItsExactOriginBackWithoutCredentials()
    {
        using var response = await QueryFromAsync(App);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App, AllowOrigin(response));
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("https://app.example.com.evil.com")]
    [InlineData("https://evil.com")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("https://admin.example.com")]
    [InlineData("null")]
    public async Task OtherOriginsGetNoCorsHeaders(string origin)
    {
        using var response = await QueryFromAsync(origin);
        using var preflight = await PreflightFromAsync(origin);

        Assert.Null(AllowOrigin(response));
        Assert.Null(AllowOrigin(preflight));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task APreflightFromAnAllowedOriginIsAnsweredWithTheRequestedHeaders()
    {
        using var response = await PreflightFromAsync("https://admin.example.com:8443");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://admin.example.com:8443", AllowOrigin(response));
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-authing-userpool-id", allowed);
        Assert.Contains("authorization", allowed);
        Assert.Equal("600", string.Join(",", response.Headers.GetValues("Access-Control-Max-Age")));
    }

    [Fact]
    public async Task AnOriginOfAnotherPoolCannotReadThisPoolsAnswers()
    {
        var other = await _app.CreatePoolAsync();
        var otherClient = _app.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherClient.ManagementTokenAsync(other.Secret);
        GraphQLClient.Success(await SetOriginsAsync("https://b.example.com", otherClient, otherAdmin), "updateUserpool");

        using var toOther = await QueryFromAsync("https://b.example.com", new Dictionary<string, string> { ["x-authing-userpool-id"] = other.Pool.Id });
        using var toThis = await QueryFromAsync("https://b.example.com");
        using var byApp = await QueryFromAsync(App, new Dictionary<string, string> { ["x-authing-app-id"] = _app.AppId });
        using var byOtherApp = await QueryFromAsync(App, new Dictionary<string, string> { ["x-authing-app-id"] = other.App.Id });
        // The preflight names no pool: an origin some pool allows may send; the answer is only readable by its pool's origins.
        using var preflight = await PreflightFromAsync("https://b.example.com");

        Assert.Equal("https://b.example.com", AllowOrigin(toOther));
        Assert.Null(AllowOrigin(toThis));
        Assert.Equal(App, AllowOrigin(byApp));
        Assert.Null(AllowOrigin(byOtherApp));
        Assert.Equal("https://b.example.com", AllowOrigin(preflight));
    }

    [Fact]
    public async Task ClearingTheListEndsCorsAtOnce()
    {
        using var before = await PreflightFromAsync(App);
        GraphQLClient.Success(await SetOriginsAsync(""), "updateUserpool");

        using var preflight = await PreflightFromAsync(App);
        using var response = await QueryFromAsync(App);

        Assert.Equal(App, AllowOrigin(before));
        Assert.Null(AllowOrigin(preflight));
        Assert.Null(AllowOrigin(response));
    }

    [Theory]
    [InlineData("https://*.example.com")]
    [InlineData("*")]
    [InlineData("null")]
    [InlineData("https://app.example.com/login")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("https://user@app.example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://files.example.com")]
    [InlineData("app.example.com")]
    public async Task UpdateUserpoolRefusesEntriesThatAreNoOrigin(string origin)
    {
        var result = await SetOriginsAsync($"https://ok.example.com\n{origin}");
        var pool = GraphQLClient.Success(await _client.PostAsync("{ userpool { allowedOrigins } }", token: _admin), "userpool");

        Assert.Equal(2072, GraphQLClient.ErrorCode(result));
        Assert.Equal("https://app.example.com\nhttps://admin.example.com:8443", pool["allowedOrigins"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateUserpoolRefusesMoreThan100Origins()
    {
        var origins = string.Join('\n', Enumerable.Range(0, 101).Select(i => $"https://app{i}.example.com"));

        Assert.Equal(2072, GraphQLClient.ErrorCode(await SetOriginsAsync(origins)));
    }

    [Fact]
    public async Task UpdateUserpoolStoresOriginsAsBrowsersSendThem()
    {
        var set = await SetOriginsAsync("HTTPS://App.Example.COM:443/, http://localhost:3000 https://app.example.com\r\nhttps://bücher.example");

        Assert.Equal("https://app.example.com\nhttp://localhost:3000\nhttps://xn--bcher-kva.example",
            GraphQLClient.Success(set, "updateUserpool")["allowedOrigins"]!.GetValue<string>());
        using var response = await QueryFromAsync("https://xn--bcher-kva.example");
        Assert.Equal("https://xn--bcher-kva.example", AllowOrigin(response));
    }

    [Fact]
    public async Task ErrorAnswersCarryTheCorsHeadersSoTheAppCanReadTheCode()
    {
        var request = _client.NewRequest(HttpMethod.Post, "/api/v2/sms/send");
        request.Headers.TryAddWithoutValidation("Origin", App);
        request.Content = new StringContent("{\"phone\":\"" + new string('1', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(App, AllowOrigin(response));
    }

    public sealed class WithCredentials : IDisposable
    {
        private readonly GenAuthApp _app = new(settings: new Dictionary<string, string?> { ["GenAuth:Cors:AllowCredentials"] = "true" });

        public void Dispose() => _app.Dispose();

        [Fact]
        public async Task CredentialsAreAllowedOnlyWhenConfiguredAndOnlyForListedOrigins()
        {
            var client = _app.CreateGraphQLClient();
            var admin = await client.ManagementTokenAsync(_app.Secret);
            GraphQLClient.Success(await client.PostAsync("mutation { updateUserpool(input: { allowedOrigins: \"https://app.example.com\" }) { id } }",
                token: admin), "updateUserpool");

            async Task<HttpResponseMessage> From(string origin)
            {
                var request = client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath);
                request.Headers.TryAddWithoutValidation("Origin", origin);
                request.Content = new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, "application/json");
                return await client.Http.SendAsync(request);
            }
            using var allowed = await From(App);
            using var other = await From("https://app.example.com.evil.com");

            Assert.Equal(App, AllowOrigin(allowed));
            Assert.Equal("true", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Credentials")));
            Assert.Null(AllowOrigin(other));
            Assert.False(other.Headers.Contains("Access-Control-Allow-Credentials"));
        }
    }
}
