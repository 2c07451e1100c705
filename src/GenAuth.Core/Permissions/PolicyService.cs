using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>What createPolicy/updatePolicy send as one statement (effect and conditions checked here).</summary>
public sealed record StatementInput(string? Resource, IReadOnlyList<string>? Actions, string? Effect, IReadOnlyList<PolicyCondition>? Condition);

/// <summary>A policy with how many assignments it has (createPolicy's assignmentsCount).</summary>
public sealed record PolicyView(Policy Policy, int AssignmentsCount);

/// <summary>One assignment as policyAssignments lists it: the policy code and the target (role/group code, user/node id).</summary>
public sealed record PolicyAssignmentView(string Code, PermissionTargetType TargetType, string TargetIdentifier, bool Enabled, bool InheritByChildren,
    string Namespace);

/// <summary>GenAuth's policies (PoliciesManagementClient): statements of ALLOW/DENY rules assigned to users, roles, groups and org nodes.</summary>
public sealed class PolicyService(GenAuthDbContext db, CallerContext caller, PermissionService permissions, TimeProvider clock)
{
    public const int MaxStatements = 100;
    public const int MaxActionsPerStatement = 100;
    public const int MaxBatch = 200;

    public async Task<Page<PolicyView>> ListAsync(string? ns, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Policies.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(ns))
            query = query.Where(p => p.Namespace == ns);
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await query.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<PolicyView>(total, await WithCountsAsync(list, ct));
    }

    public async Task<PolicyView> GetAsync(string? ns, string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        var policy = await FindAsync(Role.Ns(ns), code, tracked: false, ct);
        return (await WithCountsAsync([policy], ct))[0];
    }

    public async Task<PolicyView> CreateAsync(string? ns, string code, string? description, IReadOnlyList<StatementInput>? statements, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(code) || code.Length > 128)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "code is required (at most 128 characters)");
        var clean = Clean(statements ?? []);
        if (await db.Policies.AnyAsync(p => p.Namespace == ns && p.Code == code, ct))
            throw new GenAuthException(ErrorCodes.PolicyCodeExists);
        var now = clock.GetUtcNow().UtcDateTime;
        var policy = new Policy
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Namespace = ns, Code = code, Description = description, Statements = clean,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Policies.Add(policy);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new GenAuthException(ErrorCodes.PolicyCodeExists);
        }
        return new PolicyView(policy, 0);
    }

    public async Task<PolicyView> UpdateAsync(string? ns, string code, string? description, IReadOnlyList<StatementInput>? statements, string? newCode,
        CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var policy = await FindAsync(ns, code, tracked: true, ct);
        if (statements is not null)
            policy.Statements = Clean(statements);
        if (description is not null)
            policy.Description = description;
        if (!string.IsNullOrWhiteSpace(newCode) && newCode != code)
        {
            if (newCode.Length > 128)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "code is at most 128 characters");
            if (await db.Policies.AnyAsync(p => p.Namespace == ns && p.Code == newCode, ct))
                throw new GenAuthException(ErrorCodes.PolicyCodeExists);
            policy.Code = newCode;
        }
        policy.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new GenAuthException(ErrorCodes.PolicyCodeExists);
        }
        return (await WithCountsAsync([policy], ct))[0];
    }

    /// <summary>Deletes policies and their assignments; one missing code deletes nothing (2545).</summary>
    public async Task DeleteAsync(string? ns, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var wanted = codes.Distinct().ToList();
        if (wanted.Count is 0 or > MaxBatch)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxBatch} codes");
        var ids = await db.Policies.Where(p => p.Namespace == ns && wanted.Contains(p.Code)).Select(p => p.Id).ToListAsync(ct);
        if (ids.Count != wanted.Count)
            throw new GenAuthException(ErrorCodes.PolicyNotFound);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.PolicyAssignments.Where(a => ids.Contains(a.PolicyId)).ExecuteDeleteAsync(ct);
        await db.Policies.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>policyAssignments: by policy code and/or target.</summary>
    public async Task<Page<PolicyAssignmentView>> AssignmentsAsync(string? ns, string? code, PermissionTargetType? targetType, string? targetIdentifier,
        int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = from a in db.PolicyAssignments.AsNoTracking()
                    join p in db.Policies on a.PolicyId equals p.Id
                    select new { a, p.Code };
        if (!string.IsNullOrWhiteSpace(ns))
            query = query.Where(x => x.a.Namespace == ns);
        if (!string.IsNullOrEmpty(code))
            query = query.Where(x => x.Code == code);
        if (targetType is { } tt)
        {
            query = query.Where(x => x.a.TargetType == tt);
            if (!string.IsNullOrEmpty(targetIdentifier))
            {
                var ids = await CandidateIdsAsync(ns, tt, targetIdentifier, ct);
                query = query.Where(x => ids.Contains(x.a.TargetId));
            }
        }
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(x => x.a.CreatedAt).ThenBy(x => x.a.Id).Skip(skip).Take(take).ToListAsync(ct);
        var names = await permissions.IdentifiersAsync(rows.Select(r => (r.a.TargetType, r.a.TargetId)), ct);
        return new Page<PolicyAssignmentView>(total, rows.Select(r => new PolicyAssignmentView(r.Code, r.a.TargetType,
            names.GetValueOrDefault(r.a.TargetId, r.a.TargetId), r.a.Enabled, r.a.InheritByChildren, r.a.Namespace)).ToList());
    }

    /// <summary>Gives each policy to each target (idempotent: an existing assignment is kept, its inheritByChildren updated).</summary>
    public async Task AddAssignmentsAsync(string? ns, IReadOnlyCollection<string> policies, PermissionTargetType targetType,
        IReadOnlyCollection<string> targetIdentifiers, bool inheritByChildren, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        ns = Role.Ns(ns);
        (var policyIds, targetType, var targetIds) = await ResolveAsync(ns, policies, targetType, targetIdentifiers, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.PolicyAssignments.Where(a => policyIds.Contains(a.PolicyId) && a.TargetType == targetType && targetIds.Contains(a.TargetId))
            .ToListAsync(ct);
        foreach (var policyId in policyIds)
        foreach (var targetId in targetIds)
        {
            var found = existing.FirstOrDefault(a => a.PolicyId == policyId && a.TargetId == targetId);
            if (found is not null)
            {
                found.InheritByChildren = inheritByChildren;
                continue;
            }
            db.PolicyAssignments.Add(new PolicyAssignment
            {
                Id = Ids.New(clock), UserPoolId = pool.Id, Namespace = ns, PolicyId = policyId, TargetType = targetType, TargetId = targetId,
                InheritByChildren = inheritByChildren, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task RemoveAssignmentsAsync(string? ns, IReadOnlyCollection<string> policies, PermissionTargetType targetType,
        IReadOnlyCollection<string> targetIdentifiers, CancellationToken ct)
    {
        caller.RequireAdmin();
        (var policyIds, targetType, var targetIds) = await ResolveAsync(Role.Ns(ns), policies, targetType, targetIdentifiers, ct);
        await db.PolicyAssignments.Where(a => policyIds.Contains(a.PolicyId) && a.TargetType == targetType && targetIds.Contains(a.TargetId))
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>enablePolicyAssignment / disbalePolicyAssignment: a disabled assignment stays listed but takes no part.</summary>
    public async Task SetEnabledAsync(string? ns, string policy, PermissionTargetType targetType, string targetIdentifier, bool enabled,
        CancellationToken ct)
    {
        caller.RequireAdmin();
        (var policyIds, targetType, var targetIds) = await ResolveAsync(Role.Ns(ns), [policy], targetType, [targetIdentifier], ct);
        var changed = await db.PolicyAssignments.Where(a => policyIds.Contains(a.PolicyId) && a.TargetType == targetType && targetIds.Contains(a.TargetId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, enabled), ct);
        if (changed == 0)
            throw new GenAuthException(ErrorCodes.PolicyAssignmentNotFound);
    }

    private async Task<(List<string> PolicyIds, PermissionTargetType TargetType, List<string> TargetIds)> ResolveAsync(string ns, IReadOnlyCollection<string> policies,
        PermissionTargetType targetType, IReadOnlyCollection<string> targetIdentifiers, CancellationToken ct)
    {
        var codes = policies.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        var identifiers = targetIdentifiers.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        if (codes.Count is 0 or > MaxBatch || identifiers.Count is 0 or > MaxBatch)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxBatch} policies and 1 to {MaxBatch} targetIdentifiers");
        var policyIds = await db.Policies.Where(p => p.Namespace == ns && codes.Contains(p.Code)).Select(p => p.Id).ToListAsync(ct);
        if (policyIds.Count != codes.Count)
            throw new GenAuthException(ErrorCodes.PolicyNotFound);
        // The SDK's roles.addPolicies/removePolicies send the role code with targetType USER (a bug of authing-js-sdk
        // 4.x): USER identifiers that name no user but role codes of the namespace mean those roles.
        if (targetType == PermissionTargetType.User && !await db.Users.AnyAsync(u => identifiers.Contains(u.Id), ct)
            && await db.Roles.CountAsync(r => r.Namespace == ns && identifiers.Contains(r.Code), ct) == identifiers.Count)
            targetType = PermissionTargetType.Role;
        var targetIds = new List<string>();
        foreach (var identifier in identifiers)
            targetIds.Add(await permissions.ResolveTargetAsync(ns, targetType, identifier, ct));
        return (policyIds, targetType, targetIds);
    }

    /// <summary>The ids a listing filter may mean: the target's id; for a role code, that role in any namespace when none is given.</summary>
    private async Task<List<string>> CandidateIdsAsync(string? ns, PermissionTargetType type, string identifier, CancellationToken ct)
    {
        if (type == PermissionTargetType.Role)
        {
            var roles = db.Roles.Where(r => r.Code == identifier);
            if (!string.IsNullOrWhiteSpace(ns))
                roles = roles.Where(r => r.Namespace == ns);
            return await roles.Select(r => r.Id).ToListAsync(ct);
        }
        if (type == PermissionTargetType.Group)
            return await db.Groups.Where(g => g.Code == identifier).Select(g => g.Id).ToListAsync(ct);
        return [identifier];
    }

    private async Task<List<PolicyView>> WithCountsAsync(List<Policy> policies, CancellationToken ct)
    {
        var ids = policies.Select(p => p.Id).ToList();
        var counts = await db.PolicyAssignments.Where(a => ids.Contains(a.PolicyId)).GroupBy(a => a.PolicyId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return policies.Select(p => new PolicyView(p, counts.GetValueOrDefault(p.Id))).ToList();
    }

    private async Task<Policy> FindAsync(string ns, string code, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.Policies : db.Policies.AsNoTracking();
        return await query.FirstOrDefaultAsync(p => p.Namespace == ns && p.Code == code, ct)
               ?? throw new GenAuthException(ErrorCodes.PolicyNotFound);
    }

    private static List<PolicyStatement> Clean(IReadOnlyList<StatementInput> statements)
    {
        if (statements.Count > MaxStatements)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxStatements} statements");
        var result = new List<PolicyStatement>();
        foreach (var s in statements)
        {
            if (string.IsNullOrWhiteSpace(s.Resource))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "every statement needs a resource");
            var actions = (s.Actions ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToList();
            if (actions.Count is 0 or > MaxActionsPerStatement)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"every statement needs 1 to {MaxActionsPerStatement} actions");
            var effect = (s.Effect ?? "ALLOW").ToUpperInvariant() switch
            {
                "ALLOW" => PolicyEffect.Allow,
                "DENY" => PolicyEffect.Deny,
                _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "effect must be ALLOW or DENY"),
            };
            var conditions = (s.Condition ?? []).Select(c => new PolicyCondition { Param = c.Param ?? "", Operator = c.Operator ?? "", Value = c.Value ?? "" }).ToList();
            Conditions.Validate(conditions);
            result.Add(new PolicyStatement { Resource = s.Resource, Actions = actions, Effect = effect, Condition = conditions });
        }
        return result;
    }
}
