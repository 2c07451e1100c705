using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

public sealed class PermissionTests : IAsyncLifetime
{
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task Authorize(string resource, string type, string targetType, string target, params string[] actions) =>
        _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "default", resource, resourceType = type,
            opts = new[] { new { targetType, targetIdentifier = target, actions } },
        });

    private async Task<JsonNode> UserResources(string userId, string? resourceType = null) =>
        (await _admin.AdminAsync(RbacOps.ListUserAuthorizedResources, "user", new { id = userId, @namespace = "default", resourceType }))["authorizedResources"]!;

    [Fact]
    public async Task DirectGrantHasSeed002Shape()
    {
        var users = await _admin.SeedUsersAsync(1);

        await Authorize("ci:*", "DATA", "USER", users[0], "*");

        var resources = await UserResources(users[0]);
        Assert.Equal(1, resources["totalCount"]!.GetValue<int>());
        var item = resources["list"]![0]!;
        Assert.Equal("ci:*", item["code"]!.GetValue<string>());
        Assert.Equal("DATA", item["type"]!.GetValue<string>());
        Assert.Equal(["*"], item["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(item["apiIdentifier"]);
    }

    [Fact]
    public async Task UserInheritsFromRolesParentRolesGroupsAndOrgNodesAndTheirAncestors()
    {
        var users = await _admin.SeedUsersAsync(2);
        var user = users[0];
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "base" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "editor", parent = "base" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "via-group" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "via-node" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "team", name = "Team" });
        var org = await _admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Corp", code = "corp" });
        var orgId = org["id"]!.GetValue<string>();
        var rnd = await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, name = "R&D", code = "rnd" });
        var mobile = await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, parentNodeId = rnd["id"]!.GetValue<string>(), name = "Mobile", code = "mobile" });

        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "editor", userIds = new[] { user } });
        await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = new[] { user }, code = "team" });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "via-group", groupCodes = new[] { "team" } });
        await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = mobile["id"]!.GetValue<string>(), userIds = new[] { user } });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "via-node", nodeCodes = new[] { "rnd" } });

        await Authorize("direct", "API", "USER", user, "read");
        await Authorize("from-parent-role", "DATA", "ROLE", "base", "read");
        await Authorize("from-role", "DATA", "ROLE", "editor", "write");
        await Authorize("from-group", "MENU", "GROUP", "team", "open");
        await Authorize("from-group-role", "UI", "ROLE", "via-group", "see");
        await Authorize("from-ancestor-node", "BUTTON", "ORG", rnd["id"]!.GetValue<string>(), "click");
        await Authorize("from-node-role", "DATA", "ROLE", "via-node", "read");
        await Authorize("someone-else", "DATA", "USER", users[1], "read");

        var codes = RbacClient.Codes((await UserResources(user))["list"]!);
        Assert.Equal(["direct", "from-ancestor-node", "from-group", "from-group-role", "from-node-role", "from-parent-role", "from-role"], codes);
        Assert.Equal(["from-ancestor-node"], RbacClient.Codes((await UserResources(user, "BUTTON"))["list"]!));

        var role = await _admin.AdminAsync(RbacOps.ListRoleAuthorizedResources, "role", new { code = "editor", resourceType = (string?)null });
        Assert.Equal(["from-parent-role", "from-role"], RbacClient.Codes(role["authorizedResources"]!["list"]!));
        var group = await _admin.AdminAsync(RbacOps.ListGroupAuthorizedResources, "group", new { code = "team", @namespace = "default" });
        Assert.Equal(["from-group", "from-group-role"], RbacClient.Codes(group["authorizedResources"]!["list"]!));
        var byId = await _admin.AdminAsync(RbacOps.ListNodeByIdAuthorizedResources, "nodeById", new { id = mobile["id"]!.GetValue<string>() });
        Assert.Equal(["from-ancestor-node", "from-node-role"], RbacClient.Codes(byId["authorizedResources"]!["list"]!));
        var byCode = await _admin.AdminAsync(RbacOps.ListNodeByCodeAuthorizedResources, "nodeByCode", new { orgId, code = "rnd" });
        Assert.Equal(["from-ancestor-node", "from-node-role"], RbacClient.Codes(byCode["authorizedResources"]!["list"]!));
    }

    [Fact]
    public async Task ActionsFromSeveralPathsAreMergedAndNamespacesAreSeparate()
    {
        var users = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "r" });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "r", userIds = users });
        await Authorize("books", "DATA", "USER", users[0], "read");
        await Authorize("books", "DATA", "ROLE", "r", "write", "read");
        await _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "other", resource = "elsewhere", resourceType = "DATA",
            opts = new[] { new { targetType = "USER", targetIdentifier = users[0], actions = new[] { "x" } } },
        });

        var list = (await UserResources(users[0]))["list"]!.AsArray();
        Assert.Single(list);
        Assert.Equal(["read", "write"], list[0]!["actions"]!.AsArray().Select(a => a!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task AllowAndIsActionAllowedUnderstandWildcards()
    {
        var users = await _admin.SeedUsersAsync(2);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "librarian" });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "librarian", userIds = new[] { users[1] } });

        await _admin.AdminAsync(RbacOps.Allow, "allow", new { userId = users[0], resource = "books:123", action = "books:read" });
        await _admin.AdminAsync(RbacOps.Allow, "allow", new { roleCode = "librarian", resource = "books:*", action = "books:*" });

        async Task<bool> Allowed(string user, string resource, string action) =>
            (await _admin.AdminAsync(RbacOps.IsActionAllowed, "isActionAllowed", new { userId = user, resource, action })).GetValue<bool>();
        Assert.True(await Allowed(users[0], "books:123", "books:read"));
        Assert.False(await Allowed(users[0], "books:123", "books:edit"));
        Assert.False(await Allowed(users[0], "books:124", "books:read"));
        Assert.True(await Allowed(users[1], "books:124", "books:edit"));
        Assert.False(await Allowed(users[1], "movies:1", "books:edit"));
        async Task<bool> Denied(string user, string resource, string action) =>
            (await _admin.AdminAsync(RbacOps.IsActionDenied, "isActionDenied", new { userId = user, resource, action })).GetValue<bool>();
        Assert.True(await Denied(users[0], "books:1", "books:read"));
        Assert.False(await Denied(users[0], "books:123", "books:read"));
        Assert.False(await Denied(users[1], "books:124", "books:edit"));
    }

    [Fact]
    public async Task AuthorizedTargetsListsGrantsByTypeAndActions()
    {
        var users = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "r" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "g", name = "G" });
        await _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "default", resource = "doc", resourceType = "DATA",
            opts = new object[]
            {
                new { targetType = "USER", targetIdentifier = users[0], actions = new[] { "read", "write" } },
                new { targetType = "ROLE", targetIdentifier = "r", actions = new[] { "read" } },
                new { targetType = "GROUP", targetIdentifier = "g", actions = new[] { "write" } },
            },
        });

        var all = await _admin.AdminAsync(RbacOps.AuthorizedTargets, "authorizedTargets", new { @namespace = "default", resourceType = "DATA", resource = "doc" });
        Assert.Equal(3, all["totalCount"]!.GetValue<int>());
        var roles = await _admin.AdminAsync(RbacOps.AuthorizedTargets, "authorizedTargets", new { @namespace = "default", resourceType = "DATA", resource = "doc", targetType = "ROLE" });
        Assert.Equal("r", roles["list"]![0]!["targetIdentifier"]!.GetValue<string>());
        var both = await _admin.AdminAsync(RbacOps.AuthorizedTargets, "authorizedTargets", new
        {
            @namespace = "default", resourceType = "DATA", resource = "doc", actions = new { op = "AND", list = new[] { "read", "write" } },
        });
        Assert.Equal(users[0], both["list"]![0]!["targetIdentifier"]!.GetValue<string>());
        Assert.Equal(1, both["totalCount"]!.GetValue<int>());

        // An empty action list revokes the grant.
        await _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "default", resource = "doc", resourceType = "DATA",
            opts = new[] { new { targetType = "GROUP", targetIdentifier = "g", actions = Array.Empty<string>() } },
        });
        Assert.Equal(2, (await _admin.AdminAsync(RbacOps.AuthorizedTargets, "authorizedTargets", new { @namespace = "default", resourceType = "DATA", resource = "doc" }))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task UsersReadTheirOwnAuthorizedResourcesOnly()
    {
        var (me, token) = await _admin.Client.RegisterAndLoginAsync("self@example.com");
        var others = await _admin.SeedUsersAsync(1);
        await Authorize("mine", "DATA", "USER", me, "read");

        var mine = GraphQLClient.Success(await _admin.Client.PostAsync(RbacOps.ListUserAuthorizedResources, new { id = me, @namespace = "default" }, token), "user");
        var theirs = await _admin.Client.PostAsync(RbacOps.ListUserAuthorizedResources, new { id = others[0] }, token);

        Assert.Equal(["mine"], RbacClient.Codes(mine["authorizedResources"]!["list"]!));
        Assert.Equal(403, GraphQLClient.ErrorCode(theirs));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.IsActionAllowed, new { userId = me, resource = "mine", action = "read" }, token)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.Allow, new { userId = me, resource = "x", action = "y" }, token)));
    }

    [Fact]
    public async Task GrantsToUnknownTargetsAreRefused()
    {
        Assert.Equal(2004, await _admin.AdminErrorAsync(RbacOps.Allow, new { userId = "5f00000000000000000000ff", resource = "x", action = "y" }));
        Assert.Equal(2520, await _admin.AdminErrorAsync(RbacOps.Allow, new { roleCode = "nope", resource = "x", action = "y" }));
        Assert.Equal(2531, await _admin.AdminErrorAsync(RbacOps.AuthorizeResource, new
        {
            resource = "x", resourceType = "DATA", opts = new[] { new { targetType = "ORG", targetIdentifier = "nope", actions = new[] { "a" } } },
        }));
    }
}
