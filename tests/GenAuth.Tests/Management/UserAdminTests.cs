using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

public sealed class UserAdminTests : ManagementTestBase
{
    [Fact]
    public async Task CreateUserIgnoresRegistrationSettingsAndLeavesPhoneUnverified()
    {
        GraphQLClient.Success(await AdminAsync("mutation { updateUserpool(input: { registerDisabled: true, whitelist: { emailEnabled: true } }) { id } }"), "updateUserpool");

        var result = await AdminAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { " + UserSel + " } }",
            new { u = new { email = "made@example.com", phone = "13800000001", password = GraphQLClient.Password, nickname = "Made" } });

        var user = GraphQLClient.Success(result, "createUser");
        Assert.Equal("made@example.com", user["email"]!.GetValue<string>());
        Assert.False(user["phoneVerified"]!.GetValue<bool>());
        Assert.Equal(2047, Code(await Client.RegisterByEmailAsync("self@example.com")));
        GraphQLClient.Success(await Client.LoginByEmailAsync("made@example.com"), "loginByEmail");
    }

    [Fact]
    public async Task CreateUserRefusesDuplicatesWith2026()
    {
        await CreateUserAsync(new { username = "dup" });

        var again = await AdminAsync("mutation { createUser(userInfo: { username: \"dup\" }) { id } }");

        Assert.Equal(2026, Code(again));
    }

    [Fact]
    public async Task CreateUserWithCustomDataWritesValuesInTheSameOperation()
    {
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"age\", dataType: NUMBER, label: \"Age\") { key } }"), "setUdf");

        var result = await AdminAsync("mutation($p: String) { createUser(userInfo: { username: \"with-data\" }, params: $p) { id customData { key value dataType } } }",
            new { p = "[{\"key\":\"age\",\"value\":\"42\"}]" });
        var refused = await AdminAsync("mutation($p: String) { createUser(userInfo: { username: \"bad-data\" }, params: $p) { id } }",
            new { p = "[{\"key\":\"age\",\"value\":\"forty\"}]" });

        var data = GraphQLClient.Success(result, "createUser")["customData"]![0]!;
        Assert.Equal("42", data["value"]!.GetValue<string>());
        Assert.Equal("NUMBER", data["dataType"]!.GetValue<string>());
        Assert.Equal(2602, Code(refused));
        Assert.Null((await AdminAsync("{ findUser(username: \"bad-data\") { id } }"))["data"]!["findUser"]);
    }

    [Fact]
    public async Task UsersPagesWithTotalCountAndSort()
    {
        for (var i = 0; i < 5; i++)
            await CreateUserAsync(new { username = $"page{i}" });

        var first = GraphQLClient.Success(await AdminAsync("{ users(page: 1, limit: 2, sortBy: CREATEDAT_ASC) { totalCount list { username } } }"), "users");
        var third = GraphQLClient.Success(await AdminAsync("{ users(page: 3, limit: 2, sortBy: CREATEDAT_ASC) { totalCount list { username } } }"), "users");

        Assert.Equal(5, first["totalCount"]!.GetValue<int>());
        Assert.Equal(["page0", "page1"], first["list"]!.AsArray().Select(u => u!["username"]!.GetValue<string>()));
        Assert.Equal(["page4"], third["list"]!.AsArray().Select(u => u!["username"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("CREATEDAT_ASC")]
    [InlineData("CREATEDAT_DESC")]
    public async Task PagesPastTheMiddleAreTheSameAsWalkingFromTheStart(string sortBy)
    {
        for (var i = 0; i < 7; i++)
            await CreateUserAsync(new { username = $"walk{i}" });

        async Task<List<string>> PageAsync(int page, int limit) =>
            GraphQLClient.Success(await AdminAsync($"{{ users(page: {page}, limit: {limit}, sortBy: {sortBy}) {{ list {{ username }} }} }}"), "users")
                ["list"]!.AsArray().Select(u => u!["username"]!.GetValue<string>()).ToList();

        var all = await PageAsync(1, 50);
        var paged = new List<string>();
        for (var page = 1; page <= 4; page++)
            paged.AddRange(await PageAsync(page, 2));

        Assert.Equal(7, all.Count(u => u.StartsWith("walk")));
        Assert.Equal(all, paged);
        Assert.Empty(await PageAsync(5, 2));
    }

    [Fact]
    public async Task UsersConnectionWalksAllUsersWithCursorsAndFilters()
    {
        for (var i = 0; i < 5; i++)
            await CreateUserAsync(new { email = $"conn{i}@example.com", nickname = i % 2 == 0 ? "even" : "odd" });
        var seen = new List<string>();
        string? after = null;
        const string q = "query($after: String, $f: UsersFilterInput) { usersConnection(first: 2, after: $after, filter: $f) { totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } } }";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = GraphQLClient.Success(await AdminAsync(q, new { after }), "usersConnection");
            seen.AddRange(page["edges"]!.AsArray().Select(e => e!["node"]!["email"]!.GetValue<string>()));
            if (!page["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
                break;
            after = page["pageInfo"]!["endCursor"]!.GetValue<string>();
        }
        var even = GraphQLClient.Success(await AdminAsync(q, new { f = new { nicknamePrefix = "ev", emailPrefix = "CONN" } }), "usersConnection");
        var badCursor = await AdminAsync(q, new { after = "nope" });

        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"conn{i}@example.com"), seen);
        Assert.Equal(3, even["totalCount"]!.GetValue<int>());
        Assert.Equal(2606, Code(badCursor));
    }

    [Fact]
    public async Task SearchUserMatchesPrefixesOfTheChosenFields()
    {
        await CreateUserAsync(new { email = "alice@example.com", nickname = "Bob" });
        await CreateUserAsync(new { email = "bob@example.com" });

        var any = GraphQLClient.Success(await AdminAsync("{ searchUser(query: \"Bo\") { totalCount list { email } } }"), "searchUser");
        var emailOnly = GraphQLClient.Success(await AdminAsync("{ searchUser(query: \"bo\", fields: [\"email\"]) { totalCount list { email } } }"), "searchUser");
        var unknownField = await AdminAsync("{ searchUser(query: \"bo\", fields: [\"company\"]) { totalCount } }");

        // "Bo": the nickname Bob (case-sensitive) and the email bob@ (emails match case-insensitively).
        Assert.Equal(2, any["totalCount"]!.GetValue<int>());
        Assert.Equal("bob@example.com", emailOnly["list"]![0]!["email"]!.GetValue<string>());
        Assert.Equal(400, Code(unknownField));
    }

    [Fact]
    public async Task FindUserAndUserBatch()
    {
        var a = await CreateUserAsync(new { email = "Find@Example.com", phone = "13900000002" });
        var b = await CreateUserAsync(new { username = "batch-b" });

        var byEmail = GraphQLClient.Success(await AdminAsync("{ findUser(email: \"find@example.com\") { id } }"), "findUser");
        var byPhone = GraphQLClient.Success(await AdminAsync("{ findUser(phone: \"139 0000 0002\") { id } }"), "findUser");
        var none = await AdminAsync("{ findUser(username: \"nobody\") { id } }");
        var batch = GraphQLClient.Success(await AdminAsync("query($ids: [String!]!) { userBatch(ids: $ids) { id } }",
            new { ids = new[] { b, "5f00000000000000000000ff", a } }), "userBatch");

        Assert.Equal(a, byEmail["id"]!.GetValue<string>());
        Assert.Equal(a, byPhone["id"]!.GetValue<string>());
        Assert.Null(none["errors"]);
        Assert.Null(none["data"]!["findUser"]);
        Assert.Equal([b, a], batch.AsArray().Select(u => u!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DeleteUsersArchivesThemAndEndsTheirSessions()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("leaving@example.com");
        var other = await CreateUserAsync(new { username = "leaving-too" });

        GraphQLClient.Success(await AdminAsync("mutation($ids: [String!]!) { deleteUsers(ids: $ids) { code } }", new { ids = new[] { id, other } }), "deleteUsers");

        var archived = GraphQLClient.Success(await AdminAsync("{ archivedUsers { totalCount list { id isDeleted status } } }"), "archivedUsers");
        var live = GraphQLClient.Success(await AdminAsync("{ users { totalCount } }"), "users");
        Assert.Equal(2, archived["totalCount"]!.GetValue<int>());
        Assert.All(archived["list"]!.AsArray(), u => Assert.True(u!["isDeleted"]!.GetValue<bool>()));
        Assert.Equal(0, live["totalCount"]!.GetValue<int>());
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(2004, Code(await AdminAsync("mutation { deleteUser(id: \"5f00000000000000000000ff\") { code } }")));
        GraphQLClient.Success(await Client.RegisterByEmailAsync("leaving@example.com"), "registerByEmail");
    }

    [Fact]
    public async Task BlockingEndsSessionsAtOnceAndRefusesLogin()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("blocked@example.com");

        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = new { blocked = true } }), "updateUser");

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(2057, Code(await Client.LoginByEmailAsync("blocked@example.com")));
        var blockedOnly = GraphQLClient.Success(await AdminAsync("{ usersConnection(filter: { blocked: true }) { totalCount } }"), "usersConnection");
        Assert.Equal(1, blockedOnly["totalCount"]!.GetValue<int>());
        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = new { blocked = false } }), "updateUser");
        GraphQLClient.Success(await Client.LoginByEmailAsync("blocked@example.com"), "loginByEmail");
    }

    [Fact]
    public async Task AdminUpdatesEmailPhoneAndPasswordWithoutCodes()
    {
        var (id, _) = await Client.RegisterAndLoginAsync("before@example.com");

        var result = await AdminAsync(Ops.UpdateUser, new { id, input = new { email = "after@example.com", phone = "13700000003", password = "Another-Strong-77" } });

        var updated = GraphQLClient.Success(result, "updateUser");
        Assert.Equal("after@example.com", updated["email"]!.GetValue<string>());
        Assert.Equal("13700000003", updated["phone"]!.GetValue<string>());
        var read = GraphQLClient.Success(await AdminAsync(Ops.User, new { id }), "user");
        Assert.Equal("13700000003", read["phone"]!.GetValue<string>());
        GraphQLClient.Success(await Client.LoginByEmailAsync("after@example.com", "Another-Strong-77"), "loginByEmail");
        var byPhone = await Client.PostAsync(Ops.LoginByPhonePassword, new { input = new { phone = "13700000003", password = "Another-Strong-77" } });
        Assert.Equal(id, GraphQLClient.Success(byPhone, "loginByPhonePassword")["id"]!.GetValue<string>());
        Assert.Equal(2333, Code(await Client.LoginByEmailAsync("before@example.com", "Another-Strong-77")));
        Assert.Equal(2333, Code(await Client.LoginByEmailAsync("after@example.com")));
    }

    [Fact]
    public async Task KickSessionsAndLoginHistory()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("kicked@example.com");
        await Client.LoginByEmailAsync("kicked@example.com", "Wrong-Password-00");

        var sessions = GraphQLClient.Success(await AdminAsync("query($id: String!) { userSessions(userId: $id) { id ip } }", new { id }), "userSessions");
        var history = GraphQLClient.Success(await AdminAsync("query($id: String!) { userLoginHistory(userId: $id) { totalCount list { time success ip userAgent } } }", new { id }), "userLoginHistory");
        GraphQLClient.Success(await AdminAsync("mutation($ids: [String!]!) { kickUsers(userIds: $ids) { code } }", new { ids = new[] { id } }), "kickUsers");

        Assert.Single(sessions.AsArray());
        Assert.Equal(2, history["totalCount"]!.GetValue<int>());
        Assert.False(history["list"]![0]!["success"]!.GetValue<bool>());
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
        Assert.Empty(GraphQLClient.Success(await AdminAsync("query($id: String!) { userSessions(userId: $id) { id } }", new { id }), "userSessions").AsArray());
    }

    [Fact]
    public async Task RestDetailBatchKickAndLoginStatus()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("rest@example.com");

        var detail = await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}?with_custom_data=true", token: Admin);
        var batch = await RestAsync(HttpMethod.Post, "/api/v2/users/batch", new { ids = new[] { "rest@example.com" }, type = "email" }, Admin);
        var status = await RestAsync(HttpMethod.Get, $"/api/v2/users/login-status?userId={id}", token: Admin);
        var asUser = await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}", token: token);
        var kick = await RestAsync(HttpMethod.Post, "/api/v2/users/kick", new { userIds = new[] { id } }, Admin);

        Assert.Equal("rest@example.com", detail["data"]!["email"]!.GetValue<string>());
        Assert.Null(detail["data"]!["password"]);
        Assert.NotNull(detail["data"]!["customData"]);
        Assert.Equal(id, batch["data"]![0]!["id"]!.GetValue<string>());
        Assert.True(status["data"]!["isLogin"]!.GetValue<bool>());
        Assert.Equal(200, kick["code"]!.GetValue<int>());
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(403, asUser["code"]!.GetValue<int>());
    }
}
