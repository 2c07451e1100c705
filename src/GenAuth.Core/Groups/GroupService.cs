using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Groups;

/// <summary>Groups and their members. Every operation needs a management token of the caller's pool.</summary>
public sealed class GroupService(GenAuthDbContext db, CallerContext caller, IEnumerable<IGroupDeletionHook> deletionHooks, TimeProvider clock)
{
    public async Task<Group> CreateAsync(string code, string name, string? description, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        Require(code, "code");
        Require(name, "name");
        if (await db.Groups.AnyAsync(g => g.Code == code, ct))
            throw new GenAuthException(ErrorCodes.GroupCodeExists);
        var now = clock.GetUtcNow().UtcDateTime;
        var group = new Group
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Code = code, Name = name, Description = description,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Groups.Add(group);
        await SaveAsync(ct);
        return group;
    }

    public async Task<Group> UpdateAsync(string code, string? name, string? description, string? newCode, CancellationToken ct)
    {
        caller.RequireAdmin();
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Code == code, ct) ?? throw new GenAuthException(ErrorCodes.GroupNotFound);
        if (!string.IsNullOrEmpty(newCode) && newCode != code)
        {
            if (await db.Groups.AnyAsync(g => g.Code == newCode, ct))
                throw new GenAuthException(ErrorCodes.GroupCodeExists);
            group.Code = newCode;
        }
        if (!string.IsNullOrEmpty(name))
            group.Name = name;
        if (description is not null)
            group.Description = description;
        group.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await SaveAsync(ct);
        return group;
    }

    /// <summary>
    /// Deletes the groups with their memberships, role assignments and permissions. A code naming no group refuses the
    /// whole call (GroupNotFound, nothing deleted): a silent success would hide a typo.
    /// </summary>
    public async Task DeleteAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        caller.RequireAdmin();
        var found = await db.Groups.Where(g => codes.Contains(g.Code)).Select(g => new { g.Id, g.Code }).ToListAsync(ct);
        var missing = codes.FirstOrDefault(c => found.All(g => g.Code != c));
        if (missing is not null || found.Count == 0)
            throw new GenAuthException(ErrorCodes.GroupNotFound, detail: missing);
        var ids = found.Select(g => g.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var hook in deletionHooks)
            await hook.OnDeletingGroupsAsync(db, ids, ct);
        await db.GroupMembers.Where(m => ids.Contains(m.GroupId)).ExecuteDeleteAsync(ct);
        await db.Groups.Where(g => ids.Contains(g.Id)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<Group?> FindAsync(string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Code == code, ct);
    }

    public async Task<Group> RequireAsync(string code, CancellationToken ct) =>
        await FindAsync(code, ct) ?? throw new GenAuthException(ErrorCodes.GroupNotFound);

    /// <summary>The pool's groups, or those of one user when userId is given.</summary>
    public async Task<Page<Group>> ListAsync(string? userId, int? page, int? limit, string? sortBy, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Groups.AsNoTracking();
        if (!string.IsNullOrEmpty(userId))
            query = query.Where(g => db.GroupMembers.Any(m => m.GroupId == g.Id && m.UserId == userId));
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await SortBy.Apply(query, sortBy, g => g.CreatedAt, g => g.UpdatedAt, g => g.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<Group>(total, list);
    }

    /// <summary>Members of a group (accounts not deleted), newest membership first.</summary>
    public async Task<Page<User>> UsersAsync(string groupId, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Users.AsNoTracking().Where(u => !u.IsDeleted && db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == u.Id));
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<User>(total, list);
    }

    public async Task AddUsersAsync(string? code, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var group = await RequireAsync(code ?? "", ct);
        var users = await Members.RequireUsersAsync(db, userIds, ct);
        var existing = await db.GroupMembers.Where(m => m.GroupId == group.Id && users.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var userId in users.Except(existing))
            db.GroupMembers.Add(new GroupMember { UserPoolId = pool.Id, GroupId = group.Id, UserId = userId, CreatedAt = now });
        await SaveAsync(ct);
    }

    public async Task RemoveUsersAsync(string? code, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        caller.RequireAdmin();
        var group = await RequireAsync(code ?? "", ct);
        await db.GroupMembers.Where(m => m.GroupId == group.Id && userIds.Contains(m.UserId)).ExecuteDeleteAsync(ct);
    }

    /// <summary>The groups of each of the given users, in one query (for nested User.groups).</summary>
    public async Task<IDictionary<string, List<Group>>> GroupsOfUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var rows = await (from m in db.GroupMembers
                          join g in db.Groups on m.GroupId equals g.Id
                          where userIds.Contains(m.UserId)
                          orderby g.CreatedAt, g.Id
                          select new { m.UserId, Group = g }).AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Group).ToList());
    }

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: name + " is required");
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new GenAuthException(ErrorCodes.GroupCodeExists);
        }
    }
}

/// <summary>Shared checks for operations that name users by id.</summary>
public static class Members
{
    /// <summary>The distinct ids, all of live users of the pool; otherwise 2004 naming the first missing one.</summary>
    public static async Task<List<string>> RequireUsersAsync(GenAuthDbContext db, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var ids = userIds.Where(i => !string.IsNullOrEmpty(i)).Distinct().ToList();
        var found = await db.Users.Where(u => ids.Contains(u.Id) && !u.IsDeleted).Select(u => u.Id).ToListAsync(ct);
        var missing = ids.Except(found).FirstOrDefault();
        if (missing is not null)
            throw new GenAuthException(ErrorCodes.UserNotFound, detail: missing);
        return ids;
    }
}
