using System.Collections.Frozen;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Core.Pools;

/// <summary>
/// Pools and apps by id, cached briefly: every request resolves one, and they change rarely. A change forgets the
/// entry here and, through the event bus (Redis), on every other instance (the OIDC client rows and app scopes follow
/// the app's entry); the TTL bounds staleness while the bus is down.
/// </summary>
public sealed class PoolDirectory
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly IMemoryCache cache;
    private readonly IEventBus bus;

    public PoolDirectory(IMemoryCache cache, IEventBus bus)
    {
        this.cache = cache;
        this.bus = bus;
        _ = bus.SubscribeAsync(EventChannels.DirectoryChanged, OnChanged);
    }

    private void OnChanged(string payload)
    {
        if (payload.StartsWith("pool:", StringComparison.Ordinal))
            ForgetPoolHere(payload[5..]);
        else if (payload.StartsWith("app:", StringComparison.Ordinal))
            ForgetAppHere(payload[4..]);
    }

    private async Task AnnounceAsync(string payload)
    {
        try
        {
            await bus.PublishAsync(EventChannels.DirectoryChanged, payload);
        }
        catch (Exception)
        {
            // Note: Redis is down: the other instances see the change when their entry expires (Ttl).
        }
    }

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
        ForgetPoolHere(poolId);
        _ = AnnounceAsync("pool:" + poolId);
    }

    private void ForgetPoolHere(string poolId)
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
        ForgetAppHere(appId);
        _ = AnnounceAsync("app:" + appId);
    }

    private void ForgetAppHere(string appId)
    {
        cache.Remove(("app", appId));
        cache.Remove(("app-scopes", appId));
        cache.Remove("app-origins");
    }
}
