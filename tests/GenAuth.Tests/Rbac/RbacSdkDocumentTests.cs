using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

/// <summary>
/// Every SDK document for groups, roles, permissions and orgs validates against the schema and, run against seeded data, answers
/// what it should: each row checks its data (and, for writes, reads the effect back), so a broken resolver fails its row.
/// </summary>
public sealed partial class RbacSdkDocumentTests(RbacSdkDocumentTests.Server server) : IClassFixture<RbacSdkDocumentTests.Server>
{
    public sealed class Server : IDisposable
    {
        public GenAuthApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }

    public static TheoryData<string> Operations() => new(Documents().Keys);

    /// <summary>A row per document: a missing expectation fails here rather than passing silently.</summary>
    [Fact]
    public void EveryDocumentHasAnExpectedOutcome() =>
        Assert.Equal(Documents().Keys.Order(StringComparer.Ordinal), Rows.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task SdkDocumentRunsWithTheExpectedOutcome(string operation)
    {
        var admin = await RbacClient.CreateAsync(server.App);
        var world = await World.SeedAsync(admin);
        var row = Rows[operation];
        var variables = Variables(world);
        foreach (var (name, value) in row.Variables(world))
            variables[name] = value?.DeepClone();
        var request = admin.Client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, admin.AdminToken);
        var body = new JsonObject { ["query"] = Documents()[operation], ["variables"] = variables };
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd("application/graphql-response+json");

        using var response = await admin.Client.Http.SendAsync(request);
        var result = await GraphQLClient.ReadJsonAsync(response);

        // Note: with application/graphql-response+json a document that fails to parse or validate is a 400.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {result.ToJsonString()}");
        Assert.True(result["errors"] is null, $"{operation}: {result.ToJsonString()}");
        await row.Check(world, result["data"]!, admin);
    }

