using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.Applications;

/// <summary>
/// Issue 15: loginBySubAccount signs in to a sub-account (made by an admin, REST /api/v2/users/{id}/sub-accounts)
/// through the one sign-in pipeline. Abuse: an ordinary account, another pool's sub-account, a blocked sub-account or
/// main account, a deleted main account, and a brute-force count shared with the other password ways in.
/// </summary>
public sealed class SubAccountTests : ManagementTestBase
{
    private const string Login = "mutation($a: String!, $p: String!) { loginBySubAccount(account: $a, password: $p) { id token } }";
    private const string Block = "mutation($id: String!) { updateUser(id: $id, input: { blocked: true }) { id } }";

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private async Task<(string Main, string Sub, string SubName)> MainWithSubAsync()
    {
        var main = await CreateUserAsync(new { email = NewName("main") + "@example.com", password = GraphQLClient.Password });
        var name = NewName("sub_");
        var sub = Data(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts",
            new { username = name, password = GraphQLClient.Password }, Admin))["id"]!.GetValue<string>();
        return (main, sub, name);
    }

    private Task<JsonNode> LoginAsync(string account, string password = GraphQLClient.Password) =>
        Client.PostAsync(Login, new { a = account, p = password });

    [Fact]
    public async Task ASubAccountSignsInWithItsOwnPasswordAndGetsItsOwnToken()
    {
        var (main, sub, name) = await MainWithSubAsync();
        var signedIn = GraphQLClient.Success(await LoginAsync(name), "loginBySubAccount");
        Assert.Equal(sub, signedIn["id"]!.GetValue<string>());
        var me = GraphQLClient.Success(await Client.PostAsync("{ user { id } }", null, signedIn["token"]!.GetValue<string>()), "user");
        Assert.Equal(sub, me["id"]!.GetValue<string>());

        var list = Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{main}/sub-accounts", token: Admin));
        Assert.Equal([sub], list["list"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList());
        Assert.Equal(2333, Code(await LoginAsync(name, "Wrong-passw0rd")));
    }

    [Fact]
    public async Task AnAccountThatIsNoSubAccountIsRefusedAsAWrongPasswordWouldBe()
    {
        var email = NewName("plain") + "@example.com";
        await CreateUserAsync(new { email, password = GraphQLClient.Password });
        Assert.Equal(2333, Code(await LoginAsync(email)));
        Assert.Equal(2333, Code(await LoginAsync(NewName("nobody_"))));
    }

    [Fact]
    public async Task AnotherPoolsSubAccountIsUnknownHere()
    {
        var b = await App.CreatePoolAsync();
        var adminOfB = await Client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var clientOfB = App.CreateGraphQLClient(b.Pool.Id);
        var mainOfB = GraphQLClient.Success(await clientOfB.PostAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }",
            new { u = new { email = NewName("mainb") + "@example.com", password = GraphQLClient.Password } }, adminOfB), "createUser")["id"]!.GetValue<string>();
        var name = NewName("subb_");
        var request = clientOfB.NewRequest(HttpMethod.Post, $"/api/v2/users/{mainOfB}/sub-accounts", adminOfB);
        request.Content = System.Net.Http.Json.JsonContent.Create(new { username = name, password = GraphQLClient.Password });
        using (var response = await clientOfB.Http.SendAsync(request))
            Data(await GraphQLClient.ReadJsonAsync(response));
        GraphQLClient.Success(await clientOfB.PostAsync(Login, new { a = name, p = GraphQLClient.Password }), "loginBySubAccount");

        Assert.Equal(2333, Code(await LoginAsync(name)));
        // And this pool's admin can't attach sub-accounts to (or list those of) the other pool's user.
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{mainOfB}/sub-accounts",
            new { username = NewName("x_"), password = GraphQLClient.Password }, Admin)));
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{mainOfB}/sub-accounts", token: Admin)));
    }

    [Fact]
    public async Task ABlockedSubAccountOrMainAccountAndADeletedMainAccountDontSignIn()
    {
        var (_, blockedSub, blockedName) = await MainWithSubAsync();
        GraphQLClient.Success(await AdminAsync(Block, new { id = blockedSub }), "updateUser");
        Assert.Equal(2057, Code(await LoginAsync(blockedName)));

        var (main, sub, name) = await MainWithSubAsync();
        GraphQLClient.Success(await AdminAsync(Block, new { id = main }), "updateUser");
        Assert.Equal(2057, Code(await LoginAsync(name)));
        // The refusal is logged like any blocked sign-in: the sub-account's row, failed with 2057.
        var logged = await App.QueryDbAsync(db => db.LoginLogs.Where(l => l.UserId == sub && l.Method == "password:subaccount")
            .Select(l => new { l.Success, l.ErrorCode }).ToListAsync());
        Assert.Equal([(false, (int?)2057)], logged.Select(l => (l.Success, l.ErrorCode)).ToList());
        Assert.Equal(2333, Code(await LoginAsync(name, "Wrong-passw0rd"))); // a wrong password learns nothing about the main account

        var (deletedMain, _, orphanName) = await MainWithSubAsync();
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { deleteUser(id: $id) { code } }", new { id = deletedMain }), "deleteUser");
        Assert.Equal(2333, Code(await LoginAsync(orphanName)));
    }

    [Fact]
    public async Task FailuresCountOnceWhicheverPasswordWayInTheyComeThrough()
    {
        // Guesses through loginBySubAccount lock the account for loginByUsername too…
        var (_, _, name) = await MainWithSubAsync();
        for (var i = 0; i < 6; i++)
            Assert.Equal(2333, Code(await LoginAsync(name, "Wrong-passw0rd")));
        Assert.Equal(2058, Code(await Client.PostAsync(Ops.LoginByAccount, new { account = name, password = GraphQLClient.Password })));
        Assert.Equal(2058, Code(await LoginAsync(name)));

        // …and guesses through loginByAccount lock loginBySubAccount.
        var (_, _, other) = await MainWithSubAsync();
        for (var i = 0; i < 6; i++)
            Assert.Equal(2333, Code(await Client.PostAsync(Ops.LoginByAccount, new { account = other, password = "Wrong-passw0rd" })));
        Assert.Equal(2058, Code(await LoginAsync(other)));
    }

    [Fact]
    public async Task OnlyAnAdminMakesSubAccountsAndBadInputGetsACode()
    {
        var main = await CreateUserAsync(new { email = NewName("m") + "@example.com", password = GraphQLClient.Password });
        var (_, user) = await Client.RegisterAndLoginAsync(NewName("u") + "@example.com");
        var body = new { username = NewName("s_"), password = GraphQLClient.Password };
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts", body, user)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts", body)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts", new { username = NewName("s_") }, Admin)));
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/5f00000000000000000fff04/sub-accounts", body, Admin)));
        var sub = Data(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts", body, Admin))["id"]!.GetValue<string>();
        // No nesting, and the username is unique like any other.
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{sub}/sub-accounts",
            new { username = NewName("s_"), password = GraphQLClient.Password }, Admin)));
        Assert.Equal(2026, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/users/{main}/sub-accounts", body, Admin)));
    }

    private static int RestCode(JsonNode envelope) => envelope["code"]!.GetValue<int>();
}
