using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Mfa;

/// <summary>The second step a sign-in stopped at: the one-time mfaToken and the data GenAuth's 1635 answer carries.</summary>
public sealed record MfaChallengeIssued(string MfaToken, IReadOnlyDictionary<string, object?> Data);

/// <summary>
/// Decides whether a sign-in needs a second factor (SignInService asks it before it opens a session). A user with an
/// enrolled factor gets a one-time mfaToken instead of a session; so does a user without one when the pool or the
/// caller's app requires MFA (needEnroll: the mfaToken then enrols a factor). Writes nothing itself beyond adding the
/// challenge and the login-log row to the context: the caller saves them and returns the outcome.
/// </summary>
public sealed class MfaGate(CallerContext caller, SessionService sessions, TimeProvider clock)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);
    public const int MaxFailures = 5;

    /// <summary>True when the user has at least one enrolled factor (the security level's mfa flag).</summary>
    public static Task<bool> HasEnrolledFactorAsync(GenAuthDbContext db, string userId, CancellationToken ct) =>
        db.MfaFactors.AnyAsync(f => f.UserId == userId, ct);

    /// <summary>Null when no second factor is needed; else the challenge, added to the context (unsaved).</summary>
    public async Task<MfaChallengeIssued?> ChallengeAsync(GenAuthDbContext db, UserPool pool, User user, string method,
        string? qrCodeId, CancellationToken ct)
    {
        var factors = await db.MfaFactors.AsNoTracking().Where(f => f.UserId == user.Id)
            .OrderBy(f => f.CreatedAt).ToListAsync(ct);
        if (factors.Count == 0 && !IsRequired(pool, caller.App))
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Ids.New(clock);
        var (token, hash) = OneTimeTokens.New(id);
        db.MfaChallenges.Add(new MfaChallenge
        {
            Id = id,
            UserPoolId = pool.Id,
            UserId = user.Id,
            AppId = caller.App?.Id,
            Method = method,
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = now + ChallengeLifetime,
            QrCodeId = qrCodeId,
        });
        sessions.LogLogin(db, pool.Id, user.Id, caller.App?.Id, method, ErrorCodes.MfaRequired.Code, caller.Ip, caller.UserAgent);
        return new MfaChallengeIssued(token, ChallengeData(token, user, factors));
    }

    public static bool IsRequired(UserPool pool, Application? app) => pool.MfaRequired || app?.MfaRequired == true;

    /// <summary>
    /// The 1635 data: the mfaToken, who is logging in, and what can answer the challenge, in the fields GenAuth's
    /// Guard reads (applicationMfa, totpMfaEnabled) plus enrolledFactors.
    /// </summary>
    private static Dictionary<string, object?> ChallengeData(string token, User user, List<MfaFactor> factors)
    {
        var sms = factors.FirstOrDefault(f => f.FactorType == FactorTypes.Sms);
        var email = factors.FirstOrDefault(f => f.FactorType == FactorTypes.Email);
        return new Dictionary<string, object?>
        {
            ["mfaToken"] = token,
            ["userId"] = user.Id,
            ["nickname"] = user.Nickname,
            ["username"] = user.Username,
            ["avatar"] = user.Photo,
            // Note: the enrolled targets, not the profile's: the client sends the code there.
            ["phone"] = sms is null ? user.Phone : FactorView.Of(sms).PhoneNumber,
            ["phoneCountryCode"] = sms?.PhoneCountryCode ?? user.PhoneCountryCode,
            ["email"] = email?.Target ?? user.Email,
            ["totpMfaEnabled"] = factors.Any(f => f.FactorType == FactorTypes.Otp),
            ["faceMfaEnabled"] = false,
            ["enrolledFactors"] = factors.Select(f => f.FactorType).ToArray(),
            // MFA is required and nothing is enrolled: sendEnrollFactorRequest / enrollFactor with the mfaToken finish the login.
            ["needEnroll"] = factors.Count == 0,
            ["factorsToEnroll"] = factors.Count == 0 ? FactorTypes.Enrollable.ToArray() : Array.Empty<string>(),
            ["applicationMfa"] = factors.Select((f, i) => new Dictionary<string, object?>
            {
                ["mfaPolicy"] = f.FactorType, ["status"] = 1, ["sort"] = i + 1,
            }).ToArray(),
        };
    }
}
