using System.Globalization;
using GenAuth.Core.Common;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>
/// One condition of users/filter: a field, an operator and a value (text; booleans "true"/"false", times ISO 8601 or
/// epoch milliseconds). Conditions are ANDed.
/// </summary>
public sealed record UserFilterClause(string Key, string? Op, string? Value);

public sealed partial class UserAdminService
{
    /// <summary>The most conditions one users/filter call may carry.</summary>
    public const int MaxFilterClauses = 20;

    public static readonly string[] FilterTextKeys = ["username", "email", "phone", "nickname", "name", "externalId"];
    public static readonly string[] FilterFlagKeys = ["blocked", "emailVerified", "phoneVerified"];
    public static readonly string[] FilterTimeKeys = ["createdAt", "updatedAt", "lastLogin"];

    /// <summary>
    /// users/filter: text fields by equal (the default) or prefix ("startsWith"), flags by equal, times by gt/gte/lt/lte.
    /// An unknown field, operator or value is refused (400) before anything is read.
    /// </summary>
    public async Task<Page<User>> FilterAsync(IReadOnlyList<UserFilterClause> clauses, int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (clauses.Count > MaxFilterClauses)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxFilterClauses} filter conditions");
        var query = Live();
        foreach (var c in clauses)
            query = Apply(query, c);
        var (skip, take) = Paging.Window(page, limit);
        return new(await query.CountAsync(ct),
            await query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    private static IQueryable<User> Apply(IQueryable<User> users, UserFilterClause c)
    {
        var op = string.IsNullOrEmpty(c.Op) ? "equal" : c.Op;
        var value = c.Value ?? throw Bad($"{c.Key} needs a value");
        if (FilterTextKeys.Contains(c.Key))
        {
            var key = c.Key switch
            {
                "email" => Validation.NormalizeEmail(value),
                "phone" => Validation.PhoneKey(value),
                _ => value,
            };
            return op switch
            {
                "equal" or "eq" => c.Key switch
                {
                    "email" => users.Where(u => u.EmailNormalized == key),
                    "phone" => users.Where(u => u.Phone == key),
                    "username" => users.Where(u => u.Username == key),
                    "nickname" => users.Where(u => u.Nickname == key),
                    "name" => users.Where(u => u.Name == key),
                    _ => users.Where(u => u.ExternalId == key),
                },
                "startsWith" or "prefix" => Prefix(users, c.Key, key),
                _ => throw Bad($"{c.Key}: the operator must be equal or startsWith"),
            };
        }
        if (FilterFlagKeys.Contains(c.Key))
        {
            if (op is not ("equal" or "eq") || !bool.TryParse(value, out var flag))
                throw Bad($"{c.Key}: equal true or false");
            return c.Key switch
            {
                "blocked" => users.Where(u => u.Blocked == flag),
                "emailVerified" => users.Where(u => u.EmailVerified == flag),
                _ => users.Where(u => u.PhoneVerified == flag),
            };
        }
        if (FilterTimeKeys.Contains(c.Key))
        {
            var at = ParseTime(value) ?? throw Bad($"{c.Key}: an ISO 8601 time or epoch milliseconds");
            return (c.Key, op) switch
            {
                ("createdAt", "gt") => users.Where(u => u.CreatedAt > at),
                ("createdAt", "gte") => users.Where(u => u.CreatedAt >= at),
                ("createdAt", "lt") => users.Where(u => u.CreatedAt < at),
                ("createdAt", "lte") => users.Where(u => u.CreatedAt <= at),
                ("updatedAt", "gt") => users.Where(u => u.UpdatedAt > at),
                ("updatedAt", "gte") => users.Where(u => u.UpdatedAt >= at),
                ("updatedAt", "lt") => users.Where(u => u.UpdatedAt < at),
                ("updatedAt", "lte") => users.Where(u => u.UpdatedAt <= at),
                ("lastLogin", "gt") => users.Where(u => u.LastLogin > at),
                ("lastLogin", "gte") => users.Where(u => u.LastLogin >= at),
                ("lastLogin", "lt") => users.Where(u => u.LastLogin < at),
                ("lastLogin", "lte") => users.Where(u => u.LastLogin <= at),
                _ => throw Bad($"{c.Key}: the operator must be gt, gte, lt or lte"),
            };
        }
        throw Bad($"'{c.Key}' can't be filtered on; use one of {string.Join(", ", FilterTextKeys.Concat(FilterFlagKeys).Concat(FilterTimeKeys))}");
    }

    private static DateTime? ParseTime(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and < 253402300800000
            ? DateTime.UnixEpoch.AddMilliseconds(ms)
            : DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : null;

    private static GenAuthException Bad(string detail) => new(ErrorCodes.BadRequest, detail: detail);

    /// <summary>
    /// resign-user(-batch): the users leave the organisation. Each is blocked (status "Resigned"), leaves every
    /// department (and stops leading one), and every session ends. All named users must exist, or nothing changes.
    /// </summary>
    public async Task ResignAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        caller.RequireAdmin();
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0)
            throw Bad("name at least one user");
        if (ids.Count > Paging.MaxLimit)
            throw Bad($"at most {Paging.MaxLimit} users per call");
        var users = await db.Users.Where(u => ids.Contains(u.Id) && !u.IsDeleted).ToListAsync(ct);
        if (users.Count != ids.Count)
            throw new GenAuthException(ErrorCodes.UserNotFound, detail: ids.Except(users.Select(u => u.Id)).First());
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var user in users)
            {
                user.Blocked = true;
                user.Status = "Resigned";
                user.UpdatedAt = now;
            }
            await db.SaveChangesAsync(ct);
            await db.NodeMembers.Where(m => ids.Contains(m.UserId)).ExecuteDeleteAsync(ct);
            await db.OrgNodes.Where(n => n.LeaderUserId != null && ids.Contains(n.LeaderUserId))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LeaderUserId, (string?)null), ct);
            await tx.CommitAsync(ct);
        }
        foreach (var id in ids)
            await sessions.RevokeAllAsync(db, id, null, ct);
    }

    /// <summary>
    /// analysis/exist-defined-field-count: how many users have a value for the custom field, counting only those who
    /// signed in to the app when one is named.
    /// </summary>
    public async Task<int> DefinedFieldUserCountAsync(string? key, string? appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (string.IsNullOrEmpty(key))
            throw Bad("definedFieldKey is required");
        var users = Live().Where(u => db.CustomFieldValues.Any(v => v.TargetType == "USER" && v.TargetId == u.Id && v.Key == key));
        if (!string.IsNullOrEmpty(appId))
        {
            if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
                throw new GenAuthException(ErrorCodes.AppNotFound);
            users = users.Where(u => db.LoginLogs.Any(l => l.UserId == u.Id && l.AppId == appId && l.Success));
        }
        return await users.CountAsync(ct);
    }
}
