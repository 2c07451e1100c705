using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Oidc;

/// <summary>A server with credentials allowed for CORS grants (GenAuth:Cors:AllowCredentials), shared by the app CORS tests.</summary>
public sealed class AppCorsFixture : IAsyncLifetime
{
    public const string Spa = "https://spa.example.com";

    public OidcHost Host { get; } = new(settings: new Dictionary<string, string?> { ["GenAuth:Cors:AllowCredentials"] = "true" });

    /// <summary>A confidential client (client credentials) with the SPA origin registered.</summary>
    public (string Id, string Secret) Client { get; private set; }

    /// <summary>A public client (PKCE) with the SPA origin registered.</summary>
    public string PublicClient { get; private set; } = "";

    /// <summary>A client of the same pool without registered origins.</summary>
    public (string Id, string Secret) Plain { get; private set; }

    public async Task InitializeAsync()
    {
        var (id, secret) = await Host.CreateClientAsync($"grantTypes: [\"client_credentials\"], corsOrigins: [\"{Spa}\", \"http://localhost:3000\"]", "SPA backend");
        Client = (id, secret!);
        PublicClient = (await Host.CreateClientAsync($"tokenEndpointAuthMethod: \"none\", corsOrigins: [\"{Spa}\"]", "SPA")).Id;
        var (plain, plainSecret) = await Host.CreateClientAsync("grantTypes: [\"client_credentials\"]", "No CORS");
        Plain = (plain, plainSecret!);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// An application's corsOrigins (stored but unused before): a browser app registered with its origin may call the OAuth
/// endpoints as that client and the API with that app's header; look-alike origins, other clients' and other pools'
/// requests get no CORS headers. Discovery and the JWKS are public (*, no credentials).
/// </summary>
public sealed class AppCorsTests(AppCorsFixture fixture) : IClassFixture<AppCorsFixture>
{
    private const string Spa = AppCorsFixture.Spa;
    private OidcHost Host => fixture.Host;

    private static string? AllowOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    private static bool AllowsCredentials(HttpResponseMessage response) => response.Headers.Contains("Access-Control-Allow-Credentials");

    private async Task<HttpResponseMessage> TokenFromAsync(string origin, (string Id, string Secret) client, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = Basic.Of(client.Id, client.Secret);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return await Host.Gql.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string headers = "content-type,authorization")
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", headers);
        return await Host.Gql.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GraphQLFromAsync(string origin, IReadOnlyDictionary<string, string> headers)
    {
        var request = Host.Gql.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, headers: headers);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Content = new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, "application/json");
        return await Host.Gql.Http.SendAsync(request);
    }

