using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Tokens;

/// <summary>The id token (RS256, kid, OIDC claims), the published keys, management tokens, and keys across restarts (R3).</summary>
public sealed class TokenTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public TokenTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task IdTokenIsAnRs256JwtSignedWithAKeyPublishedInJwks()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("jwt@example.com");

        var header = Jwt.Header(token);
        var jwk = await FindJwkAsync(_app, header["kid"]!.GetValue<string>());

        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal("RSA", jwk["kty"]!.GetValue<string>());
        Assert.Equal("sig", jwk["use"]!.GetValue<string>());
        Assert.True(Jwt.VerifyRs256(token, jwk));
    }

    [Fact]
    public async Task IdTokenCarriesTheStandardAndProfileClaims()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("claims@example.com"), "registerByEmail");
        var appHeader = new Dictionary<string, string> { ["x-authing-app-id"] = _app.AppId };
        var user = GraphQLClient.Success(await _client.LoginByEmailAsync("claims@example.com", headers: appHeader), "loginByEmail");
        var token = user["token"]!.GetValue<string>();

        var claims = Jwt.Payload(token);
        var discovery = await GetJsonAsync(_app, "/oidc/.well-known/openid-configuration");

        Assert.Equal(discovery["issuer"]!.GetValue<string>(), claims["iss"]!.GetValue<string>());
        Assert.Equal(_app.AppId, claims["aud"]!.GetValue<string>());
        Assert.Equal(user["id"]!.GetValue<string>(), claims["sub"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(claims["sid"]?.GetValue<string>()));
        var iat = claims["iat"]!.GetValue<long>();
        var exp = claims["exp"]!.GetValue<long>();
        Assert.True(exp > iat);
        Assert.InRange(iat, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal("claims@example.com", claims["email"]!.GetValue<string>());
        Assert.False(claims["email_verified"]!.GetValue<bool>());
        Assert.NotNull(claims["updated_at"]);
        var tokenExpiredAt = DateTimeOffset.Parse(user["tokenExpiredAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(exp, tokenExpiredAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task OpenIdConfigurationPointsAtTheJwksAndRs256()
    {
        var discovery = await GetJsonAsync(_app, "/oidc/.well-known/openid-configuration");

        Assert.EndsWith("/oidc/.well-known/jwks.json", discovery["jwks_uri"]!.GetValue<string>());
        Assert.Contains("RS256", discovery["id_token_signing_alg_values_supported"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("sid", discovery["claims_supported"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task JwksPublishesNoPrivateKeyMaterial()
    {
        var keys = (await GetJsonAsync(_app, "/oidc/.well-known/jwks.json"))["keys"]!.AsArray();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Null(k!["d"]));
    }

    [Fact]
    public async Task AccessTokenReturnsAnAdminScopedJwtWithExpiry()
    {
        var result = GraphQLClient.Success(await _client.PostAsync(Ops.AccessToken,
            new { userPoolId = _app.UserPoolId, secret = _app.Secret }), "accessToken");
        var token = result["accessToken"]!.GetValue<string>();

        var claims = Jwt.Payload(token);
        Assert.Equal("admin", claims["scope"]!.GetValue<string>());
        Assert.Equal(_app.UserPoolId, claims["userpool_id"]!.GetValue<string>());
        Assert.Equal(result["exp"]!.GetValue<long>(), claims["exp"]!.GetValue<long>());
        Assert.True(Jwt.VerifyRs256(token, await FindJwkAsync(_app, Jwt.Header(token)["kid"]!.GetValue<string>())));
        var pool = GraphQLClient.Success(await _client.PostAsync("{ userpool { id name secret } }", token: token), "userpool");
        Assert.Equal(_app.UserPoolId, pool["id"]!.GetValue<string>());
        Assert.Equal(_app.Secret, pool["secret"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task AccessTokenWithWrongSecretReturns2045(string secret)
    {
        var result = await _client.PostAsync(Ops.AccessToken, new { userPoolId = _app.UserPoolId, secret });

        Assert.Equal(2045, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["accessToken"]);
    }

    [Fact]
    public async Task TokensAndKeysSurviveARestartAndRevokedSessionsStayRevoked()
    {
        string token, revoked, kid;
        // Two servers, one after the other, on this test's directory (never started itself; its dispose cleans up).
        var dataDirectory = _app.DataDirectory;
        using (var first = new GenAuthApp(dataDirectory) { KeepDataDirectory = true })
        {
            var client = first.CreateGraphQLClient();
            (_, token) = await client.RegisterAndLoginAsync("restart@example.com");
            revoked = GraphQLClient.Success(await client.LoginByEmailAsync("restart@example.com"), "loginByEmail")["token"]!.GetValue<string>();
            GraphQLClient.Success(await client.PostAsync(Ops.Logout, token: revoked), "logout");
            kid = Jwt.Header(token)["kid"]!.GetValue<string>();
        }

        using var second = new GenAuthApp(dataDirectory) { KeepDataDirectory = true };
        var again = second.CreateGraphQLClient();

        Assert.True(Jwt.VerifyRs256(token, await FindJwkAsync(second, kid)));
        Assert.Equal("restart@example.com", GraphQLClient.Success(await again.PostAsync(Ops.User, token: token), "user")["email"]!.GetValue<string>());
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await again.PostAsync(Ops.User, token: revoked)));
        var fresh = GraphQLClient.Success(await again.LoginByEmailAsync("restart@example.com"), "loginByEmail")["token"]!.GetValue<string>();
        Assert.Equal(kid, Jwt.Header(fresh)["kid"]!.GetValue<string>());
    }

    internal static async Task<JsonNode> GetJsonAsync(GenAuthApp app, string path, string? userPoolId = null)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (userPoolId is not null)
            request.Headers.Add("x-authing-userpool-id", userPoolId);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await GraphQLClient.ReadJsonAsync(response);
    }

    internal static async Task<JsonNode> FindJwkAsync(GenAuthApp app, string kid)
    {
        var keys = (await GetJsonAsync(app, "/oidc/.well-known/jwks.json"))["keys"]!.AsArray();
        return keys.SingleOrDefault(k => k!["kid"]!.GetValue<string>() == kid)
               ?? throw new Xunit.Sdk.XunitException($"kid {kid} is not in the JWKS: {keys.ToJsonString()}");
    }
}
