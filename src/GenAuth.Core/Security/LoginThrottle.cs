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

    /// <summary>The window failures are counted over: a key with no failure for this long starts over.</summary>
    public int ResetAfterSeconds { get; set; } = 3600;

    /// <summary>GenAuth:BruteForce:SecondFactor: wrong second-factor answers per user, across all of its mfaTokens.</summary>
    public SecondFactorOptions SecondFactor { get; set; } = new();
}

/// <summary>One "at most <see cref="Limit"/> failures in <see cref="Window"/>" rule a pool adds (loginFailCheck, loginPasswordFailCheck).</summary>
public sealed record FailureRule(int Limit, TimeSpan Window);

/// <summary>The pool's own rules on top of the server's: per IP (loginFailCheck) and per account (loginPasswordFailCheck).</summary>
public sealed record LoginFailRules(FailureRule? PerIp, FailureRule? PerAccount)
{
    public static readonly LoginFailRules None = new(null, null);
}

/// <summary>
/// Counts failed logins by account and by IP; past the allowance every further failure lengthens a lock during which
/// attempts are refused with 2058 before the password is even checked. A pool's loginFailCheck / loginPasswordFailCheck
/// add their own "N failures in T seconds locks for T seconds" rules on the same locks.
/// </summary>
// Note: the account key is the resolved user ("u:<id>") or, when none exists, the canonical identifier the caller
// typed (E.164 phone, normalised email), so every spelling of one account shares its count and unknown accounts are
// throttled alike (the answer never reveals whether an account exists). Strikes and locks live in ILockoutStore:
// shared through Redis when it is configured, so N instances don't give N times the attempts.
public sealed class LoginThrottle(ILockoutStore locks, IOptions<BruteForceOptions> options)
{
    /// <summary>The account key of a resolved user.</summary>
    public static string UserKey(string userId) => "u:" + userId;

    /// <summary>Seconds the account or the IP stays locked (0: go ahead).</summary>
    public async Task<int> RetryAfterAsync(string poolId, string account, string? ip, CancellationToken ct = default)
    {
        var wait = await locks.RemainingAsync(AccountLock(poolId, account), ct);
        if (ip is not null)
        {
            var ipWait = await locks.RemainingAsync(IpLock(poolId, ip), ct);
            if (ipWait > wait)
                wait = ipWait;
        }
        return wait <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(wait.TotalSeconds);
    }

    public async Task RecordFailureAsync(string poolId, string account, string? ip, LoginFailRules? rules = null,
        CancellationToken ct = default)
    {
        var o = options.Value;
        rules ??= LoginFailRules.None;
        var window = TimeSpan.FromSeconds(o.ResetAfterSeconds);
        await BackoffAsync($"pw:a:{poolId}:{account}", AccountLock(poolId, account), o.AccountFailures, window, ct);
        if (rules.PerAccount is { } perAccount)
            await RuleAsync($"pw:pa:{poolId}:{account}", AccountLock(poolId, account), perAccount, ct);
        if (ip is null)
            return;
        await BackoffAsync($"pw:i:{poolId}:{ip}", IpLock(poolId, ip), o.IpFailures, window, ct);
        if (rules.PerIp is { } perIp)
            await RuleAsync($"pw:pi:{poolId}:{ip}", IpLock(poolId, ip), perIp, ct);
    }

    /// <summary>A completed sign-in (not a right password alone, while a second factor is still open) clears the account's failures.</summary>
    public async Task RecordSuccessAsync(string poolId, string account, CancellationToken ct = default)
    {
        await locks.ForgetStrikesAsync($"pw:a:{poolId}:{account}", ct);
        await locks.ForgetStrikesAsync($"pw:pa:{poolId}:{account}", ct);
    }

    private async Task BackoffAsync(string key, string lockKey, int allowance, TimeSpan window, CancellationToken ct)
    {
        var o = options.Value;
        var failures = await locks.StrikeAsync(key, window, ct);
        var over = failures - allowance;
        if (over > 0)
            await locks.LockAsync(lockKey, TimeSpan.FromSeconds(Math.Min(over * o.WaitIncrementSeconds, o.MaxWaitSeconds)), ct);
    }

    private async Task RuleAsync(string key, string lockKey, FailureRule rule, CancellationToken ct)
    {
        if (await locks.StrikeAsync(key, rule.Window, ct) >= rule.Limit)
            await locks.LockAsync(lockKey, rule.Window, ct);
    }

    private static string AccountLock(string poolId, string account) => $"pw:lock:a:{poolId}:{account}";

    private static string IpLock(string poolId, string ip) => $"pw:lock:i:{poolId}:{ip}";
}
