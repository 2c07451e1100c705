using GenAuth.Core.Data;
using GenAuth.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Core.Users;

/// <summary>
/// The number of live users of a pool, cached: COUNT(*) walks the whole index (tens of ms at a million users), and
/// users() answers totalCount on every page. Any save that adds, deletes or archives a user forgets the pool's count.
/// </summary>
// Note: with several instances a change is announced on the event bus (Redis), so every instance forgets the count;
// while the bus is down (or was interrupted since the count was cached) the database answers.
public sealed class UserCounter : SaveChangesInterceptor
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly IMemoryCache cache;
    private readonly IEventBus bus;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, HashSet<string>> pending = new();

    public UserCounter(IMemoryCache cache, IEventBus bus)
    {
        this.cache = cache;
        this.bus = bus;
        _ = bus.SubscribeAsync(EventChannels.UserCountChanged, poolId => cache.Remove(("user-count", poolId)));
    }

    public async Task<int> CountAsync(GenAuthDbContext db, string poolId, Func<Task<int>> count)
    {
        var epoch = bus.Epoch;
        if (!bus.Connected)
            return await count();
        if (cache.TryGetValue(("user-count", poolId), out (int Count, long Epoch) cached) && cached.Epoch == epoch)
            return cached.Count;
        var fresh = await count();
        cache.Set(("user-count", poolId), (fresh, epoch), Ttl);
        return fresh;
    }

    public void Forget(string poolId)
    {
        cache.Remove(("user-count", poolId));
        _ = AnnounceAsync(poolId);
    }

    private async Task AnnounceAsync(string poolId)
    {
        try
        {
            await bus.PublishAsync(EventChannels.UserCountChanged, poolId);
        }
        catch (Exception)
        {
            // Note: Redis is down: the other instances' Connected is false too (they count from the database), and
            // when it returns the new epoch drops what they cached.
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ForgetChangedPools(eventData.Context, announce: false);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        ForgetChangedPools(eventData.Context, announce: false);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ForgetChangedPools(eventData.Context, announce: true);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ForgetChangedPools(eventData.Context, announce: true);
        return ValueTask.FromResult(result);
    }

    // Note: forgotten before the save (on this instance) and after it, when the rows are committed, announced once per
    // pool to the others (after the save the entries are Unchanged, so the pools found before it are kept meanwhile).
    private void ForgetChangedPools(DbContext? context, bool announce)
    {
        if (context is null)
            return;
        if (announce)
        {
            if (pending.TryGetValue(context, out var saved))
            {
                pending.Remove(context);
                foreach (var pool in saved)
                    Forget(pool);
            }
            return;
        }
        HashSet<string>? pools = null;
        foreach (var entry in context.ChangeTracker.Entries<User>())
        {
            if (entry.State is EntityState.Added or EntityState.Deleted
                || (entry.State == EntityState.Modified && entry.Property(u => u.IsDeleted).IsModified)
                || entry.Entity.DeletedAt is not null)
                (pools ??= new(StringComparer.Ordinal)).Add(entry.Entity.UserPoolId);
        }
        if (pools is null)
            return;
        foreach (var pool in pools)
            cache.Remove(("user-count", pool));
        pending.AddOrUpdate(context, pools);
    }
}
