using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Roles;

/// <summary>Roles per namespace and who holds them. A null namespace is "default".</summary>
public sealed class RoleService(GenAuthDbContext db, CallerContext caller, IEnumerable<IRoleDeletionHook> deletionHooks, TimeProvider clock)
{
    public async Task<Role> CreateAsync(string? ns, string code, string? description, string? parentCode, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(code))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "code is required");
        if (await db.Roles.AnyAsync(r => r.Namespace == ns && r.Code == code, ct))
            throw new GenAuthException(ErrorCodes.RoleCodeExists);
        string? parentId = null;
        if (!string.IsNullOrEmpty(parentCode))
            parentId = (await RequireAsync(ns, parentCode, ct)).Id;
        var now = clock.GetUtcNow().UtcDateTime;
        var role = new Role
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Namespace = ns, Code = code, Description = description,
            ParentId = parentId, CreatedAt = now, UpdatedAt = now,
        };
        db.Roles.Add(role);
        await SaveAsync(ct);
        return role;
    }

    public async Task<Role> UpdateAsync(string? ns, string code, string? description, string? newCode, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var role = await db.Roles.FirstOrDefaultAsync(r => r.Namespace == ns && r.Code == code, ct)
                   ?? throw new GenAuthException(ErrorCodes.RoleNotFound);
        if (!string.IsNullOrEmpty(newCode) && newCode != code)
        {
            if (await db.Roles.AnyAsync(r => r.Namespace == ns && r.Code == newCode, ct))
                throw new GenAuthException(ErrorCodes.RoleCodeExists);
            role.Code = newCode;
        }
        if (description is not null)
            role.Description = description;
        role.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await SaveAsync(ct);
        return role;
    }

    /// <summary>
    /// Deletes roles with their assignments and permissions; child roles lose their parent. A code naming no role of the
    /// namespace refuses the whole call (RoleNotFound, nothing deleted).
    /// </summary>
    public async Task DeleteAsync(string? ns, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var found = await db.Roles.Where(r => r.Namespace == ns && codes.Contains(r.Code)).Select(r => new { r.Id, r.Code }).ToListAsync(ct);
        var missing = codes.FirstOrDefault(c => found.All(r => r.Code != c));
        if (missing is not null || found.Count == 0)
            throw new GenAuthException(ErrorCodes.RoleNotFound, detail: missing);
        var ids = found.Select(r => r.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var hook in deletionHooks)
            await hook.OnDeletingRolesAsync(db, ids, ct);
        await db.RoleAssignments.Where(a => ids.Contains(a.RoleId)).ExecuteDeleteAsync(ct);
        await db.Roles.Where(r => r.ParentId != null && ids.Contains(r.ParentId)).ExecuteUpdateAsync(s => s.SetProperty(r => r.ParentId, (string?)null), ct);
        await db.Roles.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<Role?> FindAsync(string? ns, string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        return await db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Namespace == ns && r.Code == code, ct);
    }

    public async Task<Role> RequireAsync(string? ns, string code, CancellationToken ct) =>
        await FindAsync(ns, code, ct) ?? throw new GenAuthException(ErrorCodes.RoleNotFound, detail: code);

    public async Task<Page<Role>> ListAsync(string? ns, int? page, int? limit, string? sortBy, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        var query = db.Roles.AsNoTracking().Where(r => r.Namespace == ns);
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await SortBy.Apply(query, sortBy, r => r.CreatedAt, r => r.UpdatedAt, r => r.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<Role>(total, list);
    }

    /// <summary>Users who hold the role directly.</summary>
    public async Task<Page<User>> UsersAsync(string roleId, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Users.AsNoTracking().Where(u => !u.IsDeleted && db.RoleAssignments.Any(a =>
            a.RoleId == roleId && a.TargetType == RoleTargetType.User && a.TargetId == u.Id));
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<User>(total, list);
    }

    /// <summary>
    /// roles/roleUsers (the SDK's roles.findUsers): holders of the role named by namespace and code, narrowed to those
    /// whose username, email, phone, nickname or name contains the search text.
    /// </summary>
    public async Task<Page<User>> FindUsersAsync(string? ns, string? code, string? search, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (string.IsNullOrEmpty(code))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "code is required");
        var role = await RequireAsync(ns, code, ct);
        var query = db.Users.AsNoTracking().Where(u => !u.IsDeleted && db.RoleAssignments.Any(a =>
            a.RoleId == role.Id && a.TargetType == RoleTargetType.User && a.TargetId == u.Id));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(u => (u.Username != null && u.Username.Contains(s)) || (u.Email != null && u.Email.Contains(s))
                || (u.Phone != null && u.Phone.Contains(s)) || (u.Nickname != null && u.Nickname.Contains(s)) || (u.Name != null && u.Name.Contains(s)));
        }
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<User>(total, list);
    }

    /// <summary>Assigns (or revokes) each named role to each named user, group (by code) and node (by code or id).</summary>
    public async Task AssignAsync(bool assign, string? ns, IReadOnlyCollection<string> roleCodes, IReadOnlyCollection<string> userIds,
        IReadOnlyCollection<string> groupCodes, IReadOnlyCollection<string> nodeCodes, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        ns = Role.Ns(ns);
        var codes = roleCodes.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        if (codes.Count == 0)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "roleCode or roleCodes is required");
        var roles = await db.Roles.Where(r => r.Namespace == ns && codes.Contains(r.Code)).Select(r => new { r.Id, r.Code }).ToListAsync(ct);
        if (codes.Except(roles.Select(r => r.Code)).FirstOrDefault() is { } missingRole)
            throw new GenAuthException(ErrorCodes.RoleNotFound, detail: missingRole);

        var targets = new List<(RoleTargetType Type, string Id)>();
        targets.AddRange((await Members.RequireUsersAsync(db, userIds, ct)).Select(id => (RoleTargetType.User, id)));
        targets.AddRange((await GroupCodes.IdsAsync(db, groupCodes, ct)).Select(id => (RoleTargetType.Group, id)));
        targets.AddRange((await NodeCodes.IdsAsync(db, nodeCodes, ct)).Select(id => (RoleTargetType.Node, id)));

        var roleIds = roles.Select(r => r.Id).ToList();
        var targetIds = targets.Select(t => t.Id).ToList();
        var existing = await db.RoleAssignments.Where(a => roleIds.Contains(a.RoleId) && targetIds.Contains(a.TargetId)).ToListAsync(ct);
        if (!assign)
        {
            db.RoleAssignments.RemoveRange(existing.Where(a => targets.Contains((a.TargetType, a.TargetId))));
            await db.SaveChangesAsync(ct);
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var roleId in roleIds)
        foreach (var (type, id) in targets)
        {
            if (existing.Any(a => a.RoleId == roleId && a.TargetType == type && a.TargetId == id))
                continue;
            db.RoleAssignments.Add(new RoleAssignment
            {
                Id = Ids.New(clock), UserPoolId = pool.Id, RoleId = roleId, TargetType = type, TargetId = id, CreatedAt = now,
            });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent assign of the same role won; the goal state holds.
        }
    }

    /// <summary>Roles held directly by each user, optionally in one namespace, in one query (for nested User.roles).</summary>
    public async Task<IDictionary<string, List<Role>>> RolesOfUsersAsync(IReadOnlyCollection<string> userIds, string? ns, CancellationToken ct)
    {
        var query = from a in db.RoleAssignments
                    join r in db.Roles on a.RoleId equals r.Id
                    where a.TargetType == RoleTargetType.User && userIds.Contains(a.TargetId)
                    select new { UserId = a.TargetId, Role = r };
        if (!string.IsNullOrEmpty(ns))
            query = query.Where(x => x.Role.Namespace == ns);
        var rows = await query.AsNoTracking().OrderBy(x => x.Role.CreatedAt).ThenBy(x => x.Role.Id).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Role).ToList());
    }

    /// <summary>Roles assigned to a target (a group or a node).</summary>
    public async Task<List<Role>> RolesOfTargetAsync(RoleTargetType type, string targetId, CancellationToken ct) =>
        await (from a in db.RoleAssignments
               join r in db.Roles on a.RoleId equals r.Id
               where a.TargetType == type && a.TargetId == targetId
               orderby r.CreatedAt, r.Id
               select r).AsNoTracking().ToListAsync(ct);

    /// <summary>Roles by id, in one query (for Role.parent).</summary>
    public async Task<IDictionary<string, Role>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct) =>
        await db.Roles.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new GenAuthException(ErrorCodes.RoleCodeExists);
        }
    }
}
