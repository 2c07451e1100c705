using System.Collections.Concurrent;
using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>GenAuth:BruteForce: Keycloak-like backoff of failed logins per account and per client IP.</summary>
public sealed class BruteForceOptions
{
    /// <summary>Failures of one account allowed before waits begin.</summary>
    public int AccountFailures { get; set; } = 5;

    /// <summary>Failures from one IP (any accounts) allowed before waits begin.</summary>
    public int IpFailures { get; set; } = 50;

    /// <summary>Each failure past the allowance adds this wait.</summary>
    public int WaitIncrementSeconds { get; set; } = 30;

    public int MaxWaitSeconds { get; set; } = 900;

    /// <summary>A key with no failure for this long starts over.</summary>
    public int ResetAfterSeconds { get; set; } = 3600;
}

/// <summary>
/// Counts failed logins by account identifier and by IP; past the allowance every further failure
/// lengthens a wait during which attempts are refused with 2058 before the password is even checked.
/// </summary>
// Note: keyed by what the caller typed (normalised), not by user id, so unknown accounts are throttled alike
// and the answer never reveals whether an account exists. In-memory per instance (shared state comes with Redis).
public sealed class LoginThrottle(IOptions<BruteForceOptions> options, TimeProvider clock)
{
    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset LockedUntil;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    public void EnsureAllowed(string poolId, string account, string? ip)
    {
        var now = clock.GetUtcNow();
        var wait = Math.Max(RemainingSeconds(AccountKey(poolId, account), now), ip is null ? 0 : RemainingSeconds(IpKey(poolId, ip), now));
        if (wait > 0)
            throw new GenAuthException(ErrorCodes.TooManyAttempts, new { retryAfter = wait });
    }

    public void RecordFailure(string poolId, string account, string? ip)
    {
        var o = options.Value;
        Record(AccountKey(poolId, account), o.AccountFailures);
        if (ip is not null)
            Record(IpKey(poolId, ip), o.IpFailures);
        if (_entries.Count > 100_000)
            Sweep();
    }

    public void RecordSuccess(string poolId, string account) => _entries.TryRemove(AccountKey(poolId, account), out _);

    private void Record(string key, int allowance)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        lock (entry)
        {
            if (now - entry.LastFailure > TimeSpan.FromSeconds(o.ResetAfterSeconds))
                entry.Failures = 0;
            entry.Failures++;
            entry.LastFailure = now;
            var over = entry.Failures - allowance;
            if (over > 0)
                entry.LockedUntil = now.AddSeconds(Math.Min((long)over * o.WaitIncrementSeconds, o.MaxWaitSeconds));
        }
    }

    private int RemainingSeconds(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
            return 0;
        lock (entry)
            return entry.LockedUntil > now ? (int)Math.Ceiling((entry.LockedUntil - now).TotalSeconds) : 0;
    }

    private void Sweep()
    {
        var cutoff = clock.GetUtcNow().AddSeconds(-options.Value.ResetAfterSeconds);
        foreach (var (key, entry) in _entries)
            if (entry.LastFailure < cutoff && entry.LockedUntil < clock.GetUtcNow())
                _entries.TryRemove(key, out _);
    }

    private static string AccountKey(string poolId, string account) => $"a:{poolId}:{account.Trim().ToLowerInvariant()}";

    private static string IpKey(string poolId, string ip) => $"i:{poolId}:{ip}";
}
