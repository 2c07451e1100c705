using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

public sealed class RoleTests : IAsyncLifetime
{
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RolesLiveInNamespacesWithParents()
    {
        var parent = await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "staff", description = "all staff" });
        var child = await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "admin", parent = "staff" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { @namespace = "billing", code = "admin" });

        Assert.Equal("default", parent["namespace"]!.GetValue<string>());
        Assert.StartsWith($"arn:cn:authing:{_app.UserPoolId}:role:", parent["arn"]!.GetValue<string>());
        Assert.Equal("staff", child["parent"]!["code"]!.GetValue<string>());
        var read = await _admin.AdminAsync(RbacOps.Role, "role", new { code = "admin" });
        Assert.Equal("staff", read["parent"]!["code"]!.GetValue<string>());
        var defaults = await _admin.AdminAsync(RbacOps.Roles, "roles", new { page = 1, limit = 10, sortBy = "CREATEDAT_ASC" });
        Assert.Equal(["staff", "admin"], RbacClient.Codes(defaults["list"]!));
        var billing = await _admin.AdminAsync(RbacOps.Roles, "roles", new { @namespace = "billing" });
        Assert.Equal(1, billing["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task DuplicateCodesAndUnknownParentsAreRefused()
    {
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "r" });

        Assert.Equal(2521, await _admin.AdminErrorAsync(RbacOps.CreateRole, new { code = "r" }));
        Assert.Equal(2520, await _admin.AdminErrorAsync(RbacOps.CreateRole, new { code = "child", parent = "missing" }));
        Assert.Equal(2520, await _admin.AdminErrorAsync(RbacOps.DeleteRole, new { code = "missing" }));
    }

    [Fact]
    public async Task RolesAreUpdatedAndDeletedWithTheirAssignments()
    {
        var users = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "old" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "kid", parent = "old" });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "old", userIds = users });

        var updated = await _admin.AdminAsync(RbacOps.UpdateRole, "updateRole", new { code = "old", newCode = "new", description = "renamed" });
        Assert.Equal("new", updated["code"]!.GetValue<string>());
        Assert.Equal("renamed", updated["description"]!.GetValue<string>());
        Assert.Equal(["new"], RbacClient.Codes((await _admin.AdminAsync(RbacOps.GetUserRoles, "user", new { id = users[0] }))["roles"]!["list"]!));

        await _admin.AdminAsync(RbacOps.DeleteRole, "deleteRole", new { code = "new" });
        Assert.Equal(0, (await _admin.AdminAsync(RbacOps.GetUserRoles, "user", new { id = users[0] }))["roles"]!["totalCount"]!.GetValue<int>());
        var kid = await _admin.AdminAsync(RbacOps.Role, "role", new { code = "kid" });
        Assert.Null(kid["parent"]);

        await _admin.AdminAsync(RbacOps.DeleteRoles, "deleteRoles", new { codeList = new[] { "kid" } });
        Assert.Equal(0, (await _admin.AdminAsync(RbacOps.Roles, "roles"))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task RolesAreAssignedToUsersGroupsAndNodesAndRevoked()
    {
        var users = await _admin.SeedUsersAsync(2);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "a" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "b" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "g", name = "G" });
        var org = await _admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Org", code = "org-root" });

        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCodes = new[] { "a", "b" }, userIds = users, groupCodes = new[] { "g" }, nodeCodes = new[] { "org-root" } });

        Assert.Equal(["a", "b"], RbacClient.Codes((await _admin.AdminAsync(RbacOps.GetUserRoles, "user", new { id = users[0] }))["roles"]!["list"]!));
        var holders = await _admin.AdminAsync(RbacOps.RoleWithUsers, "role", new { code = "a" });
        Assert.Equal(2, holders["users"]!["totalCount"]!.GetValue<int>());
        var nodeRoles = await _admin.AdminAsync("query($id: String!) { nodeById(id: $id) { roles { totalCount list { code } } } }", "nodeById",
            new { id = org["rootNode"]!["id"]!.GetValue<string>() });
        Assert.Equal(2, nodeRoles["roles"]!["totalCount"]!.GetValue<int>());

        await _admin.AdminAsync(RbacOps.RevokeRole, "revokeRole", new { roleCode = "a", userIds = new[] { users[0] } });
        Assert.Equal(["b"], RbacClient.Codes((await _admin.AdminAsync(RbacOps.GetUserRoles, "user", new { id = users[0] }))["roles"]!["list"]!));
        Assert.Equal(1, (await _admin.AdminAsync(RbacOps.RoleWithUsers, "role", new { code = "a" }))["users"]!["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task AssigningUnknownRolesOrTargetsIsRefused()
    {
        var users = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "a" });

        Assert.Equal(2520, await _admin.AdminErrorAsync(RbacOps.AssignRole, new { roleCode = "zzz", userIds = users }));
        Assert.Equal(2004, await _admin.AdminErrorAsync(RbacOps.AssignRole, new { roleCode = "a", userIds = new[] { "5f00000000000000000000ff" } }));
        Assert.Equal(2510, await _admin.AdminErrorAsync(RbacOps.AssignRole, new { roleCode = "a", groupCodes = new[] { "nope" } }));
        Assert.Equal(2531, await _admin.AdminErrorAsync(RbacOps.AssignRole, new { roleCode = "a", nodeCodes = new[] { "nope" } }));
    }

    [Fact]
    public async Task UsersListTheirOwnRolesButNotOthersAndCannotManageRoles()
    {
        var (me, token) = await _admin.Client.RegisterAndLoginAsync("me@example.com");
        var others = await _admin.SeedUsersAsync(1);
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "admin" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { @namespace = "ns2", code = "viewer" });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "admin", userIds = new[] { me } });
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { @namespace = "ns2", roleCode = "viewer", userIds = new[] { me } });

        var all = GraphQLClient.Success(await _admin.Client.PostAsync(RbacOps.GetUserRoles, new { id = me }, token), "user");
        var ns2 = GraphQLClient.Success(await _admin.Client.PostAsync(RbacOps.GetUserRoles, new { id = me, @namespace = "ns2" }, token), "user");
        var other = await _admin.Client.PostAsync(RbacOps.GetUserRoles, new { id = others[0] }, token);

        Assert.Equal(2, all["roles"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(["viewer"], RbacClient.Codes(ns2["roles"]!["list"]!));
        Assert.Equal(403, GraphQLClient.ErrorCode(other));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.Roles, token: token)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.AssignRole, new { roleCode = "admin", userIds = new[] { me } }, token)));
    }
}
