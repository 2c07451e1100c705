using System.Text;
using GenAuth.Core.Common;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

public enum UserSort
{
    CreatedAtDesc,
    CreatedAtAsc,
    UpdatedAtDesc,
    UpdatedAtAsc,
}

/// <summary>Filters of the users connection; prefixes are index range scans.</summary>
public sealed record UserFilter(string? EmailPrefix = null, string? PhonePrefix = null, string? UsernamePrefix = null,
    string? NicknamePrefix = null, bool? Blocked = null, DateTime? CreatedAfter = null, DateTime? CreatedBefore = null);

public sealed record UserEdge(string Cursor, User Node);

public sealed record UserConnection(IReadOnlyList<UserEdge> Edges, bool HasNextPage, string? EndCursor, int TotalCount);

public sealed partial class UserAdminService
{
    /// <summary>The fields searchUser matches by prefix (each has an index); GenAuth's other fields are not searchable here.</summary>
    public static readonly string[] SearchFields = ["username", "email", "phone", "nickname", "name", "externalId"];

    public const int MaxConnectionPage = 200;

    public async Task<Page<User>> ListAsync(int page, int limit, UserSort sort, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var live = Live();
        var poolId = caller.RequirePool().Id;
        if (sort is UserSort.CreatedAtDesc or UserSort.CreatedAtAsc
            && await pageIndex.BucketsAsync(db, poolId, () => counter.CountAsync(db, poolId, () => live.CountAsync(ct)), ct) is { } buckets)
        {
            // Note: the buckets' counts are exact (kept in each writer's transaction), so the total is theirs too.
            var all = buckets.Sum(b => b.Count);
            if (skip >= all)
                return new(all, []);
            var n = Math.Min(take, all - skip);
            var from = sort == UserSort.CreatedAtAsc ? skip : all - skip - n;
            var slice = await UserPageIndex.AscendingIdsAsync(db, poolId, buckets, from, n, ct);
            if (sort == UserSort.CreatedAtDesc)
                slice.Reverse();
            return new(all, await RowsInOrderAsync(slice, ct));
        }
        var total = await counter.CountAsync(db, poolId, () => live.CountAsync(ct));
        if (skip >= total)
            return new(total, []);
        // Note: OFFSET steps over every skipped entry, so pages past the middle are counted from the other end, and the
        // offset runs over the covering (pool, IsDeleted, sort key, Id) index for ids only; rows are then read by key.
        List<string> ids;
        if (skip > total / 2)
        {
            var fromEnd = Math.Max(0, total - skip - take);
            var count = Math.Min(take, total - skip);
            ids = await Sorted(live, Reverse(sort)).Skip(fromEnd).Take(count).Select(u => u.Id).ToListAsync(ct);
            ids.Reverse();
        }
        else
        {
            ids = await Sorted(live, sort).Skip(skip).Take(take).Select(u => u.Id).ToListAsync(ct);
        }
        return new(total, await RowsInOrderAsync(ids, ct));
    }

    private async Task<List<User>> RowsInOrderAsync(List<string> ids, CancellationToken ct)
    {
        var rows = (await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToListAsync(ct)).ToDictionary(u => u.Id);
        return ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
    }

    private static UserSort Reverse(UserSort sort) => sort switch
    {
        UserSort.CreatedAtAsc => UserSort.CreatedAtDesc,
        UserSort.UpdatedAtDesc => UserSort.UpdatedAtAsc,
        UserSort.UpdatedAtAsc => UserSort.UpdatedAtDesc,
        _ => UserSort.CreatedAtAsc,
    };

