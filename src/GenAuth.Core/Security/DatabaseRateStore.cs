using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Security;

/// <summary>
/// Counters, strikes, locks, job claims and spent single-use values in the database (table SharedCounters), so every
/// instance on one database counts into the same place. Used while Redis is configured but unreachable (the Redis
/// store falls back to this, and replays what was counted here into Redis when it answers again: <see cref="DrainAsync"/>),
/// and on PostgreSQL without Redis. Each operation is one atomic statement (INSERT … ON CONFLICT DO UPDATE … RETURNING,
/// the same SQL on SQLite and PostgreSQL); times come from the server's clock, as in memory and in Redis.
/// </summary>
public sealed class DatabaseRateStore(IDbContextFactory<GenAuthDbContext> contexts, TimeProvider clock)
    : IRateCounter, ILockoutStore, IJobLease, ISingleUseStore
{
    // Note: a key longer than the column (a limit key built from user input) is hashed; kinds keep their prefix.
    private const int MaxKeyLength = 512;

    private sealed class Counts
    {
        public long Start { get; set; }
        public long Current { get; set; }
        public long Previous { get; set; }
    }

    /// <summary>A row taken out of the table by <see cref="DrainAsync"/>.</summary>
    public sealed class DrainedRow
    {
        public string Key { get; set; } = "";
        public long Start { get; set; }
        public long Current { get; set; }
        public long Previous { get; set; }
        public long Size { get; set; }
        public long ExpiresAt { get; set; }
    }

    public async ValueTask<long> HitAsync(string key, TimeSpan window, long cost = 1, CancellationToken ct = default)
    {
        var (size, now, start) = Window(window);
        if (cost == 0)
            return await PeekAsync(key, window, ct);
        var row = await AddAsync("c:" + key, size, start, cost, ct);
        return row.Current + (long)Math.Floor(row.Previous * (1.0 - (double)(now - start) / size));
    }

    public async ValueTask<long> PeekAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var (size, now, start) = Window(window);
        var id = Key("c:" + key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Database.SqlQuery<Counts>($"""
            SELECT "Start", "Current", "Previous" FROM "SharedCounters" WHERE "Key" = {id}
            """).ToListAsync(ct);
        if (row.Count == 0)
            return 0;
        var (current, previous) = Roll(row[0], size, start);
        return current + (long)Math.Floor(previous * (1.0 - (double)(now - start) / size));
    }

    public ValueTask ResetAsync(string key, CancellationToken ct = default) => DeleteAsync("c:" + key, ct);

    public async ValueTask<long> StrikeAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var (size, _, start) = Window(window);
        var row = await AddAsync("strikes:" + key, size, start, 1, ct);
        return row.Current + row.Previous;
    }

    public ValueTask ForgetStrikesAsync(string key, CancellationToken ct = default) => DeleteAsync("strikes:" + key, ct);

    public async ValueTask<bool> LockAsync(string key, TimeSpan duration, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + Math.Max(1L, (long)duration.TotalMilliseconds);
        var id = Key("lock:" + key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Note: Previous keeps the end this write replaced, so the caller learns whether it started the lock.
        var rows = await db.Database.SqlQuery<Counts>($"""
            INSERT INTO "SharedCounters" ("Key", "Start", "Current", "Previous", "Size", "ExpiresAt")
            VALUES ({id}, 0, {until}, 0, 0, {until})
            ON CONFLICT ("Key") DO UPDATE SET
              "Previous" = "SharedCounters"."Current",
              "Current" = CASE WHEN "SharedCounters"."Current" > {until} THEN "SharedCounters"."Current" ELSE {until} END,
              "ExpiresAt" = CASE WHEN "SharedCounters"."Current" > {until} THEN "SharedCounters"."Current" ELSE {until} END
            RETURNING "Start", "Current", "Previous"
            """).ToListAsync(ct);
        return rows[0].Previous <= now;
    }

    public async ValueTask<TimeSpan> RemainingAsync(string key, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Key("lock:" + key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQuery<Counts>($"""
            SELECT "Start", "Current", "Previous" FROM "SharedCounters" WHERE "Key" = {id}
            """).ToListAsync(ct);
        return rows.Count == 1 && rows[0].Current > now ? TimeSpan.FromMilliseconds(rows[0].Current - now) : TimeSpan.Zero;
    }

    public ValueTask<bool> TryClaimAsync(string job, TimeSpan hold, CancellationToken ct = default) =>
        ClaimAsync("job:" + job, clock.GetUtcNow().ToUnixTimeMilliseconds() + Math.Max(1L, (long)hold.TotalMilliseconds), ct);

    public ValueTask<bool> TryUseAsync(string key, DateTimeOffset expiresAt, CancellationToken ct = default) =>
        ClaimAsync("once:" + key, expiresAt.ToUnixTimeMilliseconds(), ct);

    /// <summary>
    /// Takes up to <paramref name="batch"/> unexpired rows out of the table (job claims stay: they only matter while
    /// they last), deleted and returned in one statement, so two instances draining at once never take the same row.
    /// </summary>
    public async Task<IReadOnlyList<DrainedRow>> DrainAsync(int batch, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Database.SqlQuery<DrainedRow>($"""
            DELETE FROM "SharedCounters" WHERE "Key" IN (
              SELECT "Key" FROM "SharedCounters" WHERE "ExpiresAt" > {now} AND "Key" NOT LIKE 'job:%' ORDER BY "Key" LIMIT {batch})
            RETURNING "Key", "Start", "Current", "Previous", "Size", "ExpiresAt"
            """).ToListAsync(ct);
    }

    /// <summary>Deletes the rows that have expired (the expired-row sweeper); returns how many.</summary>
    public static Task<int> SweepAsync(GenAuthDbContext db, long nowMs, CancellationToken ct) =>
        db.Set<SharedCounter>().Where(c => c.ExpiresAt < nowMs).ExecuteDeleteAsync(ct);

    private async Task<Counts> AddAsync(string key, long size, long start, long cost, CancellationToken ct)
    {
        var id = Key(key);
        var previousStart = start - size;
        var initial = Math.Max(0, cost);
        var expires = clock.GetUtcNow().ToUnixTimeMilliseconds() + 2 * size;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Note: SET's right-hand sides all read the row as it was (SQL semantics on both providers), so the roll to a new
        // window and the addition happen together, atomically under the row's lock.
        var rows = await db.Database.SqlQuery<Counts>($"""
            INSERT INTO "SharedCounters" ("Key", "Start", "Current", "Previous", "Size", "ExpiresAt")
            VALUES ({id}, {start}, {initial}, 0, {size}, {expires})
            ON CONFLICT ("Key") DO UPDATE SET
              "Previous" = CASE WHEN "SharedCounters"."Start" = {start} THEN "SharedCounters"."Previous"
                                WHEN "SharedCounters"."Start" = {previousStart} THEN "SharedCounters"."Current" ELSE 0 END,
              "Current" = CASE WHEN (CASE WHEN "SharedCounters"."Start" = {start} THEN "SharedCounters"."Current" ELSE 0 END) + {cost} < 0
                               THEN 0
                               ELSE (CASE WHEN "SharedCounters"."Start" = {start} THEN "SharedCounters"."Current" ELSE 0 END) + {cost} END,
              "Start" = {start},
              "Size" = {size},
              "ExpiresAt" = {expires}
            RETURNING "Start", "Current", "Previous"
            """).ToListAsync(ct);
        return rows[0];
    }

    private async ValueTask<bool> ClaimAsync(string key, long until, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Key(key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Note: a row whose time has passed is taken over; a live one is left alone and 0 rows change.
        var changed = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SharedCounters" ("Key", "Start", "Current", "Previous", "Size", "ExpiresAt")
            VALUES ({id}, 0, {until}, 0, 0, {until})
            ON CONFLICT ("Key") DO UPDATE SET "Current" = {until}, "ExpiresAt" = {until}
            WHERE "SharedCounters"."Current" <= {now}
            """, ct);
        return changed == 1;
    }

    private async ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        var id = Key(key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "SharedCounters" WHERE "Key" = {id}""", ct);
    }

    private (long Size, long Now, long Start) Window(TimeSpan window)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return (size, now, now - now % size);
    }

    private static (long Current, long Previous) Roll(Counts row, long size, long start) =>
        row.Start == start ? (row.Current, row.Previous) : row.Start == start - size ? (0, row.Current) : (0, 0);

    private static string Key(string key)
    {
        if (key.Length <= MaxKeyLength)
            return key;
        var kind = key[..(key.IndexOf(':') + 1)];
        return kind + "#" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }
}
