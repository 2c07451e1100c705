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

    /// <summary>
    /// Adds a failure ("strike") to <paramref name="key"/> and answers the strikes of the current and the previous fixed
    /// window, undecayed: never fewer than the strikes of the last <paramref name="window"/>, so "N failures in a window
    /// lock" holds exactly (IRateCounter's sliding estimate may count fewer across a window boundary).
    /// </summary>
    ValueTask<long> StrikeAsync(string key, TimeSpan window, CancellationToken ct = default);

    /// <summary>Forgets the key's strikes (a success).</summary>
    ValueTask ForgetStrikesAsync(string key, CancellationToken ct = default);
}

/// <summary>The one-instance lock and strike store, on the server's clock.</summary>
public sealed class MemoryLockoutStore(TimeProvider clock) : ILockoutStore
{
    private sealed class Strikes
    {
        public long Start;
        public long Current;
        public long Previous;
    }

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Strikes> _strikes = new(StringComparer.Ordinal);

    public ValueTask<long> StrikeAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % size;
        var s = _strikes.GetOrAdd(key, _ => new Strikes { Start = start });
        long result;
        lock (s)
        {
            if (s.Start != start)
            {
                s.Previous = s.Start == start - size ? s.Current : 0;
                s.Current = 0;
                s.Start = start;
            }
            s.Current++;
            result = s.Current + s.Previous;
        }
        if (_strikes.Count > 100_000)
            SweepStrikes(now);
        return ValueTask.FromResult(result);
    }

    public ValueTask ForgetStrikesAsync(string key, CancellationToken ct = default)
    {
        _strikes.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    private void SweepStrikes(long now)
    {
        // Note: no window these checks use is longer than a day.
        foreach (var (key, s) in _strikes)
            if (now - Volatile.Read(ref s.Start) > 2 * 86_400_000L)
                _strikes.TryRemove(key, out _);
    }

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
