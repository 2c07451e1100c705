using System.Net;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Oidc;

public sealed class DiscoveryAndClientCredentialsTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Discovery_names_every_endpoint_grant_and_method_under_one_issuer()
    {
        var http = _host.Gql.Http;
        var doc = JsonNode.Parse(await http.GetStringAsync("/oidc/.well-known/openid-configuration"))!;
        var issuer = _host.BaseUri.ToString().TrimEnd('/') + "/oidc";
        Assert.Equal(issuer, doc["issuer"]!.GetValue<string>());
        Assert.Equal(issuer + "/auth", doc["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/me", doc["userinfo_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/token/introspection", doc["introspection_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/token/revocation", doc["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/session/end", doc["end_session_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/.well-known/jwks.json", doc["jwks_uri"]!.GetValue<string>());
        var grants = doc["grant_types_supported"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Contains("implicit", grants);
        Assert.Equal(["S256"], doc["code_challenge_methods_supported"]!.AsArray().Select(x => x!.GetValue<string>()));
        var responseTypes = doc["response_types_supported"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Contains("code", responseTypes);
        Assert.Contains("id_token", responseTypes);
        Assert.Contains("id_token token", responseTypes);
        var scopes = doc["scopes_supported"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        foreach (var scope in new[] { "openid", "profile", "email", "phone", "address", "offline_access" })
            Assert.Contains(scope, scopes);
        var claims = doc["claims_supported"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        foreach (var claim in new[] { "sub", "email", "phone_number", "address", "auth_time", "acr", "amr", "sid" })
            Assert.Contains(claim, claims);
        Assert.Contains("client_secret_basic", doc["token_endpoint_auth_methods_supported"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.True(doc["backchannel_logout_supported"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Client_credentials_token_is_signed_by_the_pool_key_with_aud_the_client()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        Assert.NotNull(secret);
        var http = _host.Gql.Http;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = Basic.Of(id, secret!);
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        var token = body["access_token"]!.GetValue<string>();
        var header = Jwt.Header(token);
        var payload = Jwt.Payload(token);
        Assert.Equal(id, payload["aud"]!.GetValue<string>());
        Assert.Equal(id, payload["sub"]!.GetValue<string>());
        Assert.Equal(_host.BaseUri.ToString().TrimEnd('/') + "/oidc", payload["iss"]!.GetValue<string>());
        var jwks = JsonNode.Parse(await http.GetStringAsync("/oidc/.well-known/jwks.json"))!["keys"]!.AsArray();
        var jwk = jwks.Single(k => k!["kid"]!.GetValue<string>() == header["kid"]!.GetValue<string>());
        Assert.True(Jwt.VerifyRs256(token, jwk!));
        var poolKid = await _host.App.QueryDbAsync(db => Task.FromResult(db.PoolKeys.Where(k => k.UserPoolId == _host.App.UserPoolId).Select(k => k.Id).ToList()));
        Assert.Contains(header["kid"]!.GetValue<string>(), poolKid);
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_is_invalid_client()
    {
        var (id, _) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = Basic.Of(id, "wrong-secret");
        using var response = await _host.Gql.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_credentials_needs_the_grant_and_known_scopes()
    {
        var (codeOnly, codeSecret) = await _host.CreateClientAsync();
        var refused = await TokenAsync(codeOnly, codeSecret!, []);
        Assert.Equal("unauthorized_client", refused["error"]!.GetValue<string>());

        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var badScope = await TokenAsync(id, secret!, [new("scope", "books:delete")]);
        Assert.Equal("invalid_scope", badScope["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refreshed_secret_replaces_the_old_one_and_is_shown_once()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var refreshed = GraphQLClient.Success(await _host.AdminGqlAsync("mutation($id: String!) { refreshApplicationSecret(id: $id) { secret } }", new { id }),
            "refreshApplicationSecret")["secret"]!.GetValue<string>();
        Assert.NotEqual(secret, refreshed);
        Assert.Equal("invalid_client", (await TokenAsync(id, secret!, []))["error"]!.GetValue<string>());
        Assert.NotNull((await TokenAsync(id, refreshed, []))["access_token"]);
        var read = GraphQLClient.Success(await _host.AdminGqlAsync("query($id: String!) { application(id: $id) { secret } }", new { id }), "application");
        Assert.Null(read["secret"]);
        var stored = await _host.App.QueryDbAsync(db => Task.FromResult(db.Applications.Single(a => a.Id == id)));
        Assert.Empty(stored.SecretSealed);
        Assert.Equal(32, stored.SecretHash!.Length);
    }

    private async Task<JsonNode> TokenAsync(string id, string secret, List<KeyValuePair<string, string>> extra)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), .. extra]),
        };
        request.Headers.Authorization = Basic.Of(id, secret);
        using var response = await _host.Gql.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
