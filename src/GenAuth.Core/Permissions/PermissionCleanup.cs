using GenAuth.Core.Data;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>Removes the permissions and policy assignments of groups, org nodes and roles being deleted.</summary>
public sealed class PermissionCleanup : IGroupDeletionHook, INodeDeletionHook, IRoleDeletionHook
{
    public Task OnDeletingGroupsAsync(GenAuthDbContext db, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        DeleteAsync(db, PermissionTargetType.Group, groupIds, ct);

    public Task OnDeletingNodesAsync(GenAuthDbContext db, IReadOnlyCollection<string> nodeIds, CancellationToken ct) =>
        DeleteAsync(db, PermissionTargetType.Org, nodeIds, ct);

    public Task OnDeletingRolesAsync(GenAuthDbContext db, IReadOnlyCollection<string> roleIds, CancellationToken ct) =>
        DeleteAsync(db, PermissionTargetType.Role, roleIds, ct);

    private static async Task DeleteAsync(GenAuthDbContext db, PermissionTargetType type, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        await db.Permissions.Where(p => p.TargetType == type && ids.Contains(p.TargetId)).ExecuteDeleteAsync(ct);
        await db.PolicyAssignments.Where(p => p.TargetType == type && ids.Contains(p.TargetId)).ExecuteDeleteAsync(ct);
    }
}
