using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

public sealed class OrgTests : IAsyncLifetime
{
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static string Id(JsonNode n) => n["id"]!.GetValue<string>();

    /// <summary>Corp ─ RD ─ Mobile ─ iOS, and Corp ─ HR.</summary>
    private async Task<(string Org, string Root, string Rd, string Mobile, string Ios, string Hr)> TreeAsync()
    {
        var org = await _admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Corp", code = "corp", description = "the company" });
        var orgId = Id(org);
        var root = Id(org["rootNode"]!);
        var rd = Id(await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = root, name = "RD", code = "rd", order = 1 }));
        var mobile = Id(await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = rd, name = "Mobile", code = "mobile" }));
        var ios = Id(await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = mobile, name = "iOS", code = "ios" }));
        var withHr = await _admin.AdminAsync(OrgOps.AddNode, "addNode", new { orgId, name = "HR", code = "hr", order = 2 });
        var hr = Id(withHr["nodes"]!.AsArray().Single(n => n!["code"]!.GetValue<string>() == "hr")!);
        return (orgId, root, rd, mobile, ios, hr);
    }

    [Fact]
    public async Task TreeIsReadWithPathsDepthsAndChildren()
    {
        var t = await TreeAsync();

        var org = await _admin.AdminAsync(OrgOps.Org, "org", new { id = t.Org });
        Assert.Equal(5, org["nodes"]!.AsArray().Count);
        Assert.True(org["rootNode"]!["root"]!.GetValue<bool>());
        Assert.Equal(0, org["rootNode"]!["depth"]!.GetValue<int>());
        Assert.Equal([t.Rd, t.Hr], org["rootNode"]!["children"]!.AsArray().Select(c => c!.GetValue<string>()));
        var ios = await _admin.AdminAsync(OrgOps.NodeById, "nodeById", new { id = t.Ios });
        Assert.Equal([t.Root, t.Rd, t.Mobile, t.Ios], ios["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["corp", "rd", "mobile", "ios"], ios["codePath"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["Corp", "RD", "Mobile", "iOS"], ios["namePath"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(3, ios["depth"]!.GetValue<int>());
        Assert.Equal(t.Mobile, Id(await _admin.AdminAsync(OrgOps.NodeByCode, "nodeByCode", new { orgId = t.Org, code = "mobile" })));
        Assert.Equal([t.Mobile], (await _admin.AdminAsync(OrgOps.ChildrenNodes, "childrenNodes", new { nodeId = t.Rd })).AsArray().Select(n => Id(n!)));
        Assert.Equal(t.Root, Id(await _admin.AdminAsync(OrgOps.RootNode, "rootNode", new { orgId = t.Org })));
        Assert.True((await _admin.AdminAsync(OrgOps.IsRootNode, "isRootNode", new { orgId = t.Org, nodeId = t.Root })).GetValue<bool>());
        Assert.False((await _admin.AdminAsync(OrgOps.IsRootNode, "isRootNode", new { orgId = t.Org, nodeId = t.Rd })).GetValue<bool>());
        Assert.Equal([t.Mobile], (await _admin.AdminAsync(OrgOps.SearchNodes, "searchNodes", new { keyword = "Mob" })).AsArray().Select(n => Id(n!)));
        var orgs = await _admin.AdminAsync(OrgOps.Orgs, "orgs", new { page = 1, limit = 10 });
        Assert.Equal(1, orgs["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task NodesAreUpdatedAndDuplicateCodesRefused()
    {
        var t = await TreeAsync();

        var updated = await _admin.AdminAsync(OrgOps.UpdateNode, "updateNode", new { id = t.Hr, name = "People", code = "people", description = "HR" });

        Assert.Equal("People", updated["name"]!.GetValue<string>());
        Assert.Equal("people", updated["code"]!.GetValue<string>());
        Assert.Equal(2532, await _admin.AdminErrorAsync(OrgOps.UpdateNode, new { id = t.Hr, code = "rd" }));
        Assert.Equal(2532, await _admin.AdminErrorAsync(OrgOps.AddNodeV2, new { orgId = t.Org, name = "X", code = "ios" }));
        Assert.Equal(2530, await _admin.AdminErrorAsync(OrgOps.AddNodeV2, new { orgId = "5f00000000000000000000ff", name = "X" }));
    }

    [Fact]
    public async Task MoveNodeCarriesTheSubtreeAndRefusesCycles()
    {
        var t = await TreeAsync();

        Assert.Equal(2533, await _admin.AdminErrorAsync(OrgOps.MoveNode, new { orgId = t.Org, nodeId = t.Rd, targetParentId = t.Ios }));
        Assert.Equal(2533, await _admin.AdminErrorAsync(OrgOps.MoveNode, new { orgId = t.Org, nodeId = t.Rd, targetParentId = t.Rd }));
        Assert.Equal(2534, await _admin.AdminErrorAsync(OrgOps.MoveNode, new { orgId = t.Org, nodeId = t.Root, targetParentId = t.Hr }));

        await _admin.AdminAsync(OrgOps.MoveNode, "moveNode", new { orgId = t.Org, nodeId = t.Mobile, targetParentId = t.Hr });

        var ios = await _admin.AdminAsync(OrgOps.NodeById, "nodeById", new { id = t.Ios });
        Assert.Equal([t.Root, t.Hr, t.Mobile, t.Ios], ios["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Empty((await _admin.AdminAsync(OrgOps.ChildrenNodes, "childrenNodes", new { nodeId = t.Rd })).AsArray());
    }

    [Fact]
    public async Task DeleteNodeRemovesTheSubtreeAndItsMembers()
    {
        var t = await TreeAsync();
        var users = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = t.Ios, userIds = users });

        Assert.Equal(2534, await _admin.AdminErrorAsync(OrgOps.DeleteNode, new { orgId = t.Org, nodeId = t.Root }));
        await _admin.AdminAsync(OrgOps.DeleteNode, "deleteNode", new { orgId = t.Org, nodeId = t.Rd });

        var org = await _admin.AdminAsync(OrgOps.Org, "org", new { id = t.Org });
        Assert.Equal([t.Root, t.Hr], org["nodes"]!.AsArray().Select(n => Id(n!)));
        var gone = await _admin.Client.PostAsync(OrgOps.NodeById, new { id = t.Ios }, _admin.AdminToken);
        Assert.Null(gone["data"]!["nodeById"]);
        var departments = await _admin.AdminAsync(OrgOps.GetUserDepartments, "user", new { id = users[0] });
        Assert.Equal(0, departments["departments"]!["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task MembersAreAddedMovedRemovedAndHaveAMainDepartment()
    {
        var t = await TreeAsync();
        var users = await _admin.SeedUsersAsync(3);

        var added = await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { orgId = t.Org, nodeCode = "mobile", userIds = users });
        Assert.Equal(3, added["users"]!["totalCount"]!.GetValue<int>());
        await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = t.Hr, userIds = new[] { users[0] } });
        var direct = await _admin.AdminAsync(OrgOps.NodeByIdWithMembers, "nodeById", new { id = t.Rd });
        var deep = await _admin.AdminAsync(OrgOps.NodeByIdWithMembers, "nodeById", new { id = t.Rd, includeChildrenNodes = true });
        Assert.Equal(0, direct["users"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(3, deep["users"]!["totalCount"]!.GetValue<int>());

        await _admin.AdminAsync(OrgOps.MoveMembers, "moveMembers", new { userIds = new[] { users[1] }, sourceNodeId = t.Mobile, targetNodeId = t.Ios });
        var ios = await _admin.AdminAsync(OrgOps.NodeByIdWithMembers, "nodeById", new { id = t.Ios });
        Assert.Equal([users[1]], ios["users"]!["list"]!.AsArray().Select(u => Id(u!)));
        var mobile = await _admin.AdminAsync(OrgOps.NodeByIdWithMembers, "nodeById", new { id = t.Mobile });
        Assert.DoesNotContain(users[1], mobile["users"]!["list"]!.AsArray().Select(u => Id(u!)));
        var removed = await _admin.AdminAsync(OrgOps.RemoveMember, "removeMember", new { nodeId = t.Mobile, userIds = new[] { users[2] } });
        Assert.Equal([users[0]], removed["users"]!["list"]!.AsArray().Select(u => Id(u!)));
        Assert.Equal(2535, await _admin.AdminErrorAsync(OrgOps.MoveMembers, new { userIds = new[] { users[2] }, sourceNodeId = t.Mobile, targetNodeId = t.Hr }));

        await _admin.AdminAsync(OrgOps.SetMainDepartment, "setMainDepartment", new { userId = users[0], departmentId = t.Hr });
        Assert.Equal(2535, await _admin.AdminErrorAsync(OrgOps.SetMainDepartment, new { userId = users[0], departmentId = t.Ios }));
        var departments = (await _admin.AdminAsync(OrgOps.GetUserDepartments, "user", new { id = users[0] }))["departments"]!;
        Assert.Equal(2, departments["totalCount"]!.GetValue<int>());
        var main = departments["list"]!.AsArray().Single(d => d!["isMainDepartment"]!.GetValue<bool>())!;
        Assert.Equal(t.Hr, Id(main["department"]!));
        Assert.Equal(["Corp", "HR"], main["department"]!["namePath"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task UsersReadTheirOwnDepartmentsAndOrgPaths()
    {
        var t = await TreeAsync();
        var (me, token) = await _admin.Client.RegisterAndLoginAsync("org-member@example.com");
        await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = t.Ios, userIds = new[] { me } });
        await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = t.Hr, userIds = new[] { me } });

        var departments = GraphQLClient.Success(await _admin.Client.PostAsync(OrgOps.GetUserDepartments, new { id = me, orgId = t.Org }, token), "user");
        Assert.Equal(2, departments["departments"]!["totalCount"]!.GetValue<int>());

        using var request = _admin.Client.NewRequest(HttpMethod.Get, "/api/v2/users/me/orgs", token);
        var body = await GraphQLClient.ReadJsonAsync(await _admin.Client.Http.SendAsync(request));
        Assert.Equal(200, body["code"]!.GetValue<int>());
        var paths = body["data"]!.AsArray();
        Assert.Equal(2, paths.Count);
        var iosPath = paths.Single(p => p!.AsArray().Count == 5)!.AsArray();
        Assert.Equal("org", iosPath[0]!["type"]!.GetValue<string>());
        Assert.Equal(t.Org, iosPath[0]!["id"]!.GetValue<string>());
        Assert.Equal(t.Root, iosPath[0]!["rootNodeId"]!.GetValue<string>());
        Assert.Equal(["Corp", "RD", "Mobile", "iOS"], iosPath.Skip(1).Select(n => n!["name"]!.GetValue<string>()));
        Assert.All(iosPath.Skip(1), n =>
        {
            Assert.Equal("node", n!["type"]!.GetValue<string>());
            Assert.Equal(t.Org, n["orgId"]!.GetValue<string>());
            Assert.Equal(_app.UserPoolId, n["userPoolId"]!.GetValue<string>());
            foreach (var key in new[] { "nameI18n", "description", "descriptionI18n", "order", "code", "leaderUserId", "createdAt", "updatedAt" })
                Assert.True(n.AsObject().ContainsKey(key), key);
        });

        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(OrgOps.Org, new { id = t.Org }, token)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(OrgOps.AddMember, new { nodeId = t.Hr, userIds = new[] { me } }, token)));
        using var anonymous = _admin.Client.NewRequest(HttpMethod.Get, "/api/v2/users/me/orgs");
        Assert.Equal(2020, (await GraphQLClient.ReadJsonAsync(await _admin.Client.Http.SendAsync(anonymous)))["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeleteOrgRemovesEverythingAndOtherPoolsSeeNothing()
    {
        var t = await TreeAsync();
        var other = await _app.CreatePoolAsync();
        var otherClient = _app.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherClient.ManagementTokenAsync(other.Secret, other.Pool.Id);

        Assert.Equal(2530, GraphQLClient.ErrorCode(await otherClient.PostAsync(OrgOps.Org, new { id = t.Org }, otherAdmin)));
        Assert.Null((await otherClient.PostAsync(OrgOps.NodeById, new { id = t.Rd }, otherAdmin))["data"]!["nodeById"]);
        Assert.Equal(2531, GraphQLClient.ErrorCode(await otherClient.PostAsync(OrgOps.DeleteNode, new { orgId = t.Org, nodeId = t.Rd }, otherAdmin)));

        await _admin.AdminAsync(OrgOps.DeleteOrg, "deleteOrg", new { id = t.Org });

        Assert.Equal(0, (await _admin.AdminAsync(OrgOps.Orgs, "orgs"))["totalCount"]!.GetValue<int>());
        Assert.Equal(0, await _app.QueryDbAsync(db => Task.FromResult(db.OrgNodes.Count())));
    }
}
