using GenAuth.Core.Common;
using GenAuth.Core.Security;

namespace GenAuth.Core.Pools;

/// <summary>One of GenAuth's frequency checks as updateUserpool sends it: null fields keep their value.</summary>
public sealed record FailCheckInput(bool? Enabled, int? Limit, int? TimeInterval);

/// <summary>
/// The pool's login failure settings (GenAuth's loginFailCheck, loginPasswordFailCheck, loginFailStrategy): validated
/// when an admin sets them and turned into the rules <see cref="LoginThrottle"/> applies on top of the server's own.
/// </summary>
public static class LoginFailSettings
{
    public const string BlockAccount = "block-account";
    public const string Captcha = "captcha";
    public const int MaxLimit = 10_000;
    public const int MaxInterval = 86_400;

    /// <summary>The rules a sign-in applies for this pool (none while both checks are off).</summary>
    public static LoginFailRules FailRules(this UserPool pool) =>
        !pool.LoginFailCheckEnabled && !pool.LoginPasswordFailCheckEnabled
            ? LoginFailRules.None
            : new LoginFailRules(
                pool.LoginFailCheckEnabled ? new FailureRule(pool.LoginFailCheckLimit, TimeSpan.FromSeconds(pool.LoginFailCheckInterval)) : null,
                pool.LoginPasswordFailCheckEnabled
                    ? new FailureRule(pool.LoginPasswordFailCheckLimit, TimeSpan.FromSeconds(pool.LoginPasswordFailCheckInterval))
                    : null);

    /// <summary>
    /// Applies what the admin sent (nothing is changed when any of it is refused). A captcha strategy is refused: this
    /// server has no captcha check, and an admin must never believe a protection is on when it is not.
    /// </summary>
    public static void Apply(UserPool pool, FailCheckInput? loginFailCheck, FailCheckInput? loginPasswordFailCheck, string? strategy)
    {
        var ip = Validate("loginFailCheck", loginFailCheck, pool.LoginFailCheckEnabled, pool.LoginFailCheckLimit, pool.LoginFailCheckInterval);
        var account = Validate("loginPasswordFailCheck", loginPasswordFailCheck, pool.LoginPasswordFailCheckEnabled,
            pool.LoginPasswordFailCheckLimit, pool.LoginPasswordFailCheckInterval);
        var newStrategy = strategy is null ? pool.LoginFailStrategy : strategy.Trim().ToLowerInvariant() switch
        {
            "" => null,
            BlockAccount or "lock-account" => BlockAccount,
            Captcha => throw new GenAuthException(ErrorCodes.BadRequest,
                detail: "loginFailStrategy captcha is not available: this server has no captcha check; use block-account"),
            _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "loginFailStrategy must be block-account"),
        };
        (pool.LoginFailCheckEnabled, pool.LoginFailCheckLimit, pool.LoginFailCheckInterval) = ip;
        (pool.LoginPasswordFailCheckEnabled, pool.LoginPasswordFailCheckLimit, pool.LoginPasswordFailCheckInterval) = account;
        pool.LoginFailStrategy = newStrategy;
    }

    private static (bool Enabled, int Limit, int Interval) Validate(string name, FailCheckInput? input, bool enabled, int limit,
        int interval)
    {
        if (input is null)
            return (enabled, limit, interval);
        var l = input.Limit ?? limit;
        var t = input.TimeInterval ?? interval;
        if (l < 1 || l > MaxLimit)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{name}.limit must be 1 to {MaxLimit}");
        if (t < 1 || t > MaxInterval)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{name}.timeInterval must be 1 to {MaxInterval} seconds");
        return (input.Enabled ?? enabled, l, t);
    }
}
