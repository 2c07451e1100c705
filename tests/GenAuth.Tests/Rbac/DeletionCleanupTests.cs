using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Rbac;

/// <summary>
/// Deleting a group, an org node or a role removes the role assignments and permission grants that name it. Groups,
/// Orgs and Roles don't know those tables: Roles and Permissions clean up through deletion hooks, so these tests fail
/// when a hook is missing.
/// </summary>
public sealed class DeletionCleanupTests : IAsyncLifetime
{
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task Authorize(string resource, string targetType, string target) =>
        _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "default", resource, resourceType = "DATA",
            opts = new[] { new { targetType, targetIdentifier = target, actions = new[] { "read" } } },
        });

    private Task<List<(RoleTargetType Type, string Id)>> AssignmentsAsync() =>
        _app.QueryDbAsync(async db => (await db.RoleAssignments.AsNoTracking().Select(a => new { a.TargetType, a.TargetId }).ToListAsync())
            .Select(a => (a.TargetType, a.TargetId)).ToList());

    private Task<List<(PermissionTargetType Type, string Id)>> GrantsAsync() =>
        _app.QueryDbAsync(async db => (await db.Permissions.AsNoTracking().Select(p => new { p.TargetType, p.TargetId }).ToListAsync())
            .Select(p => (p.TargetType, p.TargetId)).ToList());

    private async Task<(string User, string GroupId, string NodeId, string OrgId)> SeedAsync()
    {
        var user = (await _admin.SeedUsersAsync(1))[0];
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "held" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "team", name = "Team" });
        var org = await _admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Corp", code = "corp" });
        var orgId = org["id"]!.GetValue<string>();
        var node = await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId, name = "R&D", code = "rnd" });
        var nodeId = node["id"]!.GetValue<string>();
        await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new
        {
            roleCode = "held", userIds = new[] { user }, groupCodes = new[] { "team" }, nodeCodes = new[] { "rnd" },
        });
        await Authorize("for-user", "USER", user);
        await Authorize("for-role", "ROLE", "held");
        await Authorize("for-group", "GROUP", "team");
        await Authorize("for-node", "ORG", nodeId);
        var groupId = await _app.QueryDbAsync(db => db.Groups.Where(g => g.Code == "team").Select(g => g.Id).SingleAsync());
        return (user, groupId, nodeId, orgId);
    }

    [Fact]
    public async Task DeletingAGroupRemovesItsRoleAssignmentsAndGrantsOnly()
    {
        var s = await SeedAsync();
        Assert.Contains((RoleTargetType.Group, s.GroupId), await AssignmentsAsync());
        Assert.Contains((PermissionTargetType.Group, s.GroupId), await GrantsAsync());

        await _admin.AdminAsync(RbacOps.DeleteGroups, "deleteGroups", new { codeList = new[] { "team" } });

        var assignments = await AssignmentsAsync();
        Assert.DoesNotContain(assignments, a => a.Type == RoleTargetType.Group);
        Assert.Contains((RoleTargetType.User, s.User), assignments);
        Assert.Contains((RoleTargetType.Node, s.NodeId), assignments);
        var grants = await GrantsAsync();
        Assert.DoesNotContain(grants, g => g.Type == PermissionTargetType.Group);
        Assert.Equal(3, grants.Count);
    }

    [Fact]
    public async Task DeletingANodeRemovesItsRoleAssignmentsAndGrantsOnly()
    {
        var s = await SeedAsync();
        Assert.Contains((RoleTargetType.Node, s.NodeId), await AssignmentsAsync());
        Assert.Contains((PermissionTargetType.Org, s.NodeId), await GrantsAsync());

        await _admin.AdminAsync(OrgOps.DeleteNode, "deleteNode", new { orgId = s.OrgId, nodeId = s.NodeId });

        var assignments = await AssignmentsAsync();
        Assert.DoesNotContain(assignments, a => a.Type == RoleTargetType.Node);
        Assert.Equal(2, assignments.Count);
        var grants = await GrantsAsync();
        Assert.DoesNotContain(grants, g => g.Type == PermissionTargetType.Org);
        Assert.Equal(3, grants.Count);
    }

    [Fact]
    public async Task DeletingAnOrgRemovesTheRoleAssignmentsAndGrantsOfItsNodes()
    {
        var s = await SeedAsync();

        await _admin.AdminAsync(OrgOps.DeleteOrg, "deleteOrg", new { id = s.OrgId });

        var assignments = await AssignmentsAsync();
        Assert.DoesNotContain(assignments, a => a.Type == RoleTargetType.Node);
        Assert.Equal(2, assignments.Count);
        var grants = await GrantsAsync();
        Assert.DoesNotContain(grants, g => g.Type == PermissionTargetType.Org);
        Assert.Equal(3, grants.Count);
    }

    [Fact]
    public async Task DeletingARoleRemovesItsGrantsAndAssignmentsOnly()
    {
        var s = await SeedAsync();
        var roleId = await _app.QueryDbAsync(db => db.Roles.Where(r => r.Code == "held").Select(r => r.Id).SingleAsync());
        Assert.Contains((PermissionTargetType.Role, roleId), await GrantsAsync());

        await _admin.AdminAsync(RbacOps.DeleteRole, "deleteRole", new { code = "held" });

        Assert.Empty(await AssignmentsAsync());
        var grants = await GrantsAsync();
        Assert.DoesNotContain(grants, g => g.Type == PermissionTargetType.Role);
        Assert.Contains((PermissionTargetType.User, s.User), grants);
        Assert.Contains((PermissionTargetType.Group, s.GroupId), grants);
        Assert.Contains((PermissionTargetType.Org, s.NodeId), grants);
    }
}
