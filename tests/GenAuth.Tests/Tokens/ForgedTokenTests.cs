using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Tokens;

/// <summary>QUALITY R7: tokens that are not what they claim are refused on the next request.</summary>
public sealed class ForgedTokenTests : IDisposable
{
    private readonly TestClock _clock = new();
    private readonly GenAuthApp _app;
    private readonly GraphQLClient _client;

    public ForgedTokenTests()
    {
        _app = new GenAuthApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _client = _app.CreateGraphQLClient();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task GenuineTokenIsAccepted()
    {
        var (id, token) = await _client.RegisterAndLoginAsync("genuine@example.com");

        Assert.Equal(id, GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user")["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task AlgNoneTokenIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("none@example.com");
        var header = Jwt.Header(token);
        header["alg"] = "none";

        var forged = Jwt.Create(header, Jwt.Payload(token), _ => []);

        await AssertRefusedAsync(forged);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("der")]
    public async Task Hs256TokenSignedWithThePublicKeyIsRefused(string keyForm)
    {
        var (_, token) = await _client.RegisterAndLoginAsync("hs256@example.com");
        var header = Jwt.Header(token);
        using var rsa = Jwt.RsaFromJwk(await TokenTests.FindJwkAsync(_app, header["kid"]!.GetValue<string>()));
        var secret = keyForm == "pem" ? Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()) : rsa.ExportSubjectPublicKeyInfo();
        header["alg"] = "HS256";

        var forged = Jwt.Create(header, Jwt.Payload(token), data => HMACSHA256.HashData(secret, data));

        await AssertRefusedAsync(forged);
    }

    [Fact]
    public async Task TokenWithAlteredClaimsIsRefused()
    {
        var (_, victimToken) = await _client.RegisterAndLoginAsync("victim@example.com");
        var (_, token) = await _client.RegisterAndLoginAsync("attacker@example.com");
        var payload = Jwt.Payload(token);
        payload["sub"] = Jwt.Payload(victimToken)["sub"]!.DeepClone();
        payload["sid"] = Jwt.Payload(victimToken)["sid"]!.DeepClone();
        var signature = token.Split('.')[2];

        var forged = Jwt.Create(Jwt.Header(token), payload, _ => Jwt.Decode(signature));

        await AssertRefusedAsync(forged);
    }

    [Fact]
    public async Task ExpiredTokenIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("expired@example.com");
        var lifetime = Jwt.Payload(token)["exp"]!.GetValue<long>() - Jwt.Payload(token)["iat"]!.GetValue<long>();

        _clock.Advance(TimeSpan.FromSeconds(lifetime + 1));

        await AssertRefusedAsync(token);
        var status = GraphQLClient.Success(await _client.PostAsync(Ops.CheckLoginStatus, new { token }), "checkLoginStatus");
        Assert.False(status["status"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExpiredManagementTokenIsRefused()
    {
        var admin = await _client.ManagementTokenAsync(_app.Secret);

        _clock.Advance(TimeSpan.FromHours(3));

        var result = await _client.PostAsync("{ userpool { id } }", token: admin);
        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task TokenOfAnotherPoolIsRefused()
    {
        var other = await _app.CreatePoolAsync();
        var otherClient = _app.CreateGraphQLClient(other.Pool.Id);
        var (_, otherToken) = await otherClient.RegisterAndLoginAsync("elsewhere@example.com");

        await AssertRefusedAsync(otherToken);
    }

    [Fact]
    public async Task TokenIssuedForOneAppIsRefusedByAnotherAppOfThePool()
    {
        const string otherAppId = "5f0000000000000000000b02";
        await _app.QueryDbAsync(async db =>
        {
            db.Applications.Add(new Application
            {
                Id = otherAppId, UserPoolId = _app.UserPoolId, Name = "Second", SecretSealed = [0], CreatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        Assert.Null((await _client.RegisterByEmailAsync("aud@example.com"))["errors"]);
        var viaApp = new Dictionary<string, string> { ["x-authing-app-id"] = _app.AppId };
        var token = GraphQLClient.Success(await _client.LoginByEmailAsync("aud@example.com", headers: viaApp), "loginByEmail")["token"]!
            .GetValue<string>();
        Assert.Equal(_app.AppId, Jwt.Payload(token)["aud"]!.GetValue<string>());

        var sameApp = await _client.PostAsync(Ops.User, token: token, headers: viaApp);
        var otherApp = await _client.PostAsync(Ops.User, token: token,
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = otherAppId });

        Assert.Equal("aud@example.com", GraphQLClient.Success(sameApp, "user")["email"]!.GetValue<string>());
        Assert.Equal(1010001, GraphQLClient.ErrorCode(otherApp));
    }

    [Fact]
    public async Task TokenSignedWithAnotherPoolsKeyIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("crosskey@example.com");
        var other = await _app.CreatePoolAsync();
        await using var scope = _app.Services.CreateAsyncScope();
        var otherKey = await scope.ServiceProvider.GetRequiredService<KeyRing>().GetActiveAsync(
            scope.ServiceProvider.GetRequiredService<GenAuthDbContext>(), other.Pool.Id, KeyUse.Signing, CancellationToken.None);
        var header = Jwt.Header(token);
        header["kid"] = otherKey.Kid;

        var forged = Jwt.SignRs256(header, Jwt.Payload(token), otherKey.Rsa);

        await AssertRefusedAsync(forged);
    }

    [Fact]
    public async Task TokenOfALoggedOutSessionIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("revoked@example.com");
        GraphQLClient.Success(await _client.PostAsync(Ops.Logout, token: token), "logout");

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task TokenOfADeletedAccountIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("gone@example.com");
        GraphQLClient.Success(await _client.PostAsync("mutation { deleteAccount { code } }", token: token), "deleteAccount");

        await AssertRefusedAsync(token);
    }

    [Theory]
    [InlineData("....")]
    [InlineData(".e30.")]
    [InlineData("bnVsbA.e30.c2ln")] // header "null"
    [InlineData("W10.e30.c2ln")] // header []
    [InlineData("a..b")]
    [InlineData("not-a-jwt")]
    public async Task MalformedBearerIsRefusedWithoutAServerError(string token)
    {
        using var logout = await _client.Http.SendAsync(_client.NewRequest(HttpMethod.Get, "/api/v2/logout", token));

        Assert.Equal(System.Net.HttpStatusCode.OK, logout.StatusCode);
        await AssertRefusedAsync(token);
        var status = GraphQLClient.Success(await _client.PostAsync(Ops.CheckLoginStatus, new { token }), "checkLoginStatus");
        Assert.False(status["status"]!.GetValue<bool>());
    }

    /// <summary>The caller is treated as not signed in: the user field answers 1010001 and no data.</summary>
    private async Task AssertRefusedAsync(string token)
    {
        var result = await _client.PostAsync(Ops.User, token: token);
        Assert.Equal(1010001, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["user"]);
        var admin = await _client.PostAsync("{ userpool { id } }", token: token);
        Assert.Equal(2020, GraphQLClient.ErrorCode(admin));
        Assert.Null(admin["data"]);
    }
}
