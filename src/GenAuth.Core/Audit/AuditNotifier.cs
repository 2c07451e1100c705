using System.Data.Common;
using System.Runtime.CompilerServices;
using GenAuth.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.Audit;

/// <summary>
/// Tells the live feeds (every instance, through the bus) that a pool has new events, once they are committed: after
/// SaveChanges outside a transaction, else when the transaction commits (nothing on rollback). The message carries no
/// event: readers re-read the table from their last id, so a lost message only delays them until their next poll.
/// </summary>
public sealed class AuditNotifier(IEventBus bus, ILogger<AuditNotifier> logger) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _saving = new();
    private readonly ConditionalWeakTable<DbTransaction, HashSet<string>> _uncommitted = new();

    public static string Channel(string poolId) => "audit:" + poolId;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context)
            _saving.Remove(context);
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_uncommitted.TryGetValue(transaction, out var pools))
        {
            _uncommitted.Remove(transaction);
            Publish(pools);
        }
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        _uncommitted.Remove(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        _uncommitted.Remove(transaction);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
            return;
        HashSet<string>? pools = null;
        foreach (var entry in context.ChangeTracker.Entries<AuditEvent>())
            if (entry.State == EntityState.Added)
                (pools ??= new HashSet<string>(StringComparer.Ordinal)).Add(entry.Entity.UserPoolId);
        if (pools is not null)
            _saving.AddOrUpdate(context, pools);
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var pools))
            return;
        _saving.Remove(context);
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } tx)
            _uncommitted.GetValue(tx, _ => new HashSet<string>(StringComparer.Ordinal)).UnionWith(pools);
        else
            Publish(pools);
    }

    /// <summary>For events written outside SaveChanges (the group-commit writer's INSERT): call once they are committed.</summary>
    public void Announce(IEnumerable<string> pools) => Publish(pools.Distinct(StringComparer.Ordinal));

    private void Publish(IEnumerable<string> pools)
    {
        foreach (var pool in pools)
            _ = PublishAsync(pool);
    }

    private async Task PublishAsync(string pool)
    {
        try
        {
            await bus.PublishAsync(Channel(pool), "");
        }
        catch (Exception e)
        {
            // Readers poll as well; a lost poke only delays them.
            logger.LogWarning(e, "Announcing new audit events of a pool failed");
        }
    }
}
