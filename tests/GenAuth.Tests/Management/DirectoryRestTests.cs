using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

/// <summary>
/// Issue 15's users/roles/orgs REST paths (users/filter, users/{id}/orgs, resign-user, exist-defined-field-count,
/// roles/roleUsers, orgs/export, orgs/import): results, codes, and the abuse cases (outsiders refused before the body
/// is read, another pool's ids, imports that fail half-way write nothing). The SDK-level tests are
/// tests/sdk-compat/directory.test.mjs.
/// </summary>
public sealed class DirectoryRestTests : ManagementTestBase
{
    private const string Missing = "5f00000000000000000fff02";

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private static int RestCode(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    private static List<string> Emails(JsonNode page) =>
        page["list"]!.AsArray().Select(u => u!["email"]!.GetValue<string>()).Order().ToList();

    private async Task<int> OrgCountAsync() =>
        GraphQLClient.Success(await AdminAsync("{ orgs { totalCount } }"), "orgs")["totalCount"]!.GetValue<int>();

    [Fact]
    public async Task UsersFilterAndsItsConditionsAndRefusesWhatItCantFilter()
    {
        var ann = await CreateUserAsync(new { email = "ann.filter@example.com", password = GraphQLClient.Password });
        await CreateUserAsync(new { email = "anna.filter@example.com", password = GraphQLClient.Password, username = "anna_f" });
        await CreateUserAsync(new { email = "bob.filter@example.com", password = GraphQLClient.Password });
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { updateUser(id: $id, input: { blocked: true }) { id } }", new { id = ann }),
            "updateUser");

        var prefix = Data(await RestAsync(HttpMethod.Post, "/api/v2/users/filter",
            new { page = 1, limit = 10, filter = new object[] { new { key = "email", op = "startsWith", value = "ANN" } } }, Admin));
        Assert.Equal(["ann.filter@example.com", "anna.filter@example.com"], Emails(prefix));
        Assert.Equal(2, prefix["totalCount"]!.GetValue<int>());

        var both = Data(await RestAsync(HttpMethod.Post, "/api/v2/users/filter", new
        {
            filter = new object[] { new { key = "email", op = "startsWith", value = "ann" }, new { key = "blocked", value = true } },
        }, Admin));
        Assert.Equal(["ann.filter@example.com"], Emails(both));
        var exact = Data(await RestAsync(HttpMethod.Post, "/api/v2/users/filter",
            new { filter = new object[] { new { key = "username", value = "anna_f" } } }, Admin));
        Assert.Equal(["anna.filter@example.com"], Emails(exact));

        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter",
            new { filter = new object[] { new { key = "password", value = "x" } } }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter",
            new { filter = new object[] { new { key = "createdAt", op = "contains", value = "2020-01-01" } } }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter", new { filter = "email" }, Admin)));

        // Outsiders are refused before the (bad) body is looked at.
        var (_, user) = await Client.RegisterAndLoginAsync("filter-outsider@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter", new { filter = "email" }, user)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter", new { filter = "email" })));
    }