    public async Task<Page<User>> ArchivedAsync(int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var archived = db.Users.AsNoTracking().Where(u => u.IsDeleted);
        return new(await archived.CountAsync(ct),
            await archived.OrderByDescending(u => u.DeletedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    /// <summary>A Relay-style page: newest first, keyset pagination on (createdAt, id), so deep pages cost what the first does.</summary>
    public async Task<UserConnection> ConnectionAsync(int? first, string? after, UserFilter filter, CancellationToken ct)
    {
        caller.RequireAdmin();
        var take = Math.Clamp(first ?? 10, 1, MaxConnectionPage);
        var query = Filtered(Live(), filter);
        var total = filter == new UserFilter()
            ? await counter.CountAsync(db, caller.RequirePool().Id, () => query.CountAsync(ct))
            : await query.CountAsync(ct);
        if (after is not null)
        {
            var (at, id) = DecodeCursor(after);
            query = query.Where(u => u.CreatedAt <= at && (u.CreatedAt < at || string.Compare(u.Id, id) < 0));
        }
        var rows = await query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Take(take + 1).ToListAsync(ct);
        var edges = rows.Take(take).Select(u => new UserEdge(EncodeCursor(u), u)).ToList();
        return new(edges, rows.Count > take, edges.LastOrDefault()?.Cursor, total);
    }

    /// <summary>searchUser: users whose username, email, phone, nickname, name or externalId starts with the query.</summary>
    public async Task<Page<User>> SearchAsync(string query, IReadOnlyList<string>? fields, int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var chosen = fields is { Count: > 0 } ? fields.Where(f => !string.IsNullOrEmpty(f)).Distinct().ToList() : SearchFields.ToList();
        var unknown = chosen.FirstOrDefault(f => !SearchFields.Contains(f));
        if (unknown is not null)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'{unknown}' is not searchable; use one of {string.Join(", ", SearchFields)}");
        var q = query.Trim();
        if (q.Length == 0)
            return await ListAsync(page, limit, UserSort.CreatedAtDesc, ct);
        // Note: one indexed range per field, unioned, so the cost follows the matches and not the pool's size.
        IQueryable<string>? ids = null;
        foreach (var field in chosen)
        {
            var part = PrefixIds(field, q);
            ids = ids is null ? part : ids.Union(part);
        }
        var matches = db.Users.AsNoTracking().Where(u => ids!.Contains(u.Id) && !u.IsDeleted);
        return new(await matches.CountAsync(ct),
            await matches.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    /// <summary>findUser: an exact match on one identifier, or null.</summary>
    public async Task<User?> FindAsync(string? email, string? phone, string? username, string? externalId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var live = Live();
        if (!string.IsNullOrEmpty(email))
        {
            var normalized = Validation.NormalizeEmail(email);
            return await live.FirstOrDefaultAsync(u => u.EmailNormalized == normalized, ct);
        }
        if (!string.IsNullOrEmpty(phone))
        {
            var key = Validation.PhoneLookup(phone);
            return await live.FirstOrDefaultAsync(u => u.Phone == key, ct);
        }
        if (!string.IsNullOrEmpty(username))
        {
            var key = Identifiers.NormalizeUsername(username);
            return await live.Where(u => u.UsernameNormalized == key || u.Username == username)
                .OrderBy(u => u.Username == username ? 0 : 1).FirstOrDefaultAsync(ct);
        }
        if (!string.IsNullOrEmpty(externalId))
            return await live.FirstOrDefaultAsync(u => u.ExternalId == externalId, ct);
        throw new GenAuthException(ErrorCodes.BadRequest, detail: "name an email, phone, username or externalId");
    }

    /// <summary>userBatch: users by id (or username, email, phone, externalId), in the order asked; unknown ones are left out.</summary>
    public async Task<IReadOnlyList<User>> BatchAsync(IReadOnlyList<string> keys, string? type, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (keys.Count > Paging.MaxLimit)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {Paging.MaxLimit} users per batch");
        var live = Live();
        List<User> users;
        Func<User, string?> keyOf;
        switch (type ?? "id")
        {
            case "id":
                users = await live.Where(u => keys.Contains(u.Id)).ToListAsync(ct);
                keyOf = u => u.Id;
                break;
            case "username":
                users = await live.Where(u => keys.Contains(u.Username!)).ToListAsync(ct);
                keyOf = u => u.Username;
                break;
            case "email":
                var emails = keys.Select(Validation.NormalizeEmail).ToList();
                users = await live.Where(u => emails.Contains(u.EmailNormalized!)).ToListAsync(ct);
                return emails.SelectMany(e => users.Where(u => u.EmailNormalized == e)).ToList();
            case "phone":
                var phones = keys.Select(Validation.PhoneKey).ToList();
                users = await live.Where(u => phones.Contains(u.Phone!)).ToListAsync(ct);
                return phones.SelectMany(p => users.Where(u => u.Phone == p)).ToList();
            case "externalId":
                users = await live.Where(u => keys.Contains(u.ExternalId!)).ToListAsync(ct);
                keyOf = u => u.ExternalId;
                break;
            default:
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "type must be id, username, email, phone or externalId");
        }
        var byKey = users.GroupBy(keyOf).ToDictionary(g => g.Key ?? "", g => g.First());
        return keys.Distinct().Where(byKey.ContainsKey).Select(k => byKey[k]).ToList();
    }

    // Note: compared with a parameter on purpose. EF renders "!u.IsDeleted" (and "== false") as NOT ("IsDeleted"), which
    // SQLite cannot use as an index equality, so every page sorted the whole pool (P4); "IsDeleted = @live" walks
    // (pool, IsDeleted, CreatedAt, Id) in order.
    private IQueryable<User> Live()
    {
        var live = false;
        return db.Users.AsNoTracking().Where(u => u.IsDeleted == live);
    }

    private static IQueryable<User> Sorted(IQueryable<User> users, UserSort sort) => sort switch
    {
        UserSort.CreatedAtAsc => users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id),
        UserSort.UpdatedAtDesc => users.OrderByDescending(u => u.UpdatedAt).ThenByDescending(u => u.Id),
        UserSort.UpdatedAtAsc => users.OrderBy(u => u.UpdatedAt).ThenBy(u => u.Id),
        _ => users.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id),
    };

    private static IQueryable<User> Filtered(IQueryable<User> users, UserFilter f)
    {
        if (!string.IsNullOrEmpty(f.EmailPrefix))
            users = Prefix(users, "email", Validation.NormalizeEmail(f.EmailPrefix));
        if (!string.IsNullOrEmpty(f.PhonePrefix))
            users = Prefix(users, "phone", Validation.PhoneKey(f.PhonePrefix));
        if (!string.IsNullOrEmpty(f.UsernamePrefix))
            users = Prefix(users, "username", f.UsernamePrefix);
        if (!string.IsNullOrEmpty(f.NicknamePrefix))
            users = Prefix(users, "nickname", f.NicknamePrefix);
        if (f.Blocked is { } blocked)
            users = users.Where(u => u.Blocked == blocked);
        if (f.CreatedAfter is { } after)
            users = users.Where(u => u.CreatedAt >= after);
        if (f.CreatedBefore is { } before)
            users = users.Where(u => u.CreatedAt < before);
        return users;
    }

    private IQueryable<string> PrefixIds(string field, string q) => field switch
    {
        "email" => Prefix(db.Users, field, Validation.NormalizeEmail(q)).Select(u => u.Id),
        "phone" => Prefix(db.Users, field, Validation.PhoneKey(q)).Select(u => u.Id),
        _ => Prefix(db.Users, field, q).Select(u => u.Id),
    };

    // Note: "starts with" as a range (>= p and < p + U+10FFFF) so SQLite walks the (pool, column) index; LIKE would scan.
    private static IQueryable<User> Prefix(IQueryable<User> users, string field, string p)
    {
        var hi = p + char.ConvertFromUtf32(0x10FFFF);
        return field switch
        {
            "email" => users.Where(u => string.Compare(u.EmailNormalized, p) >= 0 && string.Compare(u.EmailNormalized, hi) < 0),
            "phone" => users.Where(u => string.Compare(u.Phone, p) >= 0 && string.Compare(u.Phone, hi) < 0),
            "username" => users.Where(u => string.Compare(u.Username, p) >= 0 && string.Compare(u.Username, hi) < 0),
            "nickname" => users.Where(u => string.Compare(u.Nickname, p) >= 0 && string.Compare(u.Nickname, hi) < 0),
            "name" => users.Where(u => string.Compare(u.Name, p) >= 0 && string.Compare(u.Name, hi) < 0),
            "externalId" => users.Where(u => string.Compare(u.ExternalId, p) >= 0 && string.Compare(u.ExternalId, hi) < 0),
            _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: field),
        };
    }

    private static string EncodeCursor(User u) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{u.CreatedAt.Ticks}:{u.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTime At, string Id) DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
            var parts = text.Split(':', 2);
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks && Ids.IsValid(parts[1]))
                return (new DateTime(ticks, DateTimeKind.Utc), parts[1]);
        }
        catch (FormatException)
        {
        }
        throw new GenAuthException(ErrorCodes.InvalidCursor);
    }
}
