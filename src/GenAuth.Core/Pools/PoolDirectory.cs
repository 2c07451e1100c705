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

    public void Forget(string poolId) => cache.Remove(("pool", poolId));

    public void ForgetApp(string appId) => cache.Remove(("app", appId));
}
