using System.Collections.Concurrent;

namespace GenAuth.Core.Security;

/// <summary>
/// Counters that limits and quotas are built on (send quotas, registration limits, brute-force counts). One
/// abstraction so that with Redis configured every instance counts into the same place and N instances never give
/// N times the allowance; in memory otherwise.
/// </summary>
public interface IRateCounter
{
    /// <summary>
    /// Adds <paramref name="cost"/> to <paramref name="key"/> and returns the count over the last
    /// <paramref name="window"/> (sliding window, approximated from the current and previous fixed windows).
    /// </summary>
    ValueTask<long> HitAsync(string key, TimeSpan window, long cost = 1, CancellationToken ct = default);

    /// <summary>The count over the last <paramref name="window"/> without adding to it.</summary>
    ValueTask<long> PeekAsync(string key, TimeSpan window, CancellationToken ct = default);

    /// <summary>Forgets the key (e.g. a success that clears a failure count).</summary>
    ValueTask ResetAsync(string key, CancellationToken ct = default);
}

/// <summary>The one-instance counter: the sliding window estimated as current + previous × the unexpired share of it.</summary>
public sealed class MemoryRateCounter(TimeProvider clock) : IRateCounter
{
    private sealed class Window
    {
        public long Start;
        public long Current;
        public long Previous;
        public long LastTouched;
    }

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public ValueTask<long> HitAsync(string key, TimeSpan window, long cost = 1, CancellationToken ct = default) =>
        ValueTask.FromResult(Count(key, window, cost));

    public ValueTask<long> PeekAsync(string key, TimeSpan window, CancellationToken ct = default) =>
        ValueTask.FromResult(Count(key, window, 0));

    public ValueTask ResetAsync(string key, CancellationToken ct = default)
    {
        _windows.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    private long Count(string key, TimeSpan window, long cost)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % size;
        if (cost == 0 && !_windows.ContainsKey(key))
            return 0;
        var w = _windows.GetOrAdd(key, _ => new Window { Start = start });
        long result;
        lock (w)
        {
            if (w.Start != start)
            {
                w.Previous = w.Start == start - size ? w.Current : 0;
                w.Current = 0;
                w.Start = start;
            }
            // Note: a negative cost gives units back (a refused or failed attempt), never below zero.
            w.Current = Math.Max(0, w.Current + cost);
            w.LastTouched = now;
            var previousShare = 1.0 - (double)(now - start) / size;
            result = w.Current + (long)Math.Floor(w.Previous * previousShare);
        }
        if (_windows.Count > 200_000)
            Sweep(now);
        return result;
    }

    private void Sweep(long now)
    {
        // Note: a key untouched for a day has no count left in any window this server uses (the longest is a day).
        foreach (var (key, w) in _windows)
            if (now - Volatile.Read(ref w.LastTouched) > 86_400_000)
                _windows.TryRemove(key, out _);
    }
}