    /// <summary>
    /// What each row starts from, fresh per row (unique codes, its own role namespace) so rows don't see each other:
    /// users U (in group G, role R of namespace Ns whose parent is P, node N) and U2 (nowhere); an org with root and nodes N, N2;
    /// grants in Ns: Books to role R, Shelf to group G and node N; in the default namespace Books directly to U.
    /// </summary>
    private sealed record World(string S, string U, string U2, string G, string P, string R, string Ns, string Books, string Shelf,
        string Org, string Root, string N, string NCode, string N2)
    {
        public static async Task<World> SeedAsync(RbacClient admin)
        {
            var s = Guid.NewGuid().ToString("N")[..10];
            var users = await admin.SeedUsersAsync(2, "sdk" + s);
            var (u, u2, g, p, r, ns) = (users[0], users[1], "g" + s, "p" + s, "r" + s, "ns" + s);
            await admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = g, name = "Group" + s });
            await admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = new[] { u }, code = g });
            await admin.AdminAsync(RbacOps.CreateRole, "createRole", new { @namespace = ns, code = p });
            await admin.AdminAsync(RbacOps.CreateRole, "createRole", new { @namespace = ns, code = r, parent = p });
            await admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { @namespace = ns, roleCode = r, userIds = new[] { u } });
            var org = await admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Org" + s, code = "o" + s });
            var orgId = Id(org);
            var root = Id(org["rootNode"]!);
            var n = Id(await admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = root, name = "Node" + s, code = "n" + s, order = 1 }));
            var n2 = Id(await admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = root, name = "Other" + s, code = "m" + s, order = 2 }));
            await admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = n, userIds = new[] { u } });
            var (books, shelf) = ("books" + s, "shelf" + s);
            await admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
            {
                @namespace = ns, resource = books, resourceType = "DATA",
                opts = new[] { new { targetType = "ROLE", targetIdentifier = r, actions = new[] { "books:read" } } },
            });
            await admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
            {
                @namespace = ns, resource = shelf, resourceType = "DATA",
                opts = new[]
                {
                    new { targetType = "GROUP", targetIdentifier = g, actions = new[] { "shelf:open" } },
                    new { targetType = "ORG", targetIdentifier = n, actions = new[] { "shelf:open" } },
                },
            });
            await admin.AdminAsync(RbacOps.Allow, "allow", new { userId = u, resource = books, action = "books:read" });
            return new World(s, u, u2, g, p, r, ns, books, shelf, orgId, root, n, "n" + s, n2);
        }
    }

    /// <summary>One value per variable name used by these documents (names mean the same thing across them); rows override some.</summary>
    private static JsonObject Variables(World w) => new()
    {
        ["code"] = w.G, ["name"] = "SDK", ["description"] = "d", ["newCode"] = w.G + "-2", ["codeList"] = new JsonArray(w.G),
        ["userIds"] = new JsonArray(w.U), ["userId"] = w.U, ["id"] = w.U,
        ["namespace"] = w.Ns, ["parent"] = null, ["roleCode"] = w.R, ["roleCodes"] = null, ["groupCodes"] = null,
        ["nodeCodes"] = null, ["resource"] = w.Books, ["resourceType"] = "DATA", ["action"] = "books:read",
        ["opts"] = new JsonArray(), ["targetType"] = "USER", ["targetIdentifier"] = w.U,
        ["actions"] = new JsonObject { ["op"] = "OR", ["list"] = new JsonArray("books:read") },
        ["orgId"] = w.Org, ["nodeId"] = w.N, ["parentNodeId"] = null,
        ["targetParentId"] = w.N2, ["sourceNodeId"] = w.N, ["targetNodeId"] = w.N2,
        ["departmentId"] = null, ["keyword"] = "Node" + w.S, ["page"] = 1, ["limit"] = 10, ["sortBy"] = "CREATEDAT_DESC", ["includeChildrenNodes"] = true,
        ["isLeader"] = false, ["order"] = 1, ["nameI18n"] = null, ["descriptionI18n"] = null, ["tenantId"] = null, ["nodeCode"] = null,
    };

    private sealed record Row(Func<World, JsonObject> Variables, Func<World, JsonNode, RbacClient, Task> Check);

    private static Row Expect(Func<World, JsonObject> variables, Action<World, JsonNode> check) =>
        new(variables, (w, data, _) =>
        {
            check(w, data);
            return Task.CompletedTask;
        });

    private static Row Expect(Action<World, JsonNode> check) => Expect(_ => [], check);

    private static Row Then(Func<World, JsonObject> variables, Func<World, JsonNode, RbacClient, Task> check) => new(variables, check);

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();
    private static string Str(JsonNode node, string field) => node[field]!.GetValue<string>();
    private static int Int(JsonNode node, string field) => node[field]!.GetValue<int>();
    private static List<string> Ids(JsonNode list) => list.AsArray().Select(n => Id(n!)).Order(StringComparer.Ordinal).ToList();
    private static List<string> Sorted(params string[] values) => values.Order(StringComparer.Ordinal).ToList();
    private static List<string> Codes(JsonNode list) => RbacClient.Codes(list).Order(StringComparer.Ordinal).ToList();

    private static void Ok(JsonNode message) => Assert.Equal(200, Int(message, "code"));

    /// <summary>The SDK's single reads answer null, not an error, for what does not exist.</summary>
    private static async Task Gone(RbacClient admin, string query, string field, object variables)
    {
        var result = await admin.Client.PostAsync(query, variables, admin.AdminToken);
        Assert.True(result["errors"] is null && result["data"]?[field] is null, $"{field} should be gone: {result.ToJsonString()}");
        Assert.NotNull(result["data"]);
    }

    private static async Task<List<string>> GroupUsers(RbacClient admin, string code) =>
        Ids((await admin.AdminAsync(RbacOps.GroupWithUsers, "group", new { code, page = 1, limit = 50 }))["users"]!["list"]!);

    private static async Task<List<string>> RoleUsers(RbacClient admin, World w) =>
        Ids((await admin.AdminAsync(RbacOps.RoleWithUsers, "role", new { code = w.R, @namespace = w.Ns, page = 1, limit = 50 }))["users"]!["list"]!);

    private static async Task<List<string>> NodeUsers(RbacClient admin, string id) =>
        Ids((await admin.AdminAsync(OrgOps.NodeByIdWithMembers, "nodeById", new { id, page = 1, limit = 50, includeChildrenNodes = false }))["users"]!["list"]!);

    private static readonly Dictionary<string, Row> Rows = new()
    {
        // Groups
        ["createGroup"] = Expect(w => new() { ["code"] = "new" + w.S }, (w, d) =>
        {
            Assert.Equal("new" + w.S, Str(d["createGroup"]!, "code"));
            Assert.Equal("SDK", Str(d["createGroup"]!, "name"));
            Assert.Equal("d", Str(d["createGroup"]!, "description"));
        }),
        ["updateGroup"] = Then(_ => [], async (w, d, admin) =>
        {
            Assert.Equal(w.G + "-2", Str(d["updateGroup"]!, "code"));
            Assert.Equal("SDK", Str(d["updateGroup"]!, "name"));
            Assert.Equal([w.U], await GroupUsers(admin, w.G + "-2"));
            await Gone(admin, RbacOps.Group, "group", new { code = w.G });
        }),
        ["deleteGroups"] = Then(_ => [], async (w, d, admin) =>
        {
            Ok(d["deleteGroups"]!);
            await Gone(admin, RbacOps.Group, "group", new { code = w.G });
        }),
        ["group"] = Expect((w, d) =>
        {
            Assert.Equal(w.G, Str(d["group"]!, "code"));
            Assert.Equal("Group" + w.S, Str(d["group"]!, "name"));
        }),
        ["groups"] = Expect((w, d) =>
        {
            Assert.Equal(1, Int(d["groups"]!, "totalCount"));
            Assert.Equal([w.G], Codes(d["groups"]!["list"]!));
        }),
        ["groupWithUsers"] = Expect((w, d) => Assert.Equal([w.U], Ids(d["group"]!["users"]!["list"]!))),
        ["groupWithUsersWithCustomData"] = Expect((w, d) => Assert.Equal([w.U], Ids(d["group"]!["users"]!["list"]!))),
        ["addUserToGroup"] = Then(w => new() { ["userIds"] = new JsonArray(w.U2) }, async (w, d, admin) =>
        {
            Ok(d["addUserToGroup"]!);
            Assert.Equal(Sorted(w.U, w.U2), await GroupUsers(admin, w.G));
        }),
        ["removeUserFromGroup"] = Then(_ => [], async (w, d, admin) =>
        {
            Ok(d["removeUserFromGroup"]!);
            Assert.Empty(await GroupUsers(admin, w.G));
        }),
        ["getUserGroups"] = Expect((w, d) => Assert.Equal([w.G], Codes(d["user"]!["groups"]!["list"]!))),

        // Roles
        ["createRole"] = Expect(w => new() { ["code"] = "new" + w.S, ["parent"] = w.P }, (w, d) =>
        {
            var role = d["createRole"]!;
            Assert.Equal("new" + w.S, Str(role, "code"));
            Assert.Equal(w.Ns, Str(role, "namespace"));
            Assert.Equal(w.P, Str(role["parent"]!, "code"));
        }),
        ["updateRole"] = Then(w => new() { ["code"] = w.R, ["newCode"] = w.R + "-2", ["description"] = "renamed" }, async (w, d, admin) =>
        {
            Assert.Equal(w.R + "-2", Str(d["updateRole"]!, "code"));
            Assert.Equal("renamed", Str(d["updateRole"]!, "description"));
            await Gone(admin, RbacOps.Role, "role", new { code = w.R, @namespace = w.Ns });
        }),
        ["deleteRole"] = Then(w => new() { ["code"] = w.R }, async (w, d, admin) =>
        {
            Ok(d["deleteRole"]!);
            await Gone(admin, RbacOps.Role, "role", new { code = w.R, @namespace = w.Ns });
        }),
        ["deleteRoles"] = Then(w => new() { ["codeList"] = new JsonArray(w.R) }, async (w, d, admin) =>
        {
            Ok(d["deleteRoles"]!);
            await Gone(admin, RbacOps.Role, "role", new { code = w.R, @namespace = w.Ns });
            Assert.Equal(w.P, Str(await admin.AdminAsync(RbacOps.Role, "role", new { code = w.P, @namespace = w.Ns }), "code"));
        }),
        ["role"] = Expect(w => new() { ["code"] = w.R }, (w, d) =>
        {
            Assert.Equal(w.R, Str(d["role"]!, "code"));
            Assert.Equal(w.P, Str(d["role"]!["parent"]!, "code"));
        }),
        ["roles"] = Expect((w, d) =>
        {
            Assert.Equal(2, Int(d["roles"]!, "totalCount"));
            Assert.Equal(Sorted(w.P, w.R), Codes(d["roles"]!["list"]!));
        }),
        ["roleWithUsers"] = Expect(w => new() { ["code"] = w.R }, (w, d) => Assert.Equal([w.U], Ids(d["role"]!["users"]!["list"]!))),
        ["roleWithUsersWithCustomData"] = Expect(w => new() { ["code"] = w.R }, (w, d) => Assert.Equal([w.U], Ids(d["role"]!["users"]!["list"]!))),
        ["assignRole"] = Then(w => new() { ["userIds"] = new JsonArray(w.U2) }, async (w, d, admin) =>
        {
            Ok(d["assignRole"]!);
            Assert.Equal(Sorted(w.U, w.U2), await RoleUsers(admin, w));
        }),
        ["revokeRole"] = Then(_ => [], async (w, d, admin) =>
        {
            Ok(d["revokeRole"]!);
            Assert.Empty(await RoleUsers(admin, w));
        }),
        ["getUserRoles"] = Expect((w, d) => Assert.Equal([w.R], Codes(d["user"]!["roles"]!["list"]!))),

        // Permissions
        ["listUserAuthorizedResources"] = Expect((w, d) =>
            Assert.Equal(Sorted(w.Books, w.Shelf), Codes(d["user"]!["authorizedResources"]!["list"]!))),
        ["authorizeResource"] = Then(w => new()
        {
            ["opts"] = new JsonArray(new JsonObject { ["targetType"] = "USER", ["targetIdentifier"] = w.U2, ["actions"] = new JsonArray("books:write") }),
        }, async (w, d, admin) =>
        {
            Ok(d["authorizeResource"]!);
            Assert.True((await admin.AdminAsync(RbacOps.IsActionAllowed, "isActionAllowed",
                new { userId = w.U2, resource = w.Books, action = "books:write", @namespace = w.Ns })).GetValue<bool>());
        }),
        ["allow"] = Then(w => new() { ["userId"] = w.U2, ["action"] = "books:edit" }, async (w, d, admin) =>
        {
            Ok(d["allow"]!);
            Assert.True((await admin.AdminAsync(RbacOps.IsActionAllowed, "isActionAllowed",
                new { userId = w.U2, resource = w.Books, action = "books:edit", @namespace = w.Ns })).GetValue<bool>());
        }),
        ["isActionAllowed"] = Expect((_, d) => Assert.True(d["isActionAllowed"]!.GetValue<bool>())),
        // Note: isActionDenied has no namespace in the SDK's document; U holds books:read on Books in the default namespace.
        ["isActionDenied"] = Expect((_, d) => Assert.False(d["isActionDenied"]!.GetValue<bool>())),
        ["authorizedTargets"] = Expect(_ => new() { ["targetType"] = "ROLE" }, (w, d) =>
        {
            var target = Assert.Single(d["authorizedTargets"]!["list"]!.AsArray())!;
            Assert.Equal(w.R, Str(target, "targetIdentifier"));
            Assert.Equal(["books:read"], target["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
        }),
        ["authorizedResources"] = Expect((w, d) =>
            Assert.Equal(Sorted(w.Books, w.Shelf), Codes(d["authorizedResources"]!["list"]!))),
        ["listRoleAuthorizedResources"] = Expect(w => new() { ["code"] = w.R }, (w, d) =>
            Assert.Equal([w.Books], Codes(d["role"]!["authorizedResources"]!["list"]!))),
        ["listGroupAuthorizedResources"] = Expect((w, d) =>
            Assert.Equal([w.Shelf], Codes(d["group"]!["authorizedResources"]!["list"]!))),
        ["listNodeByIdAuthorizedResources"] = Expect(w => new() { ["id"] = w.N }, (w, d) =>
            Assert.Equal([w.Shelf], Codes(d["nodeById"]!["authorizedResources"]!["list"]!))),
        ["listNodeByCodeAuthorizedResources"] = Expect(w => new() { ["code"] = w.NCode }, (w, d) =>
            Assert.Equal([w.Shelf], Codes(d["nodeByCode"]!["authorizedResources"]!["list"]!))),

        // Orgs
        ["createOrg"] = Expect(w => new() { ["code"] = "c" + w.S }, (w, d) =>
        {
            var root = d["createOrg"]!["rootNode"]!;
            Assert.Equal("SDK", Str(root, "name"));
            Assert.Equal("c" + w.S, Str(root, "code"));
            Assert.True(root["root"]!.GetValue<bool>());
        }),
        ["deleteOrg"] = Then(w => new() { ["id"] = w.Org }, async (w, d, admin) =>
        {
            Ok(d["deleteOrg"]!);
            Assert.Equal(2530, await admin.AdminErrorAsync(OrgOps.Org, new { id = w.Org }));
        }),
        ["orgs"] = Expect((w, d) => Assert.Equal(w.Org, Id(d["orgs"]!["list"]![0]!))),
        ["org"] = Expect(w => new() { ["id"] = w.Org }, (w, d) =>
        {
            Assert.Equal(w.Root, Id(d["org"]!["rootNode"]!));
            Assert.Equal(Sorted(w.Root, w.N, w.N2), Ids(d["org"]!["nodes"]!));
        }),
        ["addNode"] = Expect(w => new() { ["code"] = "x" + w.S }, (w, d) =>
        {
            var nodes = d["addNode"]!["nodes"]!.AsArray();
            Assert.Equal(4, nodes.Count);
            var added = Assert.Single(nodes, n => n!["code"]?.GetValue<string>() == "x" + w.S)!;
            Assert.Equal(1, Int(added, "depth"));
        }),
        ["addNodeV2"] = Expect(w => new() { ["code"] = "x" + w.S, ["parentNodeId"] = w.N }, (w, d) =>
        {
            var node = d["addNodeV2"]!;
            Assert.Equal("x" + w.S, Str(node, "code"));
            Assert.Equal(w.Org, Str(node, "orgId"));
            Assert.Equal(2, Int(node, "depth"));
            Assert.Equal([w.Root, w.N, Id(node)], node["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        }),
        ["updateNode"] = Expect(w => new() { ["id"] = w.N, ["code"] = "x" + w.S }, (w, d) =>
        {
            var node = d["updateNode"]!;
            Assert.Equal(w.N, Id(node));
            Assert.Equal("SDK", Str(node, "name"));
            Assert.Equal("x" + w.S, Str(node, "code"));
            Assert.Equal(1, Int(node["users"]!, "totalCount"));
        }),
        ["deleteNode"] = Then(_ => [], async (w, d, admin) =>
        {
            Ok(d["deleteNode"]!);
            await Gone(admin, OrgOps.NodeById, "nodeById", new { id = w.N });
        }),
        ["moveNode"] = Expect((w, d) =>
        {
            var moved = d["moveNode"]!["nodes"]!.AsArray().Single(n => Id(n!) == w.N)!;
            Assert.Equal([w.Root, w.N2, w.N], moved["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        }),
        ["nodeById"] = Expect(w => new() { ["id"] = w.N }, (w, d) =>
        {
            Assert.Equal(w.NCode, Str(d["nodeById"]!, "code"));
            Assert.Equal("Node" + w.S, Str(d["nodeById"]!, "name"));
        }),
        ["nodeByCode"] = Expect(w => new() { ["code"] = w.NCode }, (w, d) => Assert.Equal(w.N, Id(d["nodeByCode"]!))),
        ["nodeByIdWithMembers"] = Expect(w => new() { ["id"] = w.N }, (w, d) => Assert.Equal([w.U], Ids(d["nodeById"]!["users"]!["list"]!))),
        ["nodeByCodeWithMembers"] = Expect(w => new() { ["code"] = w.NCode }, (w, d) => Assert.Equal([w.U], Ids(d["nodeByCode"]!["users"]!["list"]!))),
        ["childrenNodes"] = Expect(w => new() { ["nodeId"] = w.Root }, (w, d) => Assert.Equal(Sorted(w.N, w.N2), Ids(d["childrenNodes"]!))),
        ["rootNode"] = Expect((w, d) =>
        {
            Assert.Equal(w.Root, Id(d["rootNode"]!));
            Assert.True(d["rootNode"]!["root"]!.GetValue<bool>());
        }),
        ["isRootNode"] = Expect(w => new() { ["nodeId"] = w.Root }, (_, d) => Assert.True(d["isRootNode"]!.GetValue<bool>())),
        ["searchNodes"] = Expect((w, d) => Assert.Equal([w.N], Ids(d["searchNodes"]!))),
        ["addMember"] = Expect(w => new() { ["userIds"] = new JsonArray(w.U2) }, (w, d) =>
            Assert.Equal(Sorted(w.U, w.U2), Ids(d["addMember"]!["users"]!["list"]!))),
        ["removeMember"] = Expect((_, d) => Assert.Empty(d["removeMember"]!["users"]!["list"]!.AsArray())),
        ["moveMembers"] = Then(_ => [], async (w, d, admin) =>
        {
            Ok(d["moveMembers"]!);
            Assert.Empty(await NodeUsers(admin, w.N));
            Assert.Equal([w.U], await NodeUsers(admin, w.N2));
        }),
        ["setMainDepartment"] = Then(w => new() { ["departmentId"] = w.N }, async (w, d, admin) =>
        {
            Ok(d["setMainDepartment"]!);
            var departments = (await admin.AdminAsync(OrgOps.GetUserDepartments, "user", new { id = w.U }))["departments"]!["list"]!.AsArray();
            var main = Assert.Single(departments)!;
            Assert.True(main["isMainDepartment"]!.GetValue<bool>());
            Assert.Equal(w.N, Id(main["department"]!));
        }),
        ["getUserDepartments"] = Expect((w, d) =>
            Assert.Equal([w.N], d["user"]!["departments"]!["list"]!.AsArray().Select(x => Id(x!["department"]!)))),
    };

    private static Dictionary<string, string> Documents()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "GenAuth.Tests", "Rbac", "RbacSdkDocuments.graphql"));
        return OperationStart().Split(text)
            .Where(block => block.StartsWith("query ", StringComparison.Ordinal) || block.StartsWith("mutation ", StringComparison.Ordinal))
            .Select(block => block.Trim())
            .ToDictionary(block => OperationName().Match(block).Groups[1].Value);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"GenAuth.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"(?m)^(?=query |mutation )")]
    private static partial Regex OperationStart();

    [GeneratedRegex(@"^(?:query|mutation) (\w+)")]
    private static partial Regex OperationName();
}
