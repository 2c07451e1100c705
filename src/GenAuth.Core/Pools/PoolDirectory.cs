using System.Collections.Frozen;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Core.Pools;

/// <summary>Pools and apps by id, cached briefly: every request resolves one, and they change rarely.</summary>
public sealed class PoolDirectory(IMemoryCache cache)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    public Task<UserPool?> FindPoolAsync(GenAuthDbContext db, string poolId, CancellationToken ct) =>
        cache.GetOrCreateAsync(("pool", poolId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            return db.UserPools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == poolId, ct);
        });

    public Task<Application?> FindAppAsync(GenAuthDbContext db, string appId, CancellationToken ct) =>
        cache.GetOrCreateAsync(("app", appId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            return db.Applications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct);
        });

    /// <summary>
    /// Every pool's allowedOrigins together (CORS preflights name no pool): one cache entry, whatever origins callers
    /// send, so unknown origins can't grow the cache.
    /// </summary>
    public async Task<FrozenSet<string>> AllowedOriginsOfAnyPoolAsync(GenAuthDbContext db, CancellationToken ct) =>
        (await cache.GetOrCreateAsync("pool-origins", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            var lists = await db.UserPools.IgnoreQueryFilters().AsNoTracking()
                .Where(p => p.AllowedOrigins != null && p.AllowedOrigins != "")
                .Select(p => p.AllowedOrigins).ToListAsync(ct);
            return lists.SelectMany(OriginList.Parse).ToFrozenSet(StringComparer.Ordinal);
        }))!;

    public void Forget(string poolId)
    {
        cache.Remove(("pool", poolId));
        cache.Remove("pool-origins");
    }

    /// <summary>Every app's corsOrigins together (preflights name no app): one cache entry, like the pools' list.</summary>
    public async Task<FrozenSet<string>> CorsOriginsOfAnyAppAsync(GenAuthDbContext db, CancellationToken ct) =>
        (await cache.GetOrCreateAsync("app-origins", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            var lists = await db.Applications.IgnoreQueryFilters().AsNoTracking()
                .Where(a => a.CorsOrigins != null && a.CorsOrigins != "")
                .Select(a => a.CorsOrigins!).ToListAsync(ct);
            return lists.SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToFrozenSet(StringComparer.Ordinal);
        }))!;

    /// <summary>
    /// The custom scopes an app offers ("{resource code}:{action}", or the code of a resource without actions: the
    /// resources in the app's namespace), cached like the app: the client-credentials grant checks them on every token.
    /// </summary>
    public async Task<FrozenSet<string>> AppScopesAsync(GenAuthDbContext db, string poolId, string appId, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(("app-scopes", appId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            var resources = await db.Resources.IgnoreQueryFilters().AsNoTracking()
                .Where(r => r.UserPoolId == poolId && r.Namespace == appId).ToListAsync(ct);
            return resources.SelectMany(r => r.Actions.Count == 0 ? [r.Code] : r.Actions.Select(a => $"{r.Code}:{a.Name}"))
                .ToFrozenSet(StringComparer.Ordinal);
        }))!;

    public void ForgetApp(string appId)
    {
        cache.Remove(("app", appId));
        cache.Remove(("app-scopes", appId));
        cache.Remove("app-origins");
    }
}
