using GenAuth.Core.Common;
using GenAuth.Core.Groups;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Orgs;

/// <summary>A user's department: the node, whether it is the main one, when the user joined.</summary>
public sealed record UserDepartment(OrgNode Department, bool IsMainDepartment, DateTime JoinedAt);

public sealed partial class OrgService
{
    /// <summary>The node named by id, or by org id and code (addMember/removeMember accept both).</summary>
    public async Task<OrgNode> ResolveNodeAsync(string? nodeId, string? orgId, string? nodeCode, CancellationToken ct)
    {
        caller.RequireAdmin();
        OrgNode? node = !string.IsNullOrEmpty(nodeId)
            ? await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == nodeId, ct)
            : await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.OrgId == orgId && n.Code == nodeCode && nodeCode != null, ct);
        return node ?? throw new GenAuthException(ErrorCodes.NodeNotFound, detail: nodeId ?? nodeCode);
    }

    public async Task<OrgNode> AddMembersAsync(OrgNode node, IReadOnlyCollection<string> userIds, bool isLeader, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var users = await Members.RequireUsersAsync(db, userIds, ct);
        var existing = await db.NodeMembers.Where(m => m.NodeId == node.Id && users.Contains(m.UserId)).ToListAsync(ct);
        foreach (var m in existing)
            m.IsLeader |= isLeader;
        foreach (var userId in users.Except(existing.Select(m => m.UserId)))
            db.NodeMembers.Add(new NodeMember { UserPoolId = pool.Id, NodeId = node.Id, UserId = userId, IsLeader = isLeader, JoinedAt = Now });
        await db.SaveChangesAsync(ct);
        return node;
    }

    public async Task<OrgNode> RemoveMembersAsync(OrgNode node, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        caller.RequireAdmin();
        await db.NodeMembers.Where(m => m.NodeId == node.Id && userIds.Contains(m.UserId)).ExecuteDeleteAsync(ct);
        return node;
    }

    /// <summary>Moves users from one node to another; a user who was not in the source is refused.</summary>
    public async Task MoveMembersAsync(IReadOnlyCollection<string> userIds, string sourceNodeId, string targetNodeId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var source = await RequireNodeAsync(sourceNodeId, ct);
        var target = await RequireNodeAsync(targetNodeId, ct);
        var users = await Members.RequireUsersAsync(db, userIds, ct);
        var moving = await db.NodeMembers.Where(m => m.NodeId == source.Id && users.Contains(m.UserId)).ToListAsync(ct);
        if (users.Except(moving.Select(m => m.UserId)).FirstOrDefault() is { } outsider)
            throw new GenAuthException(ErrorCodes.NotANodeMember, detail: outsider);
        var already = await db.NodeMembers.Where(m => m.NodeId == target.Id && users.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
        db.NodeMembers.RemoveRange(moving);
        foreach (var m in moving.Where(m => !already.Contains(m.UserId)))
            db.NodeMembers.Add(new NodeMember { UserPoolId = pool.Id, NodeId = target.Id, UserId = m.UserId, IsMain = m.IsMain, JoinedAt = Now });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Makes one of the user's departments the main one; a null department clears it.</summary>
    public async Task SetMainDepartmentAsync(string userId, string? departmentId, CancellationToken ct)
    {
        caller.RequireAdmin();
        await Members.RequireUsersAsync(db, [userId], ct);
        var memberships = await db.NodeMembers.Where(m => m.UserId == userId).ToListAsync(ct);
        if (!string.IsNullOrEmpty(departmentId) && memberships.All(m => m.NodeId != departmentId))
            throw new GenAuthException(ErrorCodes.NotANodeMember, detail: departmentId);
        foreach (var m in memberships)
            m.IsMain = m.NodeId == departmentId;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Members of a node (and of its subtree when asked), accounts not deleted.</summary>
    public async Task<Page<User>> NodeUsersAsync(OrgNode node, int? page, int? limit, string? sortBy, bool includeChildren, CancellationToken ct)
    {
        caller.RequireAdmin();
        var prefix = node.Path + "/";
        var nodeIds = includeChildren
            ? db.OrgNodes.Where(n => n.OrgId == node.OrgId && (n.Id == node.Id || n.Path.StartsWith(prefix))).Select(n => n.Id)
            : db.OrgNodes.Where(n => n.Id == node.Id).Select(n => n.Id);
        var query = db.Users.AsNoTracking().Where(u => !u.IsDeleted && db.NodeMembers.Any(m => m.UserId == u.Id && nodeIds.Contains(m.NodeId)));
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await SortBy.Apply(query, sortBy, u => u.CreatedAt, u => u.UpdatedAt, u => u.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<User>(total, list);
    }

    /// <summary>Each user's departments (optionally in one org), in one query (for nested User.departments).</summary>
    public async Task<IDictionary<string, List<UserDepartment>>> DepartmentsOfUsersAsync(IReadOnlyCollection<string> userIds, string? orgId,
        CancellationToken ct)
    {
        var query = from m in db.NodeMembers
                    join n in db.OrgNodes on m.NodeId equals n.Id
                    where userIds.Contains(m.UserId)
                    select new { m.UserId, m.IsMain, m.JoinedAt, Node = n };
        if (!string.IsNullOrEmpty(orgId))
            query = query.Where(x => x.Node.OrgId == orgId);
        var rows = await query.AsNoTracking().OrderBy(x => x.JoinedAt).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId)
            .ToDictionary(g => g.Key, g => g.Select(r => new UserDepartment(r.Node, r.IsMain, r.JoinedAt)).ToList());
    }

    /// <summary>Nodes by id, in one query (ancestors for codePath/namePath, parents).</summary>
    public async Task<IDictionary<string, OrgNode>> NodesByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct) =>
        await db.OrgNodes.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, ct);

    /// <summary>The ids of each node's children, in one query.</summary>
    public async Task<IDictionary<string, List<string>>> ChildIdsAsync(IReadOnlyCollection<string> nodeIds, CancellationToken ct)
    {
        var rows = await db.OrgNodes.Where(n => n.ParentId != null && nodeIds.Contains(n.ParentId))
            .Select(n => new { n.ParentId, n.Id, n.Order, n.CreatedAt }).ToListAsync(ct);
        return rows.OrderBy(r => r.Order ?? int.MaxValue).ThenBy(r => r.CreatedAt).GroupBy(r => r.ParentId!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Id).ToList());
    }

    /// <summary>
    /// The signed-in user's orgs as GenAuth's listOrgs returns them: per department, the org followed by the nodes
    /// from the root down to the department.
    /// </summary>
    public Task<List<List<object>>> MyOrgPathsAsync(CancellationToken ct) => OrgPathsOfAsync(caller.RequireUserId(), ct);

    /// <summary>The SDK's users.listOrgs (admin): the same paths as <see cref="MyOrgPathsAsync"/> for a user of the pool.</summary>
    public async Task<List<List<object>>> UserOrgPathsAsync(string userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        return await OrgPathsOfAsync(userId, ct);
    }

    private async Task<List<List<object>>> OrgPathsOfAsync(string userId, CancellationToken ct)
    {
        var departments = (await DepartmentsOfUsersAsync([userId], null, ct)).TryGetValue(userId, out var mine) ? mine : [];
        var nodeIds = departments.SelectMany(d => d.Department.PathIds).Distinct().ToList();
        var nodes = await NodesByIdsAsync(nodeIds, ct);
        var orgIds = departments.Select(d => d.Department.OrgId).Distinct().ToList();
        var orgs = await db.Orgs.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var result = new List<List<object>>();
        foreach (var d in departments)
        {
            if (!orgs.TryGetValue(d.Department.OrgId, out var org))
                continue;
            var path = new List<object> { OrgJson(org) };
            path.AddRange(d.Department.PathIds.Where(nodes.ContainsKey).Select(id => NodeJson(nodes[id])));
            result.Add(path);
        }
        return result;
    }

    private static Dictionary<string, object?> OrgJson(Organization o) => new()
    {
        ["type"] = "org", ["id"] = o.Id, ["createdAt"] = IsoTime.Format(o.CreatedAt), ["updatedAt"] = IsoTime.Format(o.UpdatedAt), ["userPoolId"] = o.UserPoolId,
        ["rootNodeId"] = o.RootNodeId, ["logo"] = o.Logo, ["tenantId"] = o.TenantId,
    };

    private static Dictionary<string, object?> NodeJson(OrgNode n) => new()
    {
        ["type"] = "node", ["id"] = n.Id, ["createdAt"] = IsoTime.Format(n.CreatedAt), ["updatedAt"] = IsoTime.Format(n.UpdatedAt), ["userPoolId"] = n.UserPoolId,
        ["orgId"] = n.OrgId, ["name"] = n.Name, ["nameI18n"] = n.NameI18n, ["description"] = n.Description,
        ["descriptionI18n"] = n.DescriptionI18n, ["order"] = n.Order, ["code"] = n.Code, ["leaderUserId"] = n.LeaderUserId,
    };
}
