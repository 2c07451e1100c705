using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>Grants on resources (authorizeResource, allow) and the questions about them (isActionAllowed, authorizedTargets).</summary>
public sealed class PermissionService(GenAuthDbContext db, CallerContext caller, PermissionEvaluator evaluator, TimeProvider clock)
{
    /// <summary>Sets, per target, the actions it may perform on the resource; an empty action list revokes the grant.</summary>
    public async Task AuthorizeAsync(string? ns, string resource, ResourceType? type, IReadOnlyList<AuthorizeOpt> opts, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(resource))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "resource is required");
        var resourceType = type ?? await DeclaredTypeAsync(ns, resource, ct);
        // Conditions are evaluated now: a malformed one is refused before anything is written.
        foreach (var opt in opts)
            Conditions.Parse(opt.Conditions);
        foreach (var opt in opts)
        {
            var targetId = await ResolveTargetAsync(ns, opt.TargetType, opt.TargetIdentifier, ct);
            var actions = (opt.Actions ?? []).Where(a => !string.IsNullOrEmpty(a)).Distinct().ToList();
            if (actions.Count == 0)
            {
                await db.Permissions.Where(p => p.Namespace == ns && p.Resource == resource && p.TargetType == opt.TargetType
                                                && p.TargetId == targetId).ExecuteDeleteAsync(ct);
                continue;
            }
            await UpsertAsync(ns, resource, resourceType, opt.TargetType, targetId, p =>
            {
                p.Actions = actions;
                p.Conditions = opt.Conditions;
            }, ct);
        }
    }

    /// <summary>Adds one action on a resource (a code or a pattern such as "books:*") to users and/or roles.</summary>
    public async Task AllowAsync(string? ns, string resource, string action, IReadOnlyCollection<string> userIds,
        IReadOnlyCollection<string> roleCodes, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(resource) || string.IsNullOrWhiteSpace(action))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "resource and action are required");
        var targets = new List<(PermissionTargetType, string)>();
        targets.AddRange((await Members.RequireUsersAsync(db, userIds, ct)).Select(id => (PermissionTargetType.User, id)));
        foreach (var code in roleCodes.Where(c => !string.IsNullOrEmpty(c)).Distinct())
            targets.Add((PermissionTargetType.Role, await ResolveTargetAsync(ns, PermissionTargetType.Role, code, ct)));
        if (targets.Count == 0)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "userId, userIds, roleCode or roleCodes is required");
        var type = await DeclaredTypeAsync(ns, resource, ct);
        foreach (var (targetType, targetId) in targets)
            await UpsertAsync(ns, resource, type, targetType, targetId, p =>
            {
                if (!p.Actions.Contains(action))
                    p.Actions = [.. p.Actions, action];
            }, ct);
    }

    /// <summary>True when the user, through any grant it holds or inherits, may perform the action on the resource.</summary>
    public async Task<bool> IsAllowedAsync(string resource, string action, string userId, string? ns, CancellationToken ct)
    {
        caller.RequireAdmin();
        var rules = await evaluator.RulesForUserAsync(userId, Role.Ns(ns), ct);
        return rules.IsAllowed(resource, action);
    }

    /// <summary>One item of acl.authorizeResources / revokeResources: targets of one type and the resources they get or lose.</summary>
    public sealed record BatchGrant(PermissionTargetType TargetType, IReadOnlyList<string> TargetIdentifiers, IReadOnlyList<BatchResource> Resources);

    public sealed record BatchResource(string Code, IReadOnlyList<string>? Actions, ResourceType? Type);

    /// <summary>At most this many (target × resource) grants in one authorizeResources / revokeResources call.</summary>
    public const int MaxBatchGrants = 1000;

    /// <summary>
    /// acl.authorizeResources (grant: each target gets the listed actions, added to what it has) and revokeResources
    /// (the listed actions are taken away; no actions listed = the whole grant), all or nothing.
    /// </summary>
    public async Task ChangeManyAsync(string? ns, IReadOnlyList<BatchGrant> items, bool grant, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (items.Sum(i => (long)i.TargetIdentifiers.Count * i.Resources.Count) > MaxBatchGrants)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxBatchGrants} grants in one call");
        if (items.SelectMany(i => i.Resources).Any(r => string.IsNullOrWhiteSpace(r.Code)))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "every resource needs a code");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var item in items)
        foreach (var identifier in item.TargetIdentifiers)
        {
            var targetId = await ResolveTargetAsync(ns, item.TargetType, identifier, ct);
            foreach (var r in item.Resources)
            {
                var actions = (r.Actions ?? []).Where(a => !string.IsNullOrEmpty(a)).Distinct().ToList();
                if (grant)
                {
                    if (actions.Count == 0)
                        throw new GenAuthException(ErrorCodes.BadRequest, detail: "actions are required");
                    var type = r.Type ?? await DeclaredTypeAsync(ns, r.Code, ct);
                    await UpsertAsync(ns, r.Code, type, item.TargetType, targetId, p => p.Actions = p.Actions.Union(actions).ToList(), ct);
                    continue;
                }
                var existing = await db.Permissions.FirstOrDefaultAsync(p => p.Namespace == ns && p.Resource == r.Code
                                                                              && p.TargetType == item.TargetType && p.TargetId == targetId, ct);
                if (existing is null)
                    continue;
                existing.Actions = actions.Count == 0 ? [] : existing.Actions.Except(actions).ToList();
                if (existing.Actions.Count == 0)
                    db.Permissions.Remove(existing);
                else
                    existing.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>acl.revokeResource: the targets lose every action on the resource.</summary>
    public async Task RevokeAsync(string? ns, string resource, IReadOnlyList<(PermissionTargetType Type, string Identifier)> targets, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(resource))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "resource is required");
        var ids = new List<(PermissionTargetType, string)>();
        foreach (var (type, identifier) in targets)
            ids.Add((type, await ResolveTargetAsync(ns, type, identifier, ct)));
        foreach (var (type, id) in ids)
            await db.Permissions.Where(p => p.Namespace == ns && p.Resource == resource && p.TargetType == type && p.TargetId == id)
                .ExecuteDeleteAsync(ct);
    }

    public async Task<Page<AuthorizedTarget>> AuthorizedTargetsAsync(string ns, ResourceType type, string resource,
        PermissionTargetType? targetType, string? op, IReadOnlyList<string>? actions, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Permissions.AsNoTracking().Where(p => p.Namespace == ns && p.Resource == resource && p.ResourceType == type);
        if (targetType is not null)
            query = query.Where(p => p.TargetType == targetType);
        var grants = await query.OrderBy(p => p.CreatedAt).ToListAsync(ct);
        if (actions is { Count: > 0 })
            grants = grants.Where(g => op == "AND" ? actions.All(g.Actions.Contains) : actions.Any(g.Actions.Contains)).ToList();
        var identifiers = await IdentifiersAsync(grants, ct);
        var list = grants.Select(g => new AuthorizedTarget(g.TargetType, identifiers.GetValueOrDefault(g.TargetId, g.TargetId), g.Actions)).ToList();
        return new Page<AuthorizedTarget>(list.Count, list);
    }

    /// <summary>acl.listAuthorizedResources(targetType, targetIdentifier, namespace, resourceType).</summary>
    public async Task<Page<AuthorizedResource>> ForTargetAsync(PermissionTargetType targetType, string identifier, string? ns,
        ResourceType? type, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var id = await ResolveTargetAsync(ns, targetType, identifier, ct);
        return targetType switch
        {
            PermissionTargetType.User => (await evaluator.ForUsersAsync([id], ns, type, ct))[id],
            PermissionTargetType.Group => await evaluator.ForGroupAsync(id, ns, type, ct),
            PermissionTargetType.Org => await evaluator.ForNodeAsync(await db.OrgNodes.Where(n => n.Id == id).Select(n => n.Path).SingleAsync(ct), ns, type, ct),
            _ => await evaluator.ForRoleAsync(await db.Roles.AsNoTracking().SingleAsync(r => r.Id == id, ct), type, ct),
        };
    }

    private async Task<ResourceType> DeclaredTypeAsync(string ns, string resource, CancellationToken ct) =>
        await db.Resources.Where(r => r.Namespace == ns && r.Code == resource).Select(r => (ResourceType?)r.Type).FirstOrDefaultAsync(ct)
        ?? ResourceType.Data;

    internal async Task<string> ResolveTargetAsync(string ns, PermissionTargetType type, string identifier, CancellationToken ct)
    {
        identifier ??= "";
        return type switch
        {
            PermissionTargetType.User => (await Members.RequireUsersAsync(db, [identifier], ct)).Single(),
            PermissionTargetType.Group => (await GroupCodes.IdsAsync(db, [identifier], ct)).Single(),
            PermissionTargetType.Org => (await NodeCodes.IdsAsync(db, [identifier], ct)).Single(),
            _ => await db.Roles.Where(r => r.Namespace == ns && r.Code == identifier).Select(r => r.Id).FirstOrDefaultAsync(ct)
                 ?? throw new GenAuthException(ErrorCodes.RoleNotFound, detail: identifier),
        };
    }

    private async Task UpsertAsync(string ns, string resource, ResourceType type, PermissionTargetType targetType, string targetId,
        Action<Permission> change, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var grant = await db.Permissions.FirstOrDefaultAsync(p => p.Namespace == ns && p.Resource == resource
                                                                  && p.TargetType == targetType && p.TargetId == targetId, ct);
        if (grant is null)
        {
            grant = new Permission
            {
                Id = Ids.New(clock), UserPoolId = caller.RequirePool().Id, Namespace = ns, Resource = resource,
                TargetType = targetType, TargetId = targetId, CreatedAt = now,
            };
            db.Permissions.Add(grant);
        }
        grant.ResourceType = type;
        grant.UpdatedAt = now;
        change(grant);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Role and group codes for their ids (users and nodes are named by id).</summary>
    private Task<Dictionary<string, string>> IdentifiersAsync(List<Permission> grants, CancellationToken ct) =>
        IdentifiersAsync(grants.Select(g => (g.TargetType, g.TargetId)), ct);

    internal async Task<Dictionary<string, string>> IdentifiersAsync(IEnumerable<(PermissionTargetType Type, string Id)> targets, CancellationToken ct)
    {
        var all = targets.ToList();
        var roleIds = all.Where(g => g.Type == PermissionTargetType.Role).Select(g => g.Id).ToList();
        var groupIds = all.Where(g => g.Type == PermissionTargetType.Group).Select(g => g.Id).ToList();
        var map = await db.Roles.Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Code, ct);
        foreach (var (id, code) in await db.Groups.Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Code, ct))
            map[id] = code;
        return map;
    }
}
