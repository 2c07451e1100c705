using System.Net;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// An app authenticates only the way it is registered (tokenEndpointAuthMethod); public clients have no secret; and
/// client-credentials tokens, which get no token row, stay revocable.
/// </summary>
public sealed class ClientAuthMethodTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_client_authenticates_only_with_its_registered_method()
    {
        var (post, postSecret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"], tokenEndpointAuthMethod: \"client_secret_post\"");
        var (basic, basicSecret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");

        // client_secret_post: the form works, the Authorization header is invalid_client (RFC 6749 §5.2).
        Assert.NotNull((await ClientCredentialsAsync(post, postSecret!, viaBasic: false)).Body["access_token"]);
        var (status, refused) = await ClientCredentialsAsync(post, postSecret!, viaBasic: true);
        Assert.Equal("invalid_client", refused["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // client_secret_basic (the default): the header works, the form is invalid_client.
        Assert.NotNull((await ClientCredentialsAsync(basic, basicSecret!, viaBasic: true)).Body["access_token"]);
        Assert.Equal("invalid_client", (await ClientCredentialsAsync(basic, basicSecret!, viaBasic: false)).Body["error"]!.GetValue<string>());

        // The same rule at introspection and revocation.
        var token = (await ClientCredentialsAsync(basic, basicSecret!, viaBasic: true)).Body["access_token"]!.GetValue<string>();
        var introspectedByForm = await SendAsync("/oidc/token/introspection", basic, basicSecret!, viaBasic: false, [new("token", token)]);
        Assert.Equal("invalid_client", introspectedByForm.Body["error"]!.GetValue<string>());
        var revokedByForm = await SendAsync("/oidc/token/revocation", basic, basicSecret!, viaBasic: false, [new("token", token)]);
        Assert.Equal("invalid_client", revokedByForm.Body["error"]!.GetValue<string>());
        Assert.True((await SendAsync("/oidc/token/introspection", basic, basicSecret!, viaBasic: true, [new("token", token)])).Body["active"]!.GetValue<bool>());

        // A client assertion (private_key_jwt) is not a way in: apps register no keys.
        var assertion = await SendAsync("/oidc/token", null, null, viaBasic: false, [
            new("grant_type", "client_credentials"), new("client_id", basic),
            new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", "e30.e30.")]);
        Assert.Equal("invalid_client", assertion.Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_names_only_the_client_authentication_methods_accepted()
    {
        var doc = JsonNode.Parse(await _host.Gql.Http.GetStringAsync("/oidc/.well-known/openid-configuration"))!;
        static List<string> Of(JsonNode doc, string name) => [.. doc[name]!.AsArray().Select(x => x!.GetValue<string>()).Order()];
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Of(doc, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Of(doc, "revocation_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Of(doc, "introspection_endpoint_auth_methods_supported"));
    }

    [Fact]
    public async Task A_public_client_has_no_secret_and_a_secret_it_sends_is_refused()
    {
        var (id, secret) = await _host.CreateClientAsync("tokenEndpointAuthMethod: \"none\"");
        Assert.Null(secret);
        var stored = await _host.App.QueryDbAsync(db => Task.FromResult(db.Applications.Single(a => a.Id == id)));
        Assert.Null(stored.SecretHash);
        Assert.Empty(stored.SecretSealed);

        // refreshApplicationSecret on a public client is a GenAuth error, and makes no secret.
        var refresh = await _host.AdminGqlAsync("mutation($id: String!) { refreshApplicationSecret(id: $id) { secret } }", new { id });
        Assert.Equal(400, GraphQLClient.ErrorCode(refresh));
        Assert.Contains("public client", GraphQLClient.ErrorMessage(refresh) + refresh.ToJsonString());
        Assert.Null((await _host.App.QueryDbAsync(db => Task.FromResult(db.Applications.Single(a => a.Id == id)))).SecretHash);

        // A confidential app made public loses its secret: the answer shows none and the old one is refused.
        var (app, oldSecret) = await _host.CreateClientAsync();
        var updated = GraphQLClient.Success(await _host.AdminGqlAsync(
            "mutation($id: String!) { updateApplication(id: $id, tokenEndpointAuthMethod: \"none\") { secret tokenEndpointAuthMethod } }", new { id = app }),
            "updateApplication");
        Assert.Null(updated["secret"]);
        Assert.Equal("none", updated["tokenEndpointAuthMethod"]!.GetValue<string>());
        foreach (var viaBasic in new[] { true, false })
        {
            var exchange = await SendAsync("/oidc/token", app, oldSecret!, viaBasic, [
                new("grant_type", "authorization_code"), new("code", "not-a-code"), new("redirect_uri", OidcHost.Callback), new("code_verifier", new string('a', 43))]);
            Assert.Equal("invalid_client", exchange.Body["error"]!.GetValue<string>());
        }

        // Made confidential again, it gets a new secret, shown once in that answer, and the old one stays dead.
        var confidential = GraphQLClient.Success(await _host.AdminGqlAsync(
            "mutation($id: String!) { updateApplication(id: $id, tokenEndpointAuthMethod: \"client_secret_basic\", grantTypes: [\"authorization_code\", \"client_credentials\"]) { secret } }",
            new { id = app }), "updateApplication");
        var newSecret = confidential["secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);
        Assert.NotNull((await ClientCredentialsAsync(app, newSecret, viaBasic: true)).Body["access_token"]);
        Assert.Equal("invalid_client", (await ClientCredentialsAsync(app, oldSecret!, viaBasic: true)).Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_credentials_token_has_no_token_row_yet_revocation_makes_it_inactive()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var rowsBefore = await _host.App.QueryDbAsync(db => Task.FromResult(
            db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().Count()));
        var token = (await ClientCredentialsAsync(id, secret!, viaBasic: true)).Body["access_token"]!.GetValue<string>();
        var other = (await ClientCredentialsAsync(id, secret!, viaBasic: true)).Body["access_token"]!.GetValue<string>();
        Assert.Equal(rowsBefore, await _host.App.QueryDbAsync(db => Task.FromResult(
            db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().Count())));
        Assert.Null(Jwt.Payload(token)["oi_tkn_id"]);

        Assert.True((await SendAsync("/oidc/token/introspection", id, secret!, viaBasic: true, [new("token", token)])).Body["active"]!.GetValue<bool>());
        var revoke = await SendAsync("/oidc/token/revocation", id, secret!, viaBasic: true, [new("token", token)]);
        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        Assert.False((await SendAsync("/oidc/token/introspection", id, secret!, viaBasic: true, [new("token", token)])).Body["active"]!.GetValue<bool>());
        // Revoking it again is still 200 (RFC 7009 §2.2); the other token of the same client stays active.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/oidc/token/revocation", id, secret!, viaBasic: true, [new("token", token)])).Status);
        Assert.True((await SendAsync("/oidc/token/introspection", id, secret!, viaBasic: true, [new("token", other)])).Body["active"]!.GetValue<bool>());
    }

    private Task<(HttpStatusCode Status, JsonNode Body)> ClientCredentialsAsync(string id, string secret, bool viaBasic) =>
        SendAsync("/oidc/token", id, secret, viaBasic, [new("grant_type", "client_credentials")]);

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(string path, string? id, string? secret, bool viaBasic,
        List<KeyValuePair<string, string>> form)
    {
        if (id is not null && secret is not null && !viaBasic)
            form = [.. form, new("client_id", id), new("client_secret", secret)];
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (id is not null && secret is not null && viaBasic)
            request.Headers.Authorization = Basic.Of(id, secret);
        using var response = await _host.Gql.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }
}
