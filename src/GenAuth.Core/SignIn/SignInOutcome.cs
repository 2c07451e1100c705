using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Core.QrLogin;
using GenAuth.Core.Users;

namespace GenAuth.Core.SignIn;

/// <summary>
/// How a sign-in ended. The pipeline returns it after committing what it wrote; only the edges (GraphQL, REST, later
/// OIDC and hosted pages) turn the three stops into GenAuth's codes, through <see cref="SignInOutcomes"/>.
/// </summary>
public abstract record SignInOutcome;

/// <summary>A new session: the user with its id token.</summary>
public sealed record SignedIn(UserView User, string SessionId) : SignInOutcome
{
    /// <summary>The id-token claims the pool's pipeline functions added (user.addToken); the OIDC id_token carries them too.</summary>
    public IReadOnlyDictionary<string, object?> Claims { get; init; } = new Dictionary<string, object?>();
}

/// <summary>A second factor must answer the challenge: the one-time mfaToken and the factors on offer (1635's data).</summary>
public sealed record SecondFactorRequired(string MfaToken, IReadOnlyDictionary<string, object?> Data) : SignInOutcome;

/// <summary>An admin asked for a new password first (on first login, or forced): a one-time token for the reset.</summary>
public sealed record ResetRequired(bool FirstLogin, string Token) : SignInOutcome;

/// <summary>No session, for a reason with a GenAuth code: blocked, app access, unverified email, throttled, wrong credentials.</summary>
public sealed record Refused(ErrorCode Error, object? Data = null) : SignInOutcome;

/// <summary>A registration: the new user, and the sign-in that followed when a token was asked for (and allowed).</summary>
public sealed record Registered(UserView User, SignInOutcome? SignIn);

/// <summary>A QR check: the code's state and, when it redeemed the ticket (returnFullUserInfo), that sign-in.</summary>
public sealed record QrSignInCheck(QrCodeState State, SignInOutcome? SignIn);

/// <summary>The edges' one translation of outcomes into GenAuth's answers (codes 1635, 1639, 2080, 2057, 2604, …).</summary>
public static class SignInOutcomes
{
    /// <summary>The signed-in user, or the GenAuth error (with its data) that tells the client the next step.</summary>
    public static UserView RequireSignedIn(this SignInOutcome outcome) => outcome switch
    {
        SignedIn s => s.User,
        SecondFactorRequired m => throw new GenAuthException(ErrorCodes.MfaRequired, m.Data),
        ResetRequired r => throw new GenAuthException(r.FirstLogin ? ErrorCodes.FirstLoginResetRequired : ErrorCodes.ForceResetRequired,
            new { token = r.Token }),
        Refused f => throw new GenAuthException(f.Error, f.Data),
        _ => throw new InvalidOperationException("Unknown sign-in outcome " + outcome.GetType().Name),
    };

    public static async Task<UserView> RequireSignedIn(this Task<SignInOutcome> outcome) => (await outcome).RequireSignedIn();

    /// <summary>The new user; when a sign-in followed, its session (or its next step, as an error).</summary>
    public static UserView RequireSignedIn(this Registered registered) =>
        registered.SignIn is null ? registered.User : registered.SignIn.RequireSignedIn() with { NewlyCreated = true };

    public static async Task<UserView> RequireSignedIn(this Task<Registered> registered) => (await registered).RequireSignedIn();

    /// <summary>check's answer: the state, with the scanner's new session when the check redeemed the ticket.</summary>
    public static QrCheckResult RequireSignedIn(this QrSignInCheck check) =>
        new(check.State, check.SignIn?.RequireSignedIn());

    public static async Task<QrCheckResult> RequireSignedIn(this Task<QrSignInCheck> check) => (await check).RequireSignedIn();

    /// <summary>verifyRecoveryCode's answer: the session and the new recovery code.</summary>
    public static async Task<RecoveryLogin> RequireSignedIn(this Task<RecoverySignIn> recovery)
    {
        var r = await recovery;
        return new RecoveryLogin(r.Outcome.RequireSignedIn(), r.RecoveryCode);
    }

    /// <summary>An enrolment that answered an mfaToken: the factor and the session it completed.</summary>
    public static async Task<EnrolledFactor> RequireSignedIn(this Task<EnrollmentSignIn> enrollment)
    {
        var e = await enrollment;
        return new EnrolledFactor(e.Factor, e.Outcome.RequireSignedIn());
    }
}
