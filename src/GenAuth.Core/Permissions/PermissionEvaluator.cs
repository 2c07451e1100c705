using System.Net;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Roles;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>
/// What subjects may do in a namespace, including what they inherit: a user from its roles, groups and org nodes
/// (and every ancestor of those nodes); roles from their parent roles; groups and nodes from their roles.
/// Batched: a set of users costs a fixed number of queries whatever its size (QUALITY P5).
/// Two sources of rules: grants (authorizeResource/allow: always ALLOW) and the statements of enabled policy
/// assignments (ALLOW or DENY). A rule applies when its conditions hold for the request (client IP, clock, user);
/// a DENY that applies wins over every ALLOW of the same resource and action.
/// </summary>
public sealed class PermissionEvaluator(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    /// <summary>One applicable rule: actions on a resource code or pattern.</summary>
    public sealed record Rule(string Resource, ResourceType? Type, IReadOnlyList<string> Actions);

    /// <summary>What applies to one principal: its ALLOW and DENY rules (conditions already checked).</summary>
    public sealed record Rules(List<Rule> Allow, List<Rule> Deny)
    {
        public bool IsDenied(string resource, string action) =>
            Deny.Any(d => Wildcard.Matches(d.Resource, resource) && d.Actions.Any(a => Wildcard.Matches(a, action)));

        public bool IsAllowed(string resource, string action) =>
            !IsDenied(resource, action)
            && Allow.Any(r => Wildcard.Matches(r.Resource, resource) && r.Actions.Any(a => Wildcard.Matches(a, action)));
    }

    /// <summary>The subjects whose grants apply to one principal.</summary>
    private sealed class Principal
    {
        public HashSet<string> Users { get; } = [];
        public HashSet<string> Groups { get; } = [];
        public HashSet<string> Nodes { get; } = [];

        /// <summary>The nodes the principal is a member of (or is) itself, without their ancestors.</summary>
        public HashSet<string> DirectNodes { get; } = [];

        public HashSet<string> Roles { get; } = [];
    }

    public async Task<IDictionary<string, Page<AuthorizedResource>>> ForUsersAsync(IReadOnlyCollection<string> userIds, string ns,
        ResourceType? type, CancellationToken ct)
    {
        var (principals, rules) = await UserRulesAsync(userIds, ns, ct);
        return await ToPagesAsync(principals.Keys, rules, ns, type, ct);
    }

    /// <summary>The rules that apply to one user (for isActionAllowed / isActionDenied).</summary>
    public async Task<Rules> RulesForUserAsync(string userId, string ns, CancellationToken ct) =>
        (await UserRulesAsync([userId], ns, ct)).Rules[userId];

    private async Task<(Dictionary<string, Principal> Principals, IDictionary<string, Rules> Rules)> UserRulesAsync(
        IReadOnlyCollection<string> userIds, string ns, CancellationToken ct)
    {
        var principals = userIds.Distinct().ToDictionary(id => id, id => { var p = new Principal(); p.Users.Add(id); return p; });
        var ids = principals.Keys.ToList();
        foreach (var m in await db.GroupMembers.Where(m => ids.Contains(m.UserId)).Select(m => new { m.UserId, m.GroupId }).ToListAsync(ct))
            principals[m.UserId].Groups.Add(m.GroupId);
        var nodeRows = await (from m in db.NodeMembers
                              join n in db.OrgNodes on m.NodeId equals n.Id
                              where ids.Contains(m.UserId)
                              select new { m.UserId, m.NodeId, n.Path }).ToListAsync(ct);
        foreach (var m in nodeRows)
        {
            principals[m.UserId].Nodes.UnionWith(m.Path.Split('/'));
            principals[m.UserId].DirectNodes.Add(m.NodeId);
        }
        await AddRolesAsync(principals.Values, ns, ct);
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        return (principals, await EvaluateAsync(principals, ns, users, ct));
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
        var ids = nodePath.Split('/');
        p.Nodes.UnionWith(ids);
        p.DirectNodes.Add(ids[^1]);
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
        var rules = await EvaluateAsync(new Dictionary<string, Principal> { [""] = p }, ns, new Dictionary<string, User>(), ct);
        return (await ToPagesAsync([""], rules, ns, type, ct))[""];
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

    private async Task<IDictionary<string, Rules>> EvaluateAsync(IDictionary<string, Principal> principals, string ns,
        IReadOnlyDictionary<string, User> users, CancellationToken ct)
    {
        var userIds = principals.Values.SelectMany(p => p.Users).Distinct().ToList();
        var groups = principals.Values.SelectMany(p => p.Groups).Distinct().ToList();
        var nodes = principals.Values.SelectMany(p => p.Nodes).Distinct().ToList();
        var roles = principals.Values.SelectMany(p => p.Roles).Distinct().ToList();
        var grants = await db.Permissions.AsNoTracking().Where(p => p.Namespace == ns
            && ((p.TargetType == PermissionTargetType.User && userIds.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Group && groups.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Org && nodes.Contains(p.TargetId))
                || (p.TargetType == PermissionTargetType.Role && roles.Contains(p.TargetId)))).ToListAsync(ct);
        var assigned = await (from a in db.PolicyAssignments
                              join pol in db.Policies on a.PolicyId equals pol.Id
                              where a.Namespace == ns && a.Enabled
                                    && ((a.TargetType == PermissionTargetType.User && userIds.Contains(a.TargetId))
                                        || (a.TargetType == PermissionTargetType.Group && groups.Contains(a.TargetId))
                                        || (a.TargetType == PermissionTargetType.Org && nodes.Contains(a.TargetId))
                                        || (a.TargetType == PermissionTargetType.Role && roles.Contains(a.TargetId)))
                              select new { a.TargetType, a.TargetId, a.InheritByChildren, pol.Statements }).AsNoTracking().ToListAsync(ct);
        var ip = IPAddress.TryParse(caller.Ip, out var parsed) ? parsed : null;
        var now = clock.GetUtcNow();

        var result = new Dictionary<string, Rules>();
        foreach (var (key, p) in principals)
        {
            var context = new ConditionContext(ip, now, p.Users.Count == 1 ? users.GetValueOrDefault(p.Users.First()) : null);
            var rules = new Rules([], []);
            foreach (var g in grants.Where(g => Holds(p, g.TargetType, g.TargetId, inheritByChildren: true)))
            {
                var conditions = ParseStored(g.Conditions);
                if (conditions is not null && Conditions.Hold(conditions, context, whenBroken: false))
                    rules.Allow.Add(new Rule(g.Resource, g.ResourceType, g.Actions));
            }
            foreach (var a in assigned.Where(a => Holds(p, a.TargetType, a.TargetId, a.InheritByChildren)))
            foreach (var st in a.Statements)
            {
                var deny = st.Effect == PolicyEffect.Deny;
                // A DENY whose conditions can't be evaluated still denies; a broken ALLOW allows nothing.
                if (Conditions.Hold(st.Condition, context, whenBroken: deny))
                    (deny ? rules.Deny : rules.Allow).Add(new Rule(st.Resource, null, st.Actions));
            }
            result[key] = rules;
        }
        return result;
    }

    private static bool Holds(Principal p, PermissionTargetType type, string targetId, bool inheritByChildren) => type switch
    {
        PermissionTargetType.User => p.Users.Contains(targetId),
        PermissionTargetType.Group => p.Groups.Contains(targetId),
        PermissionTargetType.Org => inheritByChildren ? p.Nodes.Contains(targetId) : p.DirectNodes.Contains(targetId),
        _ => p.Roles.Contains(targetId),
    };

    /// <summary>A grant's stored conditions; null when they don't parse (written before conditions were checked).</summary>
    private static List<PolicyCondition>? ParseStored(string? json)
    {
        try
        {
            return Conditions.Parse(json);
        }
        catch (GenAuthException)
        {
            return null;
        }
    }

    /// <summary>
    /// The resources each principal may act on: ALLOW rules grouped by resource code, minus the actions a DENY takes
    /// away (a resource left with no action is not listed). A pattern allowed ("books:*") stays listed when a DENY
    /// names one of its resources ("books:1"): isActionAllowed answers per resource.
    /// </summary>
    private async Task<IDictionary<string, Page<AuthorizedResource>>> ToPagesAsync(IEnumerable<string> keys, IDictionary<string, Rules> all,
        string ns, ResourceType? type, CancellationToken ct)
    {
        var codes = all.Values.SelectMany(r => r.Allow).Select(r => r.Resource).Distinct().ToList();
        var declared = codes.Count == 0
            ? new Dictionary<string, (ResourceType Type, string? Api)>()
            : (await db.Resources.AsNoTracking().Where(r => r.Namespace == ns && codes.Contains(r.Code))
                .Select(r => new { r.Code, r.Type, r.ApiIdentifier }).ToListAsync(ct))
                .ToDictionary(r => r.Code, r => (Type: r.Type, Api: r.ApiIdentifier));
        var result = new Dictionary<string, Page<AuthorizedResource>>();
        foreach (var key in keys)
        {
            var rules = all[key];
            var list = rules.Allow
                .GroupBy(r => r.Resource)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g =>
                {
                    var resourceType = g.Select(r => r.Type).FirstOrDefault(t => t is not null)
                                       ?? (declared.TryGetValue(g.Key, out var d) ? d.Type : ResourceType.Data);
                    var actions = g.SelectMany(r => r.Actions).Distinct().Where(a => !rules.IsDenied(g.Key, a)).ToList();
                    return new AuthorizedResource(g.Key, resourceType, actions, declared.TryGetValue(g.Key, out var dd) ? dd.Api : null);
                })
                .Where(r => r.Actions.Count > 0 && (type is null || r.Type == type))
                .ToList();
            result[key] = new Page<AuthorizedResource>(list.Count, list);
        }
        return result;
    }
}
