using GenAuth.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.QrLogin;

/// <summary>
/// Pushes expiry: one timer for all live codes, armed for the earliest deadline. When it fires, each due code is
/// handed to <c>expire</c> (the hub's conditional update: a no-op if the code moved on, or if another instance got
/// there first), with a DbContext of its own scope. Owned by <see cref="QrLoginHub"/>, which gives it that callback:
/// the scheduler knows nothing of the hub, so the two don't hold each other.
/// </summary>
public sealed class QrExpiryScheduler(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger,
    Func<GenAuthDbContext, string, CancellationToken, Task> expire) : IDisposable
{
    private readonly object _gate = new();
    private readonly PriorityQueue<(string PoolId, string Random), DateTimeOffset> _queue = new();
    private ITimer? _timer;
    private DateTimeOffset? _armedFor;
    private bool _disposed;

    public int Pending
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    public void Schedule(string poolId, string random, DateTime expiresAtUtc)
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(expiresAtUtc, DateTimeKind.Utc));
        lock (_gate)
        {
            if (_disposed)
                return;
            _queue.Enqueue((poolId, random), at);
            if (_armedFor is null || at < _armedFor)
                Arm(at);
        }
    }

    private void Arm(DateTimeOffset at)
    {
        var due = at - clock.GetUtcNow();
        if (due < TimeSpan.Zero)
            due = TimeSpan.Zero;
        _armedFor = at;
        _timer ??= clock.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        var due = new List<(string PoolId, string Random)>();
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = clock.GetUtcNow();
            while (_queue.TryPeek(out var item, out var at) && at <= now)
            {
                _queue.Dequeue();
                due.Add(item);
            }
            _armedFor = null;
            if (_queue.TryPeek(out _, out var next))
                Arm(next);
        }
        if (due.Count > 0)
            _ = ExpireAsync(due);
    }

    private async Task ExpireAsync(List<(string PoolId, string Random)> due)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
            foreach (var (poolId, random) in due)
            {
                db.PoolId = poolId;
                await expire(db, random, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Expiring {Count} QR codes failed", due.Count);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _queue.Clear();
        }
    }
}
