using System.Collections.Concurrent;

namespace GenAuth.Core.Security;

/// <summary>
/// Values that may be spent once (an OIDC state, a link ticket), remembered until they would have expired anyway. With
/// Redis configured (SET NX) every instance refuses a value spent on another; without Redis they are kept in the
/// database (<see cref="DatabaseRateStore"/>, on SQLite too, so a restart doesn't forget them).
/// </summary>
public interface ISingleUseStore
{
    /// <summary>True the first time <paramref name="key"/> is spent before <paramref name="expiresAt"/>; false after that (on any instance).</summary>
    ValueTask<bool> TryUseAsync(string key, DateTimeOffset expiresAt, CancellationToken ct = default);
}

/// <summary>The in-process store (Redis's fallback when it has no database, tests): at most <see cref="MaxEntries"/> unexpired values; when full, new values are refused rather than forgotten.</summary>
public sealed class MemorySingleUseStore(TimeProvider clock) : ISingleUseStore
{
    public const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);

    public ValueTask<bool> TryUseAsync(string key, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (_used.Count >= MaxEntries / 2)
            foreach (var (k, until) in _used)
                if (until < now)
                    _used.TryRemove(k, out _);
        if (_used.Count >= MaxEntries)
            return ValueTask.FromResult(false);
        return ValueTask.FromResult(_used.TryAdd(key, expiresAt.ToUnixTimeMilliseconds()));
    }
}
