using System.Globalization;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Audit;

/// <summary>One keyset page, newest first: <see cref="EndCursor"/> is the "after" of the next page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, string? EndCursor, bool HasNextPage);

/// <summary>The audit log's queries, for the caller's pool only and for admins only.</summary>
public sealed class AuditLogService(GenAuthDbContext db, CallerContext caller, PoolDirectory directory)
{
    public const int MaxPage = 200;

    /// <summary>A keyset page, newest first; <paramref name="after"/> is a previous page's end cursor (an event id).</summary>
    public async Task<AuditPage> PageAsync(AuditFilter filter, int? first, string? after, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        Check(filter);
        var take = Math.Clamp(first ?? 20, 1, MaxPage);
        var q = filter.Apply(Events(pool.Id));
        if (after is not null)
        {
            var cursor = ParseCursor(after, "after");
            q = q.Where(e => e.Id < cursor);
        }
        var rows = await q.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct);
        var more = rows.Count > take;
        if (more)
            rows.RemoveAt(take);
        return new AuditPage(rows, rows.Count > 0 ? Cursor(rows[^1].Id) : after, more);
    }

    /// <summary>Offset pages with a total (GenAuth's REST analysis paths), newest first.</summary>
    public async Task<Page<AuditEvent>> ListAsync(AuditFilter filter, Func<IQueryable<AuditEvent>, IQueryable<AuditEvent>> scope, int? page,
        int? limit, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        Check(filter);
        var (skip, take) = Paging.Window(page, limit);
        var q = scope(filter.Apply(Events(pool.Id)));
        return new(await q.CountAsync(ct), await q.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    /// <summary>Users who signed in to an app at least once (within the retention window).</summary>
    public async Task<int> LoginUserCountAsync(string? appId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        return await Events(pool.Id)
            .Where(e => e.Type == AuditEventTypes.Login && e.Outcome == AuditOutcomes.Success && e.UserId != null
                        && (appId == null || e.AppId == appId))
            .Select(e => e.UserId).Distinct().CountAsync(ct);
    }

    public const int MaxRetentionDays = 3650;

    /// <summary>Sets the pool's retention (days); the sweeper applies it on its next run.</summary>
    public async Task<int> SetRetentionAsync(int days, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (days is < 1 or > MaxRetentionDays)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'days' must be 1 to {MaxRetentionDays}");
        var row = await db.UserPools.FirstAsync(p => p.Id == pool.Id, ct);
        row.AuditRetentionDays = days;
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return days;
    }

    public static string Cursor(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static long ParseCursor(string value, string field) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 0
            ? id
            : throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'{field}' must be an event id");

    private IQueryable<AuditEvent> Events(string poolId) =>
        db.AuditEvents.IgnoreQueryFilters().AsNoTracking().Where(e => e.UserPoolId == poolId);

    private static void Check(AuditFilter filter)
    {
        if (filter.Types is { Count: > AuditFilter.MaxTypes })
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {AuditFilter.MaxTypes} types");
    }
}
