using System.Net;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Mfa;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Management;

/// <summary>
/// Issue 15's REST gaps: literal paths beside /api/v2/users/{id} (route shadowing), password/check, userpools/detail,
/// the admin MFA paths (mfa-bound, totp/import), and what admin-issued tokens (refreshToken with an id) are.
/// </summary>
public sealed class SdkRestGapTests : ManagementTestBase
{
    private const string Missing = "5f00000000000000000fff01";

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private static int RestCode(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    [Fact]
    public async Task LiteralUserPathsAreNotReadAsAUserId()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("literal@example.com");

        // "principal_authentication" is 24 characters: before, the {id} template answered it 2004 (user not found).
        Assert.Equal(2651, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/users/principal_authentication", token: token)));
        Assert.Equal(2651, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/principal_authentication", new { type = "P" }, token)));
        Assert.Equal(2651, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/management/principal_authentication", token: Admin)));
        // A segment that is no id is no route at all, not a lookup of a user with that id.
        using var response = await Client.Http.SendAsync(Client.NewRequest(HttpMethod.Get, "/api/v2/users/no-such-literal-path", Admin));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // Ids still reach the template.
        Assert.Equal(id, Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}", token: Admin))["id"]!.GetValue<string>());
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{Missing}", token: Admin)));
    }

    [Fact]
    public async Task PasswordCheckAnswersThePoolsPolicy()
    {
        var weak = Data(await RestAsync(HttpMethod.Post, "/api/v2/password/check", new { password = "short" }, Admin));
        Assert.False(weak["valid"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(weak["message"]!.GetValue<string>()));
        Assert.True(Data(await RestAsync(HttpMethod.Post, "/api/v2/password/check", new { password = GraphQLClient.Password }, Admin))["valid"]!
            .GetValue<bool>());
    }

    [Fact]
    public async Task UserpoolDetailIsForTheAdminAndHoldsNoSecret()
    {
        var pool = Data(await RestAsync(HttpMethod.Get, "/api/v2/userpools/detail", token: Admin));
        Assert.Equal(App.UserPoolId, pool["id"]!.GetValue<string>());
        Assert.Null(pool["secret"]);
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/userpools/detail")));
        var (_, token) = await Client.RegisterAndLoginAsync("not-admin@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/userpools/detail", token: token)));
    }

    [Fact]
    public async Task AnImportedTotpSecretIsBoundAndPassesTheLoginChallenge()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("import@example.com");
        var status = Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/mfa-bound", token: Admin));
        Assert.False(status["OTP"]!.GetValue<bool>());

        const string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"; // 20 bytes, base32
        var imported = Data(await RestAsync(HttpMethod.Post, "/api/v2/mfa/totp/import", new { userId = id, secret }, Admin));
        Assert.Equal(id, imported["userId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(imported["recoveryCode"]!.GetValue<string>()));
        Assert.True(Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/mfa-bound", token: Admin))["OTP"]!.GetValue<bool>());
        Assert.Equal(1642, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/mfa/totp/import", new { userId = id, secret }, Admin)));

        // The user's authenticator app (the same secret) answers the login challenge.
        var login = await Client.LoginByEmailAsync("import@example.com");
        Assert.Equal(1635, GraphQLClient.ErrorCode(login));
        var mfaToken = login["errors"]![0]!["extensions"]!["data"]!["mfaToken"]!.GetValue<string>();
        var code = Rfc6238.Code(Rfc6238.Base32Decode(secret), DateTimeOffset.UtcNow);
        var signedIn = Data(await RestAsync(HttpMethod.Post, "/api/v2/mfa/totp/verify", new { totp = code }, mfaToken));
        Assert.Equal(id, signedIn["id"]!.GetValue<string>());

        // Unbinding: once (200), then nothing is bound (1643); an unknown type is 1641.
        Assert.Equal(1641, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/users/{id}/mfa-bound?type=PIGEON", token: Admin)));
        Assert.Equal(200, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/users/{id}/mfa-bound?type=OTP", token: Admin)));
        Assert.Equal(1643, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/users/{id}/mfa-bound?type=OTP", token: Admin)));
        Assert.False(Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/mfa-bound", token: Admin))["OTP"]!.GetValue<bool>());
        // Users can't import for themselves.
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/mfa/totp/import", new { userId = id, secret }, token)));
    }

    [Theory]
    [InlineData(Missing, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", null, 2004)]
    [InlineData(null, "JBSWY3DP", null, 400)] // 5 bytes: too short to be a secret
    [InlineData(null, "not base32 at all!", null, 400)]
    [InlineData(null, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "1234", 400)] // a guessable recovery code
    public async Task BadImportsAreRefusedWithTheirCode(string? userId, string secret, string? recoveryCode, int code)
    {
        var (id, _) = await Client.RegisterAndLoginAsync($"bad-import-{code}-{secret.Length}@example.com");
        Assert.Equal(code, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/mfa/totp/import",
            new { userId = userId ?? id, secret, recoveryCode }, Admin)));
        Assert.False(Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/mfa-bound", token: Admin))["OTP"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ATokenAnAdminIssuesIsARevocablePoolSession()
    {
        var (id, _) = await Client.RegisterAndLoginAsync("issued@example.com");
        var issued = GraphQLClient.Success(await AdminAsync("mutation($id: String) { refreshToken(id: $id) { token } }", new { id }), "refreshToken")
            ["token"]!.GetValue<string>();

        Assert.Equal(id, GraphQLClient.Success(await Client.PostAsync(Ops.User, token: issued), "user")["id"]!.GetValue<string>());
        var session = await App.QueryDbAsync(db => db.Sessions.Where(s => s.UserId == id).OrderBy(s => s.CreatedAt).ToListAsync());
        Assert.Equal(2, session.Count);
        Assert.Null(session[1].AppId); // the pool's audience
        Assert.Equal(1, await App.QueryDbAsync(db => db.LoginLogs.CountAsync(l => l.UserId == id && l.Method == "admin:token")));

        GraphQLClient.Success(await Client.PostAsync(Ops.Logout, token: issued), "logout");
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await Client.PostAsync(Ops.User, token: issued)));
        // A user can't have a token issued for someone else.
        var (_, other) = await Client.RegisterAndLoginAsync("other-issued@example.com");
        Assert.Equal(403, GraphQLClient.ErrorCode(await Client.PostAsync("mutation($id: String) { refreshToken(id: $id) { token } }", new { id }, other)));
        Assert.Equal(2004, GraphQLClient.ErrorCode(await AdminAsync("mutation { refreshToken(id: \"" + Missing + "\") { token } }")));
    }

    [Fact]
    public async Task DeletingAnAppEndsItsSessionsAndLeavesNothingToFind()
    {
        var appId = Data(await RestAsync(HttpMethod.Post, "/api/v2/applications", new { name = "Doomed" }, Admin))["id"]!.GetValue<string>();
        var app = new Dictionary<string, string> { ["x-authing-app-id"] = appId };
        GraphQLClient.Success(await Client.RegisterByEmailAsync("app-user@example.com"), "registerByEmail");
        var token = GraphQLClient.Success(await Client.LoginByEmailAsync("app-user@example.com", headers: app), "loginByEmail")["token"]!
            .GetValue<string>();
        Assert.Equal("app-user@example.com",
            GraphQLClient.Success(await Client.PostAsync(Ops.User, token: token, headers: app), "user")["email"]!.GetValue<string>());

        // POST /{id}: the SDK's changeApplicationType: INDIVIDUAL, TENANT or BOTH (issue 15's tenants; was 2651 before).
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType = "Galaxy", name = "Not saved" }, Admin)));
        Assert.Equal("Doomed", Data(await RestAsync(HttpMethod.Get, $"/api/v2/applications/{appId}", token: Admin))["name"]!.GetValue<string>());
        Assert.Equal("TENANT", Data(await RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType = "Tenant" }, Admin))
            ["appType"]!.GetValue<string>());
        var renamed = Data(await RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType = "INDIVIDUAL", name = "Renamed" }, Admin));
        Assert.Equal("Renamed", renamed["name"]!.GetValue<string>());

        Assert.Equal(200, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/applications/{appId}", token: Admin)));
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/applications/{appId}", token: Admin)));
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/applications/{appId}", token: Admin)));
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { name = "x" }, Admin)));
        var (_, user) = await Client.RegisterAndLoginAsync("not-an-admin@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/applications/{App.AppId}", token: user)));
    }
}
