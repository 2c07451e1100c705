using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>
/// What subjects may do in a namespace, including what they inherit: a user from its roles, groups and org nodes
/// (and every ancestor of those nodes); roles from their parent roles; groups and nodes from their roles.
/// Batched: a set of users costs a fixed number of queries whatever its size (QUALITY P5).
/// </summary>
public sealed class PermissionEvaluator(GenAuthDbContext db)
{
    /// <summary>The subjects whose grants apply to one principal.</summary>
    private sealed class Principal
    {
        public HashSet<string> Users { get; } = [];
        public HashSet<string> Groups { get; } = [];
        public HashSet<string> Nodes { get; } = [];
        public HashSet<string> Roles { get; } = [];
    }

    public async Task<IDictionary<string, Page<AuthorizedResource>>> ForUsersAsync(IReadOnlyCollection<string> userIds, string ns,
        ResourceType? type, CancellationToken ct)
    {
        var principals = userIds.Distinct().ToDictionary(id => id, id => { var p = new Principal(); p.Users.Add(id); return p; });
        var ids = principals.Keys.ToList();
        foreach (var m in await db.GroupMembers.Where(m => ids.Contains(m.UserId)).Select(m => new { m.UserId, m.GroupId }).ToListAsync(ct))
            principals[m.UserId].Groups.Add(m.GroupId);
        var nodeRows = await (from m in db.NodeMembers
                              join n in db.OrgNodes on m.NodeId equals n.Id
                              where ids.Contains(m.UserId)
                              select new { m.UserId, n.Path }).ToListAsync(ct);
        foreach (var m in nodeRows)
            principals[m.UserId].Nodes.UnionWith(m.Path.Split('/'));
        await AddRolesAsync(principals.Values, ns, ct);
        return await EvaluateAsync(principals, ns, type, ct);
    }

    public async Task<Page<AuthorizedResource>> ForGroupAsync(string groupId, string ns, ResourceType? type, CancellationToken ct)
    {
        var p = new Principal();
        p.Groups.Add(groupId);
        return await ForOneAsync(p, ns, type, ct);
    }

    public async Task<Page<AuthorizedResource>> ForNodeAsync(string nodePath, string ns, ResourceType? type, CancellationToken ct)
    {
        var p = new Principal();
        p.Nodes.UnionWith(nodePath.Split('/'));
        return await ForOneAsync(p, ns, type, ct);
    }

    public async Task<Page<AuthorizedResource>> ForRoleAsync(Role role, ResourceType? type, CancellationToken ct)
    {
        var p = new Principal();
        p.Roles.Add(role.Id);
        await ExpandParentsAsync([p], new Dictionary<string, string?> { [role.Id] = role.ParentId }, ct);
        return await ForOneAsync(p, role.Namespace, type, ct, rolesDone: true);
    }

    private async Task<Page<AuthorizedResource>> ForOneAsync(Principal p, string ns, ResourceType? type, CancellationToken ct, bool rolesDone = false)
    {
        if (!rolesDone)
            await AddRolesAsync([p], ns, ct);
        var result = await EvaluateAsync(new Dictionary<string, Principal> { [""] = p }, ns, type, ct);
        return result[""];
    }

