using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Audit;

/// <summary>
/// Live, resumable streams of a pool's events. A stream keeps the id of the last event it read and only ever reads the
/// table after it, in id order, so it neither skips nor repeats: it first replays what followed the caller's "after",
/// then reads again on every bus message for the pool (and every few seconds, in case a message was lost).
/// </summary>
public sealed class AuditFeed(IDbContextFactory<GenAuthDbContext> contexts, IEventBus bus, IOptions<AuditOptions> options,
    ILogger<AuditFeed> logger)
{
    internal const int ReadBatch = 200;

    private int _open;

    public int OpenFeeds => Volatile.Read(ref _open);

    /// <summary>
    /// A stream of the pool's events matching the filter: those after <paramref name="after"/> first (all of them, in id
    /// order), then new ones as they commit. Without <paramref name="after"/>, only events from now on.
    /// </summary>
    public async Task<IObservable<AuditEvent>> SubscribeAsync(string poolId, AuditFilter filter, long? after, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _open) > options.Value.MaxFeeds)
        {
            Interlocked.Decrement(ref _open);
            throw new GenAuthException(ErrorCodes.TooManyOperations);
        }
        try
        {
            var stream = new AuditStream(this, poolId, filter);
            // Note: subscribe to the bus before reading the starting point, so nothing committed in between is missed.
            stream.Bus = await bus.SubscribeAsync(AuditNotifier.Channel(poolId), _ => stream.Poke(), ct);
            stream.Cursor = after ?? await LastIdAsync(poolId, ct);
            return stream;
        }
        catch
        {
            Interlocked.Decrement(ref _open);
            throw;
        }
    }

    internal void Closed() => Interlocked.Decrement(ref _open);

    internal TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.FeedPollSeconds));

    internal ILogger Logger => logger;

    internal async Task<List<AuditEvent>> ReadAfterAsync(string poolId, long cursor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.UserPoolId == poolId && e.Id > cursor)
            .OrderBy(e => e.Id).Take(ReadBatch).ToListAsync(ct);
    }

    private async Task<long> LastIdAsync(string poolId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditEvents.IgnoreQueryFilters().Where(e => e.UserPoolId == poolId)
            .MaxAsync(e => (long?)e.Id, ct) ?? 0;
    }
}

/// <summary>One subscriber's stream: a single pump task reads and emits, so events reach the observer in id order.</summary>
internal sealed class AuditStream(AuditFeed feed, string poolId, AuditFilter filter) : IObservable<AuditEvent>, IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _subscribed;
    private int _disposed;

    public IDisposable? Bus { get; set; }
    public long Cursor { get; set; }

    public void Poke()
    {
        try
        {
            if (_signal.CurrentCount == 0)
                _signal.Release();
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or closed.
        }
    }

    public IDisposable Subscribe(IObserver<AuditEvent> observer)
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 1)
            throw new InvalidOperationException("An audit stream has one subscriber");
        _ = Task.Run(() => PumpAsync(observer));
        return this;
    }

    private async Task PumpAsync(IObserver<AuditEvent> observer)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var rows = await feed.ReadAfterAsync(poolId, Cursor, ct);
                foreach (var e in rows)
                {
                    Cursor = e.Id;
                    if (filter.Matches(e))
                        observer.OnNext(e);
                }
                if (rows.Count == AuditFeed.ReadBatch)
                    continue;
                await _signal.WaitAsync(feed.PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                feed.Logger.LogWarning(e, "Reading audit events for a live feed failed; retrying");
                try
                {
                    await Task.Delay(feed.PollInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stop.Cancel();
        Bus?.Dispose();
        feed.Closed();
    }
}
