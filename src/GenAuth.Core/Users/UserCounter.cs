using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Core.Users;

/// <summary>
/// The number of live users of a pool, cached: COUNT(*) walks the whole index (tens of ms at a million users), and
/// users() answers totalCount on every page. Any save that adds, deletes or archives a user forgets the pool's count.
/// </summary>
// Note: another server instance sees this instance's writes in the count within the TTL.
public sealed class UserCounter(IMemoryCache cache) : SaveChangesInterceptor
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    public async Task<int> CountAsync(GenAuthDbContext db, string poolId, Func<Task<int>> count) =>
        await cache.GetOrCreateAsync(("user-count", poolId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            return count();
        });

    public void Forget(string poolId) => cache.Remove(("user-count", poolId));

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ForgetChangedPools(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        ForgetChangedPools(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ForgetChangedPools(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ForgetChangedPools(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void ForgetChangedPools(DbContext? context)
    {
        if (context is null)
            return;
        foreach (var entry in context.ChangeTracker.Entries<User>())
        {
            if (entry.State is EntityState.Added or EntityState.Deleted
                || (entry.State == EntityState.Modified && entry.Property(u => u.IsDeleted).IsModified)
                || entry.Entity.DeletedAt is not null)
                Forget(entry.Entity.UserPoolId);
        }
    }
}
