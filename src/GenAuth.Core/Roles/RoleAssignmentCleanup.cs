using GenAuth.Core.Data;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Roles;

/// <summary>Removes the role assignments of groups and org nodes being deleted.</summary>
public sealed class RoleAssignmentCleanup : IGroupDeletionHook, INodeDeletionHook
{
    public Task OnDeletingGroupsAsync(GenAuthDbContext db, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        db.RoleAssignments.Where(a => a.TargetType == RoleTargetType.Group && groupIds.Contains(a.TargetId)).ExecuteDeleteAsync(ct);

    public Task OnDeletingNodesAsync(GenAuthDbContext db, IReadOnlyCollection<string> nodeIds, CancellationToken ct) =>
        db.RoleAssignments.Where(a => a.TargetType == RoleTargetType.Node && nodeIds.Contains(a.TargetId)).ExecuteDeleteAsync(ct);
}
