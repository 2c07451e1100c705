using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>GenAuth:BruteForce:SecondFactor: how wrong second-factor answers (TOTP, SMS, email, recovery codes) are limited.</summary>
public sealed class SecondFactorOptions
{
    /// <summary>Wrong answers of one user (all its mfaTokens, any IP) within the window that lock its second factor.</summary>
    public int LockAfter { get; set; } = 10;

    /// <summary>How long a locked second factor refuses every answer, the right one too.</summary>
    public int LockSeconds { get; set; } = 900;

    /// <summary>The window wrong answers are counted over.</summary>
    public int WindowSeconds { get; set; } = 900;

    /// <summary>Wrong answers allowed before each further one makes the user wait (backoff).</summary>
    public int BackoffAfter { get; set; } = 3;

    /// <summary>The first backoff wait; it doubles with every further wrong answer (capped at LockSeconds).</summary>
    public int BackoffSeconds { get; set; } = 2;

    /// <summary>Wrong answers from one IP (any users) within the window after which that IP is refused for LockSeconds.</summary>
    public int IpFailures { get; set; } = 30;
}

/// <summary>What a wrong answer did: it locked the second factor just now (notify the user once), or not.</summary>
public enum SecondFactorFailure
{
    Counted,
    Locked,
}

/// <summary>
/// Second-factor failures counted per user across every challenge, and per IP. A few wrong answers are free; then each
/// one makes the user wait (doubling); at <see cref="SecondFactorOptions.LockAfter"/> the user's second factor is locked
/// for <see cref="SecondFactorOptions.LockSeconds"/>, from every IP and even for the right code.
/// </summary>
// Note: the per-mfaToken limit alone let an attacker who knows the password open fresh challenges forever (issue 10).
public sealed class SecondFactorThrottle(ILockoutStore locks, IOptions<BruteForceOptions> options)
{
    private SecondFactorOptions O => options.Value.SecondFactor;

    /// <summary>How long a lock lasts (for the notice to the user).</summary>
    public int LockSeconds => O.LockSeconds;

    /// <summary>Refuses (1648, with retryAfter) while the user's second factor or the IP is locked or waiting.</summary>
    public async Task EnsureAllowedAsync(string poolId, string userId, string? ip, CancellationToken ct = default)
    {
        var wait = Max(await locks.RemainingAsync(LockKey(poolId, userId), ct), await locks.RemainingAsync(WaitKey(poolId, userId), ct));
        if (ip is not null)
            wait = Max(wait, await locks.RemainingAsync(IpLockKey(poolId, ip), ct));
        if (wait > TimeSpan.Zero)
            throw new GenAuthException(ErrorCodes.SecondFactorLocked, new { retryAfter = (int)Math.Ceiling(wait.TotalSeconds) });
    }

    public async Task<SecondFactorFailure> RecordFailureAsync(string poolId, string userId, string? ip, CancellationToken ct = default)
    {
        var o = O;
        var window = TimeSpan.FromSeconds(o.WindowSeconds);
        if (ip is not null && await locks.StrikeAsync($"2f:i:{poolId}:{ip}", window, ct) >= o.IpFailures)
            await locks.LockAsync(IpLockKey(poolId, ip), TimeSpan.FromSeconds(o.LockSeconds), ct);
        var failures = await locks.StrikeAsync(CountKey(poolId, userId), window, ct);
        if (failures >= o.LockAfter)
        {
            // Note: only the failure that starts the lock reports it, so the user is told once per lock.
            return await locks.LockAsync(LockKey(poolId, userId), TimeSpan.FromSeconds(o.LockSeconds), ct)
                ? SecondFactorFailure.Locked
                : SecondFactorFailure.Counted;
        }
        if (failures > o.BackoffAfter)
        {
            var doublings = (int)Math.Min(failures - o.BackoffAfter - 1, 20);
            var seconds = Math.Min((long)o.BackoffSeconds << doublings, o.LockSeconds);
            await locks.LockAsync(WaitKey(poolId, userId), TimeSpan.FromSeconds(seconds), ct);
        }
        return SecondFactorFailure.Counted;
    }

    /// <summary>A passed second factor forgets the user's earlier wrong answers (not a running lock: it can't pass then).</summary>
    public ValueTask RecordSuccessAsync(string poolId, string userId, CancellationToken ct = default) =>
        locks.ForgetStrikesAsync(CountKey(poolId, userId), ct);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string CountKey(string poolId, string userId) => $"2f:u:{poolId}:{userId}";

    private static string LockKey(string poolId, string userId) => $"2f:lock:{poolId}:{userId}";

    private static string WaitKey(string poolId, string userId) => $"2f:wait:{poolId}:{userId}";

    private static string IpLockKey(string poolId, string ip) => $"2f:lock:i:{poolId}:{ip}";
}