    [Fact]
    public async Task The_registered_origin_may_call_the_token_endpoint_as_that_client()
    {
        using var response = await TokenFromAsync(Spa, fixture.Client);
        using var local = await TokenFromAsync("http://localhost:3000", fixture.Client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]);
        Assert.Equal(Spa, AllowOrigin(response));
        Assert.True(AllowsCredentials(response));
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.Equal("http://localhost:3000", AllowOrigin(local));
    }

    [Fact]
    public async Task A_public_client_naming_itself_in_the_form_gets_its_error_readable_from_its_origin()
    {
        // The SPA's code exchange: client_id in the body, no secret; a bad code answers invalid_grant, readable by the SPA.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "authorization_code"), new("client_id", fixture.PublicClient), new("code", "not-a-code"),
                new("redirect_uri", OidcHost.Callback), new("code_verifier", new string('a', 43)),
            ]),
        };
        request.Headers.TryAddWithoutValidation("Origin", Spa);
        using var response = await Host.Gql.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(Spa, AllowOrigin(response));
    }

    [Theory]
    [InlineData("https://spa.example.com.evil.com")]
    [InlineData("https://evil.com")]
    [InlineData("http://spa.example.com")]
    [InlineData("https://spa.example.com:8443")]
    [InlineData("http://localhost:3001")]
    [InlineData("null")]
    public async Task Look_alike_origins_get_no_cors_headers(string origin)
    {
        using var response = await TokenFromAsync(origin, fixture.Client);
        using var preflight = await PreflightAsync("/oidc/token", origin);

        // The token is issued (the client authenticated), but the browser page may not read it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(AllowOrigin(response));
        Assert.False(AllowsCredentials(response));
        Assert.Null(AllowOrigin(preflight));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task The_origin_of_one_client_cannot_read_another_clients_answers()
    {
        using var asPlain = await TokenFromAsync(Spa, fixture.Plain);

        Assert.Equal(HttpStatusCode.OK, asPlain.StatusCode);
        Assert.Null(AllowOrigin(asPlain));
        Assert.False(AllowsCredentials(asPlain));
    }

    [Fact]
    public async Task Preflights_to_the_oauth_endpoints_are_answered_for_registered_origins()
    {
        using var token = await PreflightAsync("/oidc/token", Spa);
        using var me = await PreflightAsync("/oidc/me", Spa);
        using var introspection = await PreflightAsync("/oauth/token/introspection", Spa);

        Assert.Equal(HttpStatusCode.NoContent, token.StatusCode);
        Assert.Equal(Spa, AllowOrigin(token));
        Assert.Contains("authorization", string.Join(",", token.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant());
        Assert.Equal(Spa, AllowOrigin(me));
        Assert.Equal(Spa, AllowOrigin(introspection));
    }

    [Fact]
    public async Task Userinfo_introspection_and_revocation_answer_the_clients_origin()
    {
        using var issued = await TokenFromAsync(Spa, fixture.Client);
        var accessToken = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();

        // userinfo names its client by the access token only (a client-credentials token is no user's: an error, readable).
        using var meRequest = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        meRequest.Headers.Authorization = new("Bearer", accessToken);
        meRequest.Headers.TryAddWithoutValidation("Origin", Spa);
        using var me = await Host.Gql.Http.SendAsync(meRequest);
        using var meElsewhere = await SendWithOriginAsync(HttpMethod.Get, "/oidc/me", "https://evil.example", bearer: accessToken);

        using var introspection = await SendWithOriginAsync(HttpMethod.Post, "/oidc/token/introspection", Spa, fixture.Client, [new("token", accessToken)]);
        using var introspectionByPlain = await SendWithOriginAsync(HttpMethod.Post, "/oidc/token/introspection", Spa, fixture.Plain, [new("token", accessToken)]);
        using var revocation = await SendWithOriginAsync(HttpMethod.Post, "/oauth/token/revocation", Spa, fixture.Client, [new("token", accessToken)]);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(Spa, AllowOrigin(me));
        Assert.Null(AllowOrigin(meElsewhere));
        Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);
        Assert.Equal(Spa, AllowOrigin(introspection));
        Assert.Null(AllowOrigin(introspectionByPlain));
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.Equal(Spa, AllowOrigin(revocation));
    }

    private async Task<HttpResponseMessage> SendWithOriginAsync(HttpMethod method, string path, string origin, (string Id, string Secret)? client = null,
        List<KeyValuePair<string, string>>? form = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (form is not null)
            request.Content = new FormUrlEncodedContent(form);
        if (client is { } c)
            request.Headers.Authorization = Basic.Of(c.Id, c.Secret);
        if (bearer is not null)
            request.Headers.Authorization = new("Bearer", bearer);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return await Host.Gql.Http.SendAsync(request);
    }

    [Fact]
    public async Task The_api_answers_the_apps_origin_with_that_apps_header_only()
    {
        var other = await Host.App.CreatePoolAsync("Pool B");

        using var withApp = await GraphQLFromAsync(Spa, new Dictionary<string, string> { ["x-authing-app-id"] = fixture.Client.Id });
        using var withPlainApp = await GraphQLFromAsync(Spa, new Dictionary<string, string> { ["x-authing-app-id"] = fixture.Plain.Id });
        using var withPoolA = await GraphQLFromAsync(Spa, new Dictionary<string, string> { ["x-authing-userpool-id"] = Host.App.UserPoolId });
        // Pool B's header (with or without pool A's app): the origin registered by an app of pool A gets nothing, credentials included.
        using var withPoolB = await GraphQLFromAsync(Spa, new Dictionary<string, string> { ["x-authing-userpool-id"] = other.Pool.Id });
        using var withPoolBAndAppA = await GraphQLFromAsync(Spa, new Dictionary<string, string>
        {
            ["x-authing-userpool-id"] = other.Pool.Id, ["x-authing-app-id"] = fixture.Client.Id,
        });
        using var withAppB = await GraphQLFromAsync(Spa, new Dictionary<string, string> { ["x-authing-app-id"] = other.App.Id });
        using var tokenAsPoolB = await TokenFromAsync(Spa, fixture.Client, new Dictionary<string, string> { ["x-authing-userpool-id"] = other.Pool.Id });

        Assert.Equal(Spa, AllowOrigin(withApp));
        Assert.True(AllowsCredentials(withApp));
        Assert.Null(AllowOrigin(withPlainApp));
        Assert.Null(AllowOrigin(withPoolA));
        foreach (var refused in new[] { withPoolB, withPoolBAndAppA, withAppB, tokenAsPoolB })
        {
            Assert.Null(AllowOrigin(refused));
            Assert.False(AllowsCredentials(refused));
        }
    }

    [Theory]
    [InlineData("/oidc/.well-known/openid-configuration")]
    [InlineData("/oidc/.well-known/jwks.json")]
    public async Task Discovery_and_jwks_are_open_to_any_origin_without_credentials(string path)
    {
        foreach (var origin in new[] { "https://anything.example", Spa, "null" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Origin", origin);
            using var response = await Host.Gql.Http.SendAsync(request);
            using var preflight = await PreflightAsync(path, origin, "x-authing-userpool-id");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("*", AllowOrigin(response));
            Assert.False(AllowsCredentials(response));
            Assert.Equal("*", AllowOrigin(preflight));
            Assert.False(AllowsCredentials(preflight));
        }
    }

    [Fact]
    public async Task Changing_an_apps_origins_takes_effect_at_once()
    {
        var (id, secret) = await Host.CreateClientAsync("grantTypes: [\"client_credentials\"], corsOrigins: [\"https://moving.example\"]", "Moving");
        using var before = await TokenFromAsync("https://moving.example", (id, secret!));
        using var preflightBefore = await PreflightAsync("/oidc/token", "https://moving.example");

        GraphQLClient.Success(await Host.AdminGqlAsync($"mutation {{ updateApplication(id: \"{id}\", corsOrigins: []) {{ corsOrigins }} }}"), "updateApplication");
        using var after = await TokenFromAsync("https://moving.example", (id, secret!));
        using var preflightAfter = await PreflightAsync("/oidc/token", "https://moving.example");

        Assert.Equal("https://moving.example", AllowOrigin(before));
        Assert.Equal("https://moving.example", AllowOrigin(preflightBefore));
        Assert.Null(AllowOrigin(after));
        Assert.Null(AllowOrigin(preflightAfter));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("*")]
    [InlineData("https://*.example.com")]
    [InlineData("https://spa.example.com/path")]
    public async Task Apps_cannot_register_entries_that_are_no_origin(string origin)
    {
        var result = await Host.AdminGqlAsync($"mutation {{ createApplication(name: \"Bad\", corsOrigins: [\"{origin}\"]) {{ id }} }}");

        Assert.Equal(GenAuth.Core.Common.ErrorCodes.BadRequest.Code, GraphQLClient.ErrorCode(result));
    }
}