    /// <summary>Adds the roles of the namespace assigned to each principal's users, groups and nodes, then their ancestors.</summary>
    private async Task AddRolesAsync(ICollection<Principal> principals, string ns, CancellationToken ct)
    {
        var users = principals.SelectMany(p => p.Users).Distinct().ToList();
        var groups = principals.SelectMany(p => p.Groups).Distinct().ToList();
        var nodes = principals.SelectMany(p => p.Nodes).Distinct().ToList();
        var rows = await (from a in db.RoleAssignments
                          join r in db.Roles on a.RoleId equals r.Id
                          where r.Namespace == ns
                                && ((a.TargetType == RoleTargetType.User && users.Contains(a.TargetId))
                                    || (a.TargetType == RoleTargetType.Group && groups.Contains(a.TargetId))
                                    || (a.TargetType == RoleTargetType.Node && nodes.Contains(a.TargetId)))
                          select new { a.TargetType, a.TargetId, r.Id, r.ParentId }).ToListAsync(ct);
        foreach (var p in principals)
        foreach (var row in rows)
        {
            var holds = row.TargetType switch
            {
                RoleTargetType.User => p.Users.Contains(row.TargetId),
                RoleTargetType.Group => p.Groups.Contains(row.TargetId),
                _ => p.Nodes.Contains(row.TargetId),
            };
            if (holds)
                p.Roles.Add(row.Id);
        }
        var parents = new Dictionary<string, string?>();
        foreach (var row in rows)
            parents[row.Id] = row.ParentId;
        await ExpandParentsAsync(principals, parents, ct);
    }

    /// <summary>Adds every ancestor role; one query per level of the role hierarchy, not per principal.</summary>
    private async Task ExpandParentsAsync(ICollection<Principal> principals, Dictionary<string, string?> parents, CancellationToken ct)
    {
        while (true)
        {
            var missing = parents.Values.Where(id => id is not null && !parents.ContainsKey(id)).Select(id => id!).Distinct().ToList();
            if (missing.Count == 0)
                break;
            foreach (var r in await db.Roles.Where(r => missing.Contains(r.Id)).Select(r => new { r.Id, r.ParentId }).ToListAsync(ct))
                parents[r.Id] = r.ParentId;
            foreach (var id in missing.Where(id => !parents.ContainsKey(id)))
                parents[id] = null;
        }
        foreach (var p in principals)
        {
            foreach (var roleId in p.Roles.ToList())
            {
                var seen = new HashSet<string>();
                for (var cur = parents.GetValueOrDefault(roleId); cur is not null && seen.Add(cur); cur = parents.GetValueOrDefault(cur))
                    p.Roles.Add(cur);
            }
        }
    }

    private async Task<IDictionary<string, Page<AuthorizedResource>>> EvaluateAsync(IDictionary<string, Principal> principals, string ns,
        ResourceType? type, CancellationToken ct)
    {
        var users = principals.Values.SelectMany(p => p.Users).Distinct().ToList();
        var groups = principals.Values.SelectMany(p => p.Groups).Distinct().ToList();
        var nodes = principals.Values.SelectMany(p => p.Nodes).Distinct().ToList();
        var roles = principals.Values.SelectMany(p => p.Roles).Distinct().ToList();
        var query = db.Permissions.AsNoTracking().Where(p => p.Namespace == ns
            && ((p.TargetType == PermissionTargetType.User && users.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Group && groups.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Org && nodes.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Role && roles.Contains(p.TargetId))));
        if (type is not null)
            query = query.Where(p => p.ResourceType == type);
        var grants = await query.ToListAsync(ct);
        var codes = grants.Select(g => g.Resource).Distinct().ToList();
        var apis = codes.Count == 0
            ? new Dictionary<string, string?>()
            : await db.Resources.Where(r => r.Namespace == ns && codes.Contains(r.Code)).ToDictionaryAsync(r => r.Code, r => r.ApiIdentifier, ct);

        var result = new Dictionary<string, Page<AuthorizedResource>>();
        foreach (var (key, p) in principals)
        {
            var list = grants.Where(g => g.TargetType switch
                {
                    PermissionTargetType.User => p.Users.Contains(g.TargetId),
                    PermissionTargetType.Group => p.Groups.Contains(g.TargetId),
                    PermissionTargetType.Org => p.Nodes.Contains(g.TargetId),
                    _ => p.Roles.Contains(g.TargetId),
                })
                .GroupBy(g => g.Resource)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new AuthorizedResource(g.Key, g.First().ResourceType,
                    g.SelectMany(x => x.Actions).Distinct().ToList(), apis.GetValueOrDefault(g.Key)))
                .ToList();
            result[key] = new Page<AuthorizedResource>(list.Count, list);
        }
        return result;
    }
}