    [Fact]
    public async Task OrgsImportWritesTheWholeTreeAndExportGivesItBackWithMembersAndPaths()
    {
        var member = await CreateUserAsync(new { email = "org.member@example.com", password = GraphQLClient.Password });
        var tree = new
        {
            name = "Feifan", code = "feifan",
            children = new object[]
            {
                new { name = "Operation", code = "operation", description = "business" },
                new { name = "Dev", code = "dev", children = new object[] { new { name = "Backend", code = "backend", members = new[] { member } } } },
            },
        };
        var imported = Data(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { filetype = "json", file = tree }, Admin));
        Assert.Equal("Feifan", imported["name"]!.GetValue<string>());
        Assert.Equal(["Operation", "Dev"], imported["children"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Order().Reverse().ToList());

        var exported = Data(await RestAsync(HttpMethod.Get, "/api/v2/orgs/export", token: Admin)).AsArray();
        var org = Assert.Single(exported);
        var dev = org!["children"]!.AsArray().Single(c => c!["code"]!.GetValue<string>() == "dev")!;
        var backend = Assert.Single(dev["children"]!.AsArray())!;
        Assert.Equal([member], backend["members"]!.AsArray().Select(m => m!.GetValue<string>()).ToList());
        Assert.Equal(org.ToJsonString(),
            Assert.Single(Data(await RestAsync(HttpMethod.Get, $"/api/v2/orgs/export?org_id={org["orgId"]}", token: Admin)).AsArray())!.ToJsonString());
        Assert.Equal(2530, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/orgs/export?org_id={Missing}", token: Admin)));

        // users/{id}/orgs: the org, then the nodes from the root down to the department.
        var paths = Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{member}/orgs", token: Admin)).AsArray();
        var path = Assert.Single(paths)!.AsArray();
        Assert.Equal(["org", "node", "node", "node"], path.Select(p => p!["type"]!.GetValue<string>()).ToList());
        Assert.Equal(["Feifan", "Dev", "Backend"], path.Skip(1).Select(p => p!["name"]!.GetValue<string>()).ToList());
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{Missing}/orgs", token: Admin)));
    }

    [Fact]
    public async Task AnImportThatFailsAnywhereWritesNothing()
    {
        var before = await OrgCountAsync();
        GraphQLClient.Success(await AdminAsync("mutation { createOrg(name: \"Existing\", code: \"taken\") { id } }"), "createOrg");
        before++;

        // A code already used in the pool, deep in the tree, after nodes that would have been fine.
        var clash = new { name = "A", children = new object[] { new { name = "B", children = new object[] { new { name = "C", code = "taken" } } } } };
        Assert.Equal(2532, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { filetype = "json", file = clash }, Admin)));
        // The same code twice in the tree.
        var twice = new { name = "A", children = new object[] { new { name = "B", code = "x1" }, new { name = "C", code = "x1" } } };
        Assert.Equal(2532, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { file = twice }, Admin)));
        // A member who isn't in the pool; a node without a name.
        var stranger = new { name = "A", children = new object[] { new { name = "B", members = new[] { Missing } } } };
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { file = stranger }, Admin)));
        var nameless = new { name = "A", children = new object[] { new { code = "nameless" } } };
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { file = nameless }, Admin)));
        Assert.Equal(2651, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { filetype = "csv", file = nameless }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { file = "not a tree" }, Admin)));

        // Too deep (40 levels): refused before anything is written (by the JSON reader's depth limit or the import's).
        var deep = "{\"name\":\"leaf\"}";
        for (var i = 0; i < 40; i++)
            deep = "{\"name\":\"n" + i + "\",\"children\":[" + deep + "]}";
        var request = Client.NewRequest(HttpMethod.Post, "/api/v2/orgs/import", Admin);
        request.Content = new StringContent("{\"file\":" + deep + "}", System.Text.Encoding.UTF8, "application/json");
        using (var response = await Client.Http.SendAsync(request))
            Assert.Equal(400, RestCode(await GraphQLClient.ReadJsonAsync(response)));

        Assert.Equal(before, await OrgCountAsync());
        var nodes = await App.QueryDbAsync(db => Task.FromResult(db.OrgNodes.Count()));
        Assert.Equal(1, nodes);

        // An outsider with a bad body hears 403, not 400.
        var (_, user) = await Client.RegisterAndLoginAsync("import-outsider@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/orgs/import", new { file = "not a tree" }, user)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/orgs/export", token: user)));
    }

    [Fact]
    public async Task AResignedUserIsBlockedLeavesDepartmentsAndLosesSessions()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("resign@example.com");
        var other = await CreateUserAsync(new { email = "stays@example.com", password = GraphQLClient.Password });
        var org = GraphQLClient.Success(await AdminAsync("mutation { createOrg(name: \"R\", code: \"r\") { rootNode { id } } }"), "createOrg");
        GraphQLClient.Success(await AdminAsync("mutation($n: String!, $u: [String!]!) { addMember(nodeId: $n, userIds: $u) { id } }",
            new { n = org["rootNode"]!["id"]!.GetValue<string>(), u = new[] { id, other } }), "addMember");

        // A batch naming a missing user changes nobody.
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/resign-user-batch", new { userIds = new[] { id, Missing } }, Admin)));
        Assert.Equal("resign@example.com", GraphQLClient.Success(await Client.PostAsync(Ops.User, token: token), "user")["email"]!.GetValue<string>());

        Assert.Equal(200, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/resign-user", new { userId = id }, Admin)));
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(2057, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("resign@example.com")));
        var user = GraphQLClient.Success(await AdminAsync("query($id: String!) { user(id: $id) { status blocked } }", new { id }), "user");
        Assert.Equal("Resigned", user["status"]!.GetValue<string>());
        Assert.Empty(Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}/orgs", token: Admin)).AsArray());
        Assert.Single(Data(await RestAsync(HttpMethod.Get, $"/api/v2/users/{other}/orgs", token: Admin)).AsArray());

        // Another pool's admin can't resign (or even see) this pool's users.
        var b = await App.CreatePoolAsync();
        var adminOfB = await Client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var poolB = new Dictionary<string, string> { ["x-authing-userpool-id"] = b.Pool.Id };
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/resign-user", new { userId = other }, adminOfB, poolB)));
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{other}/orgs", token: adminOfB, headers: poolB)));
        Assert.False(GraphQLClient.Success(await AdminAsync("query($id: String!) { user(id: $id) { blocked } }", new { id = other }), "user")["blocked"]!
            .GetValue<bool>());

        var (_, outsider) = await Client.RegisterAndLoginAsync("resign-outsider@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/resign-user-batch", new { userIds = "nope" }, outsider)));
    }

    [Fact]
    public async Task RoleUsersAreTheHoldersOfTheRoleNarrowedBySearch()
    {
        var a = await CreateUserAsync(new { email = "holder.one@example.com", password = GraphQLClient.Password });
        var b = await CreateUserAsync(new { email = "holder.two@example.com", password = GraphQLClient.Password });
        await CreateUserAsync(new { email = "holder.none@example.com", password = GraphQLClient.Password });
        GraphQLClient.Success(await AdminAsync("mutation { createRole(code: \"editor\") { code } }"), "createRole");
        GraphQLClient.Success(await AdminAsync("mutation($u: [String!]) { assignRole(roleCode: \"editor\", userIds: $u) { code } }",
            new { u = new[] { a, b } }), "assignRole");

        var all = Data(await RestAsync(HttpMethod.Post, "/api/v2/roles/roleUsers", new { code = "editor", @namespace = "default", page = 1, limit = 10 }, Admin));
        Assert.Equal(["holder.one@example.com", "holder.two@example.com"], Emails(all));
        var searched = Data(await RestAsync(HttpMethod.Post, "/api/v2/roles/roleUsers", new { code = "editor", search = "two" }, Admin));
        Assert.Equal(["holder.two@example.com"], Emails(searched));
        Assert.Equal(2520, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/roles/roleUsers", new { code = "no-such-role" }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/roles/roleUsers", new { search = "x" }, Admin)));
        var (_, user) = await Client.RegisterAndLoginAsync("role-outsider@example.com");
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/roles/roleUsers", new { }, user)));
    }

    [Fact]
    public async Task DefinedFieldCountCountsUsersWithAValueAndOptionallyOfAnApp()
    {
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"school\", dataType: STRING, label: \"School\") { key } }"),
            "setUdf");
        var (id, _) = await Client.RegisterAndLoginAsync("udf.count@example.com");
        await CreateUserAsync(new { email = "udf.none@example.com", password = GraphQLClient.Password });
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { setUdv(targetType: USER, targetId: $id, key: \"school\", value: \"MIT\") { key } }",
            new { id }), "setUdv");

        Assert.Equal(1, Data(await RestAsync(HttpMethod.Get, "/api/v2/analysis/exist-defined-field-count?definedFieldKey=school", token: Admin))["count"]!
            .GetValue<int>());
        Assert.Equal(0, Data(await RestAsync(HttpMethod.Get, "/api/v2/analysis/exist-defined-field-count?definedFieldKey=other", token: Admin))["count"]!
            .GetValue<int>());
        // The user signed in without an app header: not a user of the pool's app yet.
        Assert.Equal(0, Data(await RestAsync(HttpMethod.Get,
            $"/api/v2/analysis/exist-defined-field-count?definedFieldKey=school&appId={App.AppId}", token: Admin))["count"]!.GetValue<int>());
        GraphQLClient.Success(await Client.LoginByEmailAsync("udf.count@example.com",
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = App.AppId }), "loginByEmail");
        Assert.Equal(1, Data(await RestAsync(HttpMethod.Get,
            $"/api/v2/analysis/exist-defined-field-count?definedFieldKey=school&appId={App.AppId}", token: Admin))["count"]!.GetValue<int>());
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Get,
            $"/api/v2/analysis/exist-defined-field-count?definedFieldKey=school&appId={Missing}", token: Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/analysis/exist-defined-field-count", token: Admin)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/analysis/exist-defined-field-count?definedFieldKey=school")));
    }

    [Fact]
    public async Task LiteralPathsBesideIdTemplatesReachTheirOwnHandlers()
    {
        // Each literal sits beside an {id} template of the same method: it must answer as itself, never as a lookup of
        // an object with that "id" (2004 user / 2043 app not found).
        Assert.Equal(2566, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/applications/programmatic-access-accounts?id={Missing}",
            token: Admin)));
        Assert.Equal(200, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/users/filter", new { }, Admin)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/resign-user", new { userId = Missing })));
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{Missing}/orgs", token: Admin)));
    }
}
