using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Users;

/// <summary>
/// Pages of a pool's live users by number in (CreatedAt, Id) order at about the same cost for any page (issue 14,
/// P4): OFFSET steps over every skipped index entry, so instead the pool's users are cut into buckets of about
/// <see cref="DatabaseOptions.UserPageBucketSize"/> (N) keys, each with its exact live count (<see cref="UserPageBucket"/>).
/// A page adds up the counts (a few hundred small rows at 1,000,000 users), seeks to the bucket holding its first
/// user and steps over fewer than 2N entries. Counts are kept by triggers on Users in the writer's transaction
/// (migration UserPageBuckets), so they are exact on every instance and for every way users are written (EF,
/// ExecuteUpdate, bulk COPY). Buckets are made (first deep listing of a pool with at least 2N users) and split (a
/// bucket past 2N, e.g. the newest one as users register) here, under a lock that holds the triggers back.
/// </summary>
public sealed class UserPageIndex(IOptions<GenAuthOptions> options)
{
    private int Size => options.Value.Database.UserPageBucketSize;

    /// <summary>The pool's buckets in key order, made or split first when needed; null when the pool is small (fewer
    /// than 2N live users and no buckets yet: OFFSET is as cheap).</summary>
    public async Task<List<UserPageBucket>?> BucketsAsync(GenAuthDbContext db, string poolId, Func<Task<int>> liveCount, CancellationToken ct)
    {
        var buckets = await ReadAsync(db, poolId, ct);
        if (buckets.Count == 0 && await liveCount() < 2 * Size)
            return null;
        if (buckets.Count == 0 || buckets.Any(b => b.Count > 2 * Size))
        {
            await RebuildAsync(db, poolId, ct);
            buckets = await ReadAsync(db, poolId, ct);
        }
        return buckets;
    }

    /// <summary>The ids of <paramref name="count"/> live users from position <paramref name="offset"/> (0-based, oldest first).</summary>
    public static async Task<List<string>> AscendingIdsAsync(GenAuthDbContext db, string poolId, IReadOnlyList<UserPageBucket> buckets,
        int offset, int count, CancellationToken ct)
    {
        var before = 0;
        var at = buckets[0];
        foreach (var b in buckets)
        {
            if (before + b.Count > offset)
            {
                at = b;
                break;
            }
            before += b.Count;
            at = b;
        }
        var (startAt, startId) = (at.StartAt, at.StartId);
        return await Live(db, poolId)
            .Where(u => u.CreatedAt >= startAt && (u.CreatedAt > startAt || string.Compare(u.Id, startId) >= 0))
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(offset - before).Take(count).Select(u => u.Id).ToListAsync(ct);
    }

    private static IQueryable<User> Live(GenAuthDbContext db, string poolId)
    {
        var live = false;
        return db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => u.UserPoolId == poolId && u.IsDeleted == live);
    }

    private static Task<List<UserPageBucket>> ReadAsync(GenAuthDbContext db, string poolId, CancellationToken ct) =>
        db.UserPageBuckets.AsNoTracking().Where(b => b.UserPoolId == poolId)
            .OrderBy(b => b.StartAt).ThenBy(b => b.StartId).ToListAsync(ct);

    /// <summary>Makes the pool's buckets, or splits those past 2N, in one transaction that holds the triggers back.</summary>
    private async Task RebuildAsync(GenAuthDbContext db, string poolId, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            // Note: SQLite: the transaction begins IMMEDIATE (Microsoft.Data.Sqlite's default), so no writer runs
            // between the count and the save. PostgreSQL: SHARE ROW EXCLUSIVE waits for every open transaction whose
            // trigger touched the buckets and holds back new ones until commit; their UPDATE then sees the new buckets.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"UserPageBuckets\" IN SHARE ROW EXCLUSIVE MODE", ct);
            var buckets = await db.UserPageBuckets.Where(b => b.UserPoolId == poolId)
                .OrderBy(b => b.StartAt).ThenBy(b => b.StartId).ToListAsync(ct);
            if (buckets.Count == 0)
            {
                var first = new UserPageBucket { UserPoolId = poolId, StartAt = DateTime.MinValue, StartId = "" };
                db.UserPageBuckets.Add(first);
                await CutAsync(db, poolId, first, null, ct);
            }
            else
            {
                for (var i = 0; i < buckets.Count; i++)
                {
                    if (buckets[i].Count > 2 * Size)
                        await CutAsync(db, poolId, buckets[i], i + 1 < buckets.Count ? buckets[i + 1] : null, ct);
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    /// <summary>Walks the keys from <paramref name="bucket"/>'s start to <paramref name="next"/>'s and starts a new bucket every N keys.</summary>
    private async Task CutAsync(GenAuthDbContext db, string poolId, UserPageBucket bucket, UserPageBucket? next, CancellationToken ct)
    {
        var (startAt, startId) = (bucket.StartAt, bucket.StartId);
        var keys = Live(db, poolId).Where(u => u.CreatedAt >= startAt && (u.CreatedAt > startAt || string.Compare(u.Id, startId) >= 0));
        if (next is not null)
        {
            var (endAt, endId) = (next.StartAt, next.StartId);
            keys = keys.Where(u => u.CreatedAt <= endAt && (u.CreatedAt < endAt || string.Compare(u.Id, endId) < 0));
        }
        var current = bucket;
        current.Count = 0;
        // Note: streamed, so the first build of a large pool holds one key at a time, not the pool.
        await foreach (var key in keys.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Select(u => new { u.CreatedAt, u.Id }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (current.Count == Size)
            {
                current = new UserPageBucket { UserPoolId = poolId, StartAt = key.CreatedAt, StartId = key.Id };
                db.UserPageBuckets.Add(current);
            }
            current.Count++;
        }
    }
}
