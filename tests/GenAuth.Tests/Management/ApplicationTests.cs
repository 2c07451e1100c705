using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

public sealed class ApplicationTests : ManagementTestBase
{
    private const string Create = "mutation($n: String!, $s: String) { createApplication(name: $n, identifier: \"web\", redirectUris: [\"https://a.example/cb\"], defaultStrategy: $s) { id name redirectUris defaultStrategy } }";

    private Dictionary<string, string> ViaApp(string appId) => new() { ["x-authing-app-id"] = appId };

    [Fact]
    public async Task CreateListAndUpdateApplications()
    {
        var app = GraphQLClient.Success(await AdminAsync(Create, new { n = "Portal" }), "createApplication");
        var id = app["id"]!.GetValue<string>();

        var updated = GraphQLClient.Success(await AdminAsync("mutation($id: String!) { updateApplication(id: $id, name: \"Portal 2\") { name redirectUris } }", new { id }), "updateApplication");
        var list = GraphQLClient.Success(await AdminAsync("{ applications { totalCount list { name } } }"), "applications");
        var rest = await RestAsync(HttpMethod.Get, "/api/v2/applications?page=1&limit=10", token: Admin);
        var created = await RestAsync(HttpMethod.Post, "/api/v2/applications", new { name = "Via REST", identifier = "rest", redirectUris = new[] { "https://b.example" } }, Admin);

        Assert.Equal("ALLOW_ALL", app["defaultStrategy"]!.GetValue<string>());
        Assert.Equal("Portal 2", updated["name"]!.GetValue<string>());
        Assert.Equal("https://a.example/cb", updated["redirectUris"]![0]!.GetValue<string>());
        Assert.Equal(2, list["totalCount"]!.GetValue<int>());
        Assert.Equal(2, rest["data"]!["totalCount"]!.GetValue<int>());
        Assert.Equal("Via REST", created["data"]!["name"]!.GetValue<string>());
        Assert.Equal(2043, Code(await AdminAsync("{ application(id: \"5f00000000000000000000ff\") { id } }")));
    }

    [Fact]
    public async Task ADeniedUserCannotLogInToTheAppAndTheirSessionsThereEnd()
    {
        var appId = GraphQLClient.Success(await AdminAsync(Create, new { n = "Restricted" }), "createApplication")["id"]!.GetValue<string>();
        var (userId, _) = await Client.RegisterAndLoginAsync("denied@example.com");
        var inApp = GraphQLClient.Success(await Client.LoginByEmailAsync("denied@example.com", headers: ViaApp(appId)), "loginByEmail");

        GraphQLClient.Success(await AdminAsync("mutation($a: String!, $u: String!) { setApplicationUserAccess(appId: $a, userId: $u, allowed: false) { code } }",
            new { a = appId, u = userId }), "setApplicationUserAccess");

        Assert.Equal(2604, Code(await Client.LoginByEmailAsync("denied@example.com", headers: ViaApp(appId))));
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: inApp["token"]!.GetValue<string>(), headers: ViaApp(appId))));
        GraphQLClient.Success(await Client.LoginByEmailAsync("denied@example.com"), "loginByEmail");
        var history = GraphQLClient.Success(await AdminAsync("query($id: String!) { userLoginHistory(userId: $id) { list { success errorCode appId } } }", new { id = userId }), "userLoginHistory");
        Assert.Contains(history["list"]!.AsArray(), l => l!["errorCode"]?.GetValue<int>() == 2604);
    }

    [Fact]
    public async Task DenyAllAppsAdmitOnlyAllowedUsersAndAllowedApplicationsListsWhatAUserMayUse()
    {
        var appId = GraphQLClient.Success(await AdminAsync(Create, new { n = "Closed", s = "DENY_ALL" }), "createApplication")["id"]!.GetValue<string>();
        var (userId, token) = await Client.RegisterAndLoginAsync("member@example.com");

        Assert.Equal(2604, Code(await Client.LoginByEmailAsync("member@example.com", headers: ViaApp(appId))));
        var before = GraphQLClient.Success(await Client.PostAsync("{ allowedApplications { totalCount list { id } } }", token: token), "allowedApplications");
        GraphQLClient.Success(await AdminAsync("mutation($a: String!, $u: String!) { setApplicationUserAccess(appId: $a, userId: $u, allowed: true) { code } }",
            new { a = appId, u = userId }), "setApplicationUserAccess");
        var login = GraphQLClient.Success(await Client.LoginByEmailAsync("member@example.com", headers: ViaApp(appId)), "loginByEmail");
        var after = await RestAsync(HttpMethod.Get, "/api/v2/users/me/applications/allowed?page=1&limit=10", token: token);
        var active = GraphQLClient.Success(await AdminAsync("query($a: String!) { applicationActiveUsers(appId: $a) { totalCount list { id } } }", new { a = appId }), "applicationActiveUsers");

        Assert.Equal(1, before["totalCount"]!.GetValue<int>()); // the default app only
        Assert.NotNull(login["token"]);
        Assert.Equal(2, after["data"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(userId, active["list"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(1, active["totalCount"]!.GetValue<int>());
    }
}
