using System.Collections.Concurrent;

namespace GenAuth.Core.Security;

/// <summary>
/// Timed locks that brute-force checks set and read (an account's password, a user's second factor, an IP). Beside
/// <see cref="IRateCounter"/> because a lock must last exactly its time, which a sliding-window estimate can't promise;
/// with Redis configured every instance sees the same locks.
/// </summary>
public interface ILockoutStore
{
    /// <summary>
    /// Locks <paramref name="key"/> until now + <paramref name="duration"/> (a lock that already lasts longer stays).
    /// True when the key was not locked before: the caller that started the lock (e.g. to notify once).
    /// </summary>
    ValueTask<bool> LockAsync(string key, TimeSpan duration, CancellationToken ct = default);

    /// <summary>How long the key stays locked; zero when it isn't.</summary>
    ValueTask<TimeSpan> RemainingAsync(string key, CancellationToken ct = default);
}

/// <summary>The one-instance lock store, on the server's clock.</summary>
public sealed class MemoryLockoutStore(TimeProvider clock) : ILockoutStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    public ValueTask<bool> LockAsync(string key, TimeSpan duration, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var until = now + duration;
        var fresh = false;
        _until.AddOrUpdate(key, _ =>
        {
            fresh = true;
            return until;
        }, (_, current) =>
        {
            fresh = current <= now;
            return current > until ? current : until;
        });
        if (_until.Count > 100_000)
            Sweep(now);
        return ValueTask.FromResult(fresh);
    }

    public ValueTask<TimeSpan> RemainingAsync(string key, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return ValueTask.FromResult(_until.TryGetValue(key, out var until) && until > now ? until - now : TimeSpan.Zero);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, until) in _until)
            if (until <= now)
                _until.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
    }
}
