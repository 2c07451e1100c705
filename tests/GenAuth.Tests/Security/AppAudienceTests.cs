using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.Security;

/// <summary>
/// Issue 10, hole 1: a session belongs to one audience (an app, or the pool), and its tokens are accepted only there.
/// A pool token must not open an app that denies the user or requires MFA; refresh must not move a session into an app;
/// an admin's denial or a switch to DENY_ALL / MFA ends what the app no longer admits.
/// </summary>
public sealed class AppAudienceTests : ManagementTestBase
{
    private const string CreateApp = "mutation($n: String!, $s: String, $m: Boolean) { createApplication(name: $n, defaultStrategy: $s, mfaRequired: $m) { id } }";
    private const string SetAccess = "mutation($a: String!, $u: String!, $ok: Boolean!) { setApplicationUserAccess(appId: $a, userId: $u, allowed: $ok) { code } }";
    private const string Refresh = "mutation { refreshToken { token } }";

    private static Dictionary<string, string> ViaApp(string appId) => new() { ["x-authing-app-id"] = appId };

    private async Task<string> CreateAppAsync(string name, string? strategy = null, bool? mfa = null) =>
        GraphQLClient.Success(await AdminAsync(CreateApp, new { n = name, s = strategy, m = mfa }), "createApplication")["id"]!.GetValue<string>();

    private async Task<string> LoginAsync(string email, string? appId = null) =>
        GraphQLClient.Success(await Client.LoginByEmailAsync(email, headers: appId is null ? null : ViaApp(appId)), "loginByEmail")["token"]!.GetValue<string>();

    [Fact]
    public async Task APoolTokenDoesNotOpenAnAppThatDeniesTheUserAndRequiresMfa()
    {
        var appId = await CreateAppAsync("Locked", mfa: true);
        var (userId, _) = await Client.RegisterAndLoginAsync("attacker@example.com");
        GraphQLClient.Success(await AdminAsync(SetAccess, new { a = appId, u = userId, ok = false }), "setApplicationUserAccess");
        // The app's own door is shut: 2604.
        Assert.Equal(2604, Code(await Client.LoginByEmailAsync("attacker@example.com", headers: ViaApp(appId))));

        // The attack: log in with only the pool header, then present that token under the app header.
        var poolToken = await LoginAsync("attacker@example.com");
        Assert.Equal(Client.UserPoolId, Jwt.Payload(poolToken)["aud"]!.GetValue<string>());

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: poolToken, headers: ViaApp(appId))));
        Assert.Equal(1010001, Code(await Client.PostAsync(Refresh, token: poolToken, headers: ViaApp(appId))));
        var status = await Client.PostAsync(Ops.CheckLoginStatus, new { token = poolToken }, headers: ViaApp(appId));
        Assert.False(status["data"]!["checkLoginStatus"]!["status"]!.GetValue<bool>());
        Assert.Equal(1010001, status["data"]!["checkLoginStatus"]!["code"]!.GetValue<int>());

        // The token still works where it belongs.
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: poolToken), "user");
    }

    [Fact]
    public async Task AnAppTokenIsRefusedUnderAnotherAppAndRefreshKeepsItsAudience()
    {
        var other = await CreateAppAsync("Other");
        var (_, _) = await Client.RegisterAndLoginAsync("mover@example.com");
        var appToken = await LoginAsync("mover@example.com", App.AppId);

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: appToken, headers: ViaApp(other))));
        Assert.Equal(1010001, Code(await Client.PostAsync(Refresh, token: appToken, headers: ViaApp(other))));

        // Note: an app token is still accepted on a pool-only request (the pool holds the app; its sign-in passed the
        // pool's checks and the app's), but a refresh there keeps the app's audience instead of turning it into a pool token.
        var refreshed = GraphQLClient.Success(await Client.PostAsync(Refresh, token: appToken), "refreshToken")["token"]!.GetValue<string>();
        Assert.Equal(App.AppId, Jwt.Payload(refreshed)["aud"]!.GetValue<string>());
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: refreshed, headers: ViaApp(App.AppId)), "user");
    }

    [Fact]
    public async Task DenyingAUserEndsTheirAppAndPoolSessionsButNotOtherApps()
    {
        var appId = await CreateAppAsync("Shop");
        var (userId, _) = await Client.RegisterAndLoginAsync("shopper@example.com");
        var poolToken = await LoginAsync("shopper@example.com");
        var appToken = await LoginAsync("shopper@example.com", appId);
        var otherAppToken = await LoginAsync("shopper@example.com", App.AppId);

        GraphQLClient.Success(await AdminAsync(SetAccess, new { a = appId, u = userId, ok = false }), "setApplicationUserAccess");

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: appToken, headers: ViaApp(appId))));
        // Before the audience check a pool session opened the app, so the denial ends pool-audience sessions too.
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: poolToken)));
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: otherAppToken, headers: ViaApp(App.AppId)), "user");
    }

    [Fact]
    public async Task SwitchingAnAppToDenyAllEndsTheSessionsOfUsersWithoutAnExplicitAllow()
    {
        var appId = await CreateAppAsync("Intranet");
        var (allowedId, _) = await Client.RegisterAndLoginAsync("staff@example.com");
        await Client.RegisterAndLoginAsync("guest@example.com");
        GraphQLClient.Success(await AdminAsync(SetAccess, new { a = appId, u = allowedId, ok = true }), "setApplicationUserAccess");
        var staff = await LoginAsync("staff@example.com", appId);
        var guest = await LoginAsync("guest@example.com", appId);
        var guestPool = await LoginAsync("guest@example.com");

        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { updateApplication(id: $id, defaultStrategy: \"DENY_ALL\") { id } }", new { id = appId }), "updateApplication");

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: guest, headers: ViaApp(appId))));
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: staff, headers: ViaApp(appId)), "user");
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: guestPool), "user");
    }

    [Fact]
    public async Task RequiringMfaForAnAppEndsItsSingleFactorSessions()
    {
        var appId = await CreateAppAsync("Payroll");
        await Client.RegisterAndLoginAsync("clerk@example.com");
        var appToken = await LoginAsync("clerk@example.com", appId);

        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { updateApplication(id: $id, mfaRequired: true) { id } }", new { id = appId }), "updateApplication");

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: appToken, headers: ViaApp(appId))));
        Assert.Equal(1635, Code(await Client.LoginByEmailAsync("clerk@example.com", headers: ViaApp(appId))));
    }
}
