using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Messaging;
using GenAuth.Core.Mfa;
using GenAuth.Core.Pools;
using GenAuth.Core.QrLogin;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>A recovery-code sign-in: its outcome, and the recovery code that replaced the one spent.</summary>
public sealed record RecoverySignIn(SignInOutcome Outcome, string RecoveryCode);

/// <summary>
/// What a user enrolling during a login may use: TOTP, and SMS or email only to the account's own verified phone or
/// email (masked here: the page shows where the code goes, not the whole address).
/// </summary>
public sealed record LoginEnrollmentOptions(string? MaskedPhone, string? MaskedEmail);

/// <summary>A factor enrolled with a login's mfaToken, and the sign-in that enrolment completed.</summary>
public sealed record EnrollmentSignIn(FactorView Factor, SignInOutcome Outcome);

/// <summary>
/// The second step of a sign-in that answered SecondFactorRequired: the mfaToken plus one factor's code (or a recovery
/// code, or a factor enrolled with it) completes it through <see cref="SignInService"/>, as a multi-factor session.
/// </summary>
public sealed class MfaLoginService(
    GenAuthDbContext db,
    CallerContext caller,
    SignInService signIn,
    MfaEnrollmentService enrollments,
    TotpCodes totp,
    SecretSealer sealer,
    IMfaCodeSender codes,
    SecondFactorThrottle throttle,
    AccountMailer mailer,
    Messenger messenger,
    AuditTrail audit,
    TimeProvider clock)
{
    public async Task<SignInOutcome> VerifyTotpAsync(string? mfaToken, string? code, CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForAnswerAsync(mfaToken, ct);
        var factor = await RequireFactorAsync(challenge, FactorTypes.Otp, ct);
        await UseTotpAsync(db, totp, sealer, factor, code, () => FailAsync(pool, challenge, user, ct), ct);
        return await FinishAsync(pool, challenge, user, ct, factor: "otp");
    }

    public async Task<SignInOutcome> VerifySmsAsync(string? mfaToken, string? phone, string? phoneCountryCode, string? code,
        CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForAnswerAsync(mfaToken, ct);
        var factor = await RequireFactorAsync(challenge, FactorTypes.Sms, ct);
        var given = string.IsNullOrWhiteSpace(phone) ? factor.Target
            : PhoneNumbersParser.Require(phone, phoneCountryCode ?? factor.PhoneCountryCode).E164;
        await VerifyCodeAsync(pool, challenge, user, factor, given, code, ct);
        return await FinishAsync(pool, challenge, user, ct, factor: "sms");
    }

    public async Task<SignInOutcome> VerifyEmailAsync(string? mfaToken, string? email, string? code, CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForAnswerAsync(mfaToken, ct);
        var factor = await RequireFactorAsync(challenge, FactorTypes.Email, ct);
        var given = string.IsNullOrWhiteSpace(email) ? factor.Target : Validation.NormalizeEmail(email);
        await VerifyCodeAsync(pool, challenge, user, factor, given, code, ct);
        return await FinishAsync(pool, challenge, user, ct, factor: "email");
    }

    /// <summary>A recovery code works once: it is replaced by a new one, returned beside the user.</summary>
    public async Task<RecoverySignIn> VerifyRecoveryCodeAsync(string? mfaToken, string? recoveryCode, CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForAnswerAsync(mfaToken, ct);
        var factor = await RequireFactorAsync(challenge, FactorTypes.Otp, ct);
        var next = RecoveryCodes.New();
        var nextHash = RecoveryCodes.Hash(next);
        var oldHash = factor.RecoveryCodeHash;
        // Note: the swap is conditional on the old hash, so one code can't be spent twice by concurrent requests.
        if (!RecoveryCodes.Matches(recoveryCode, oldHash) || await db.MfaFactors
                .Where(f => f.Id == factor.Id && f.RecoveryCodeHash == oldHash)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.RecoveryCodeHash, nextHash)
                    .SetProperty(f => f.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct) == 0)
        {
            await FailAsync(pool, challenge, user, ct);
            throw new GenAuthException(ErrorCodes.RecoveryCodeWrong);
        }
        return new RecoverySignIn(await FinishAsync(pool, challenge, user, ct, factor: "otp"), next);
    }

    /// <summary>
    /// MFA is required and the user has no factor (1635 with needEnroll): the mfaToken stands in for a session to
    /// start enrolling one.
    /// </summary>
    /// <remarks>
    /// Whoever holds an mfaToken has only proven the password: an SMS or email factor enrolled with it goes to the account's
    /// own verified phone or email (the one given must be it, or none given), never to a target the caller picks, which
    /// would let a password alone enrol the attacker's phone as the second factor (the hosted page does the same).
    /// </remarks>
    public async Task<EnrollmentRequest> SendEnrollFactorRequestAsync(string? mfaToken, string? factorType, string? phoneNumber,
        string? phoneCountryCode, string? email, CancellationToken ct)
    {
        var (_, _, user) = await OpenForEnrollmentAsync(mfaToken, ct);
        switch (factorType?.Trim().ToUpperInvariant())
        {
            case FactorTypes.Sms:
                if (user is not { PhoneVerified: true, Phone: not null })
                    throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: "the account has no verified phone number");
                if (!string.IsNullOrWhiteSpace(phoneNumber)
                    && PhoneNumbersParser.Require(phoneNumber, phoneCountryCode).E164 != PhoneNumbersParser.Require(user.Phone, user.PhoneCountryCode).E164)
                    throw new GenAuthException(ErrorCodes.FactorTargetMismatch);
                return await enrollments.RequestAsync(user, factorType, user.Phone, user.PhoneCountryCode, null, ct);
            case FactorTypes.Email:
                if (user is not { EmailVerified: true, Email: not null })
                    throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: "the account has no verified email address");
                if (!string.IsNullOrWhiteSpace(email)
                    && Validation.NormalizeEmail(Validation.RequireEmail(email, ErrorCodes.InvalidEmailAddress)) != Validation.NormalizeEmail(user.Email))
                    throw new GenAuthException(ErrorCodes.FactorTargetMismatch);
                return await enrollments.RequestAsync(user, factorType, null, null, user.Email, ct);
            default:
                return await enrollments.RequestAsync(user, factorType, phoneNumber, phoneCountryCode, email, ct);
        }
    }

    /// <summary>The hosted page's enrolment choices for an mfaToken (refused, 1647, once the user has any factor).</summary>
    public async Task<LoginEnrollmentOptions> EnrollmentOptionsAsync(string? mfaToken, CancellationToken ct)
    {
        var (_, _, user) = await OpenForEnrollmentAsync(mfaToken, ct);
        return new LoginEnrollmentOptions(
            user is { PhoneVerified: true, Phone: not null } ? MaskPhone(PhoneNumbersParser.Require(user.Phone, user.PhoneCountryCode).E164) : null,
            user is { EmailVerified: true, Email: not null } ? MaskEmail(user.Email) : null);
    }

    /// <summary>
    /// The hosted page's enrolment request: an SMS or email factor goes only to the account's verified phone or email,
    /// never to an address the form names, so whoever has only the password can't make a code reach them that way.
    /// </summary>
    public async Task<EnrollmentRequest> SendEnrollFactorRequestToAccountAsync(string? mfaToken, string? factorType, CancellationToken ct)
    {
        var (pool, _, user) = await OpenForEnrollmentAsync(mfaToken, ct);
        await throttle.EnsureAllowedAsync(pool.Id, user.Id, caller.Ip, ct);
        var type = factorType?.Trim().ToUpperInvariant();
        return type switch
        {
            FactorTypes.Sms when user is { PhoneVerified: true, Phone: not null } =>
                await enrollments.RequestAsync(user, type, user.Phone, user.PhoneCountryCode, null, ct),
            FactorTypes.Email when user is { EmailVerified: true, Email: not null } =>
                await enrollments.RequestAsync(user, type, null, null, user.Email, ct),
            FactorTypes.Otp => await enrollments.RequestAsync(user, type, null, null, null, ct),
            _ => throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: factorType),
        };
    }

    private static string MaskPhone(string e164) =>
        e164.Length <= 7 ? new string('*', e164.Length) : e164[..3] + new string('*', e164.Length - 7) + e164[^4..];

    private static string MaskEmail(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? "*" + email[Math.Max(at, 0)..] : email[0] + new string('*', Math.Min(at - 1, 6)) + email[at..];
    }

    /// <summary>Enrols the factor with its code and, in the same step, completes the login (the code proves the factor).</summary>
    public async Task<EnrollmentSignIn> EnrollFactorAsync(string? mfaToken, string? enrollmentToken, string? passCode,
        string? factorType, CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForEnrollmentAsync(mfaToken, ct);
        await throttle.EnsureAllowedAsync(pool.Id, user.Id, caller.Ip, ct);
        var pending = await enrollments.FindPendingAsync(user.Id, enrollmentToken, factorType, ct);
        return await EnrollAndFinishAsync(pool, challenge, user, pending, passCode, ct);
    }

    /// <summary>The SDK's confirmAssosicateMfaAuthenticator with an mfaToken (source APPLICATION).</summary>
    public async Task<EnrollmentSignIn> ConfirmTotpAsync(string? mfaToken, string? code, CancellationToken ct)
    {
        var (pool, challenge, user) = await OpenForEnrollmentAsync(mfaToken, ct);
        await throttle.EnsureAllowedAsync(pool.Id, user.Id, caller.Ip, ct);
        var pending = await enrollments.FindNewestOtpAsync(user.Id, ct);
        return await EnrollAndFinishAsync(pool, challenge, user, pending, code, ct);
    }

    /// <summary>The factors of the user an mfaToken is logging in (the SDK's getMfaAuthenticators during a login).</summary>
    public async Task<IReadOnlyList<FactorView>> ListFactorsForMfaTokenAsync(string? mfaToken, CancellationToken ct)
    {
        var (_, challenge, _) = await OpenAsync(mfaToken, ct);
        var factors = await db.MfaFactors.AsNoTracking().Where(f => f.UserId == challenge.UserId).OrderBy(f => f.CreatedAt).ToListAsync(ct);
        return factors.Select(FactorView.Of).ToList();
    }

    /// <summary>The SDK's phoneOrEmailBindable: whether no other user of the pool has this phone or email.</summary>
    public async Task<bool> PhoneOrEmailBindableAsync(string? mfaToken, string? phone, string? email, CancellationToken ct)
    {
        var (_, challenge, _) = await OpenAsync(mfaToken, ct);
        var users = db.Users.Where(u => !u.IsDeleted && u.Id != challenge.UserId);
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var key = Validation.PhoneLookup(phone);
            return !await users.AnyAsync(u => u.Phone == key, ct);
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            var normalized = Validation.NormalizeEmail(email);
            return !await users.AnyAsync(u => u.EmailNormalized == normalized, ct);
        }
        throw new GenAuthException(ErrorCodes.BadRequest);
    }

    /// <summary>
    /// Checks a TOTP code against a factor and marks its step used. The conditional update makes replays, including
    /// concurrent ones, fail: a step is accepted at most once and never one older than the last accepted.
    /// </summary>
    internal static async Task UseTotpAsync(GenAuthDbContext db, TotpCodes totp, SecretSealer sealer, MfaFactor factor,
        string? code, Func<Task> onFailure, CancellationToken ct)
    {
        var step = totp.Match(sealer.Unseal(factor.SecretSealed!), code);
        if (step is not { } s)
        {
            await onFailure();
            throw new GenAuthException(ErrorCodes.MfaCodeWrong);
        }
        if (await db.MfaFactors.Where(f => f.Id == factor.Id && f.LastUsedStep < s)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.LastUsedStep, s), ct) == 0)
        {
            await onFailure();
            throw new GenAuthException(ErrorCodes.MfaCodeReplayed);
        }
    }

    private async Task VerifyCodeAsync(UserPool pool, MfaChallenge challenge, User user, MfaFactor factor, string? given,
        string? code, CancellationToken ct)
    {
        if (given != factor.Target)
        {
            await FailAsync(pool, challenge, user, ct);
            throw new GenAuthException(ErrorCodes.FactorTargetMismatch);
        }
        try
        {
            await codes.VerifyAsync(pool, factor.FactorType, factor.Target!, factor.PhoneCountryCode, MfaCodePurpose.Verify, code, ct);
        }
        catch (GenAuthException)
        {
            await FailAsync(pool, challenge, user, ct);
            throw;
        }
    }

    /// <summary>
    /// An mfaToken about to be answered: refused while the user's second factor is locked or waiting (per user across
    /// every mfaToken, and per IP), before any code is checked, so the right code is refused too.
    /// </summary>
    private async Task<(UserPool Pool, MfaChallenge Challenge, User User)> OpenForAnswerAsync(string? mfaToken, CancellationToken ct)
    {
        var opened = await OpenAsync(mfaToken, ct);
        await throttle.EnsureAllowedAsync(opened.Pool.Id, opened.User.Id, caller.Ip, ct);
        return opened;
    }

    private async Task<(UserPool Pool, MfaChallenge Challenge, User User)> OpenAsync(string? mfaToken, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var id = OneTimeTokens.IdOf(mfaToken) ?? throw new GenAuthException(ErrorCodes.MfaTokenInvalid);
        var now = clock.GetUtcNow().UtcDateTime;
        var challenge = await db.MfaChallenges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        // Note: bound to the login that created it: same pool (query filter), same app, unspent, unexpired, under 5 failures.
        if (challenge is null || !OneTimeTokens.Matches(mfaToken!, challenge.TokenHash) || challenge.ConsumedAt is not null
            || challenge.ExpiresAt <= now || challenge.Failures >= MfaGate.MaxFailures || challenge.AppId != caller.App?.Id)
            throw new GenAuthException(ErrorCodes.MfaTokenInvalid);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == challenge.UserId && !u.IsDeleted, ct)
                   ?? throw new GenAuthException(ErrorCodes.MfaTokenInvalid);
        if (user.Blocked)
            throw new GenAuthException(ErrorCodes.AccountBlocked);
        return (pool, challenge, user);
    }

    private async Task<MfaFactor> RequireFactorAsync(MfaChallenge challenge, string type, CancellationToken ct) =>
        await db.MfaFactors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == challenge.UserId && f.FactorType == type, ct)
        ?? throw new GenAuthException(ErrorCodes.FactorNotFound);

    /// <summary>A wrong answer: counted on the mfaToken (5 kill it), and for the user and IP across every mfaToken.</summary>
    private async Task FailAsync(UserPool pool, MfaChallenge challenge, User user, CancellationToken ct)
    {
        GenAuthTelemetry.Mfa(challenge.Method, success: false);
        await db.MfaChallenges.Where(c => c.Id == challenge.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Failures, c => c.Failures + 1), ct);
        await audit.RecordFailureAsync(AuditEventTypes.VerifyMfa, user.Id, ErrorCodes.MfaCodeWrong.Code, new { factor = challenge.Method }, ct);
        if (await throttle.RecordFailureAsync(pool.Id, user.Id, caller.Ip, ct) == SecondFactorFailure.Locked)
            await NotifyLockedAsync(pool, user, ct);
    }

    /// <summary>Tells the user (mail, else SMS) once per lock that someone who knows the password is guessing; no code in it.</summary>
    private async Task NotifyLockedAsync(UserPool pool, User user, CancellationToken ct)
    {
        var values = new Dictionary<string, string>
        {
            ["pool"] = pool.Name,
            ["minutes"] = Math.Max(1, (throttle.LockSeconds + 59) / 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            if (user.Email is not null)
            {
                await mailer.SendAsync(pool, user.Email, MessageTemplates.SecondFactorLocked, values, ct);
            }
            else if (user.Phone is not null)
            {
                var phone = PhoneNumbersParser.Require(user.Phone, user.PhoneCountryCode);
                var (_, text, _) = MessageTemplates.Render(MessageTemplates.SecondFactorLocked, caller.Lang, values);
                await messenger.SendSmsAsync(new SmsRequest(phone.E164, phone.CountryCode, phone.National, text,
                    MessageTemplates.SecondFactorLocked, null), ct);
            }
        }
        catch (GenAuthException)
        {
            // Note: a failed delivery (already logged by the messenger) doesn't change the refusal.
        }
    }

    /// <summary>Only a user without any factor enrols through an mfaToken: otherwise the password alone would add one.</summary>
    private async Task<(UserPool Pool, MfaChallenge Challenge, User User)> OpenForEnrollmentAsync(string? mfaToken, CancellationToken ct)
    {
        var opened = await OpenAsync(mfaToken, ct);
        if (await MfaGate.HasEnrolledFactorAsync(db, opened.User.Id, ct))
            throw new GenAuthException(ErrorCodes.MfaEnrollNotAllowed);
        return opened;
    }

    private async Task<EnrollmentSignIn> EnrollAndFinishAsync(UserPool pool, MfaChallenge challenge, User user,
        MfaEnrollment pending, string? passCode, CancellationToken ct)
    {
        var factor = await enrollments.ProveAsync(pending, passCode, () => FailAsync(pool, challenge, user, ct), ct);
        // Note: spending the mfaToken, saving the factor and opening the session commit together or not at all.
        FactorView? saved = null;
        var outcome = await FinishAsync(pool, challenge, user, ct, async () => saved = await enrollments.SaveAsync(factor, ct), factor: "otp");
        return new EnrollmentSignIn(saved!, outcome);
    }

    /// <summary>
    /// Hands the login to the pipeline as one that passed its second factor. Spending the mfaToken is its single-use
    /// proof: of concurrent correct answers exactly one gets a session. A challenge raised by a QR ticket's redemption
    /// spends that ticket too, now and not before.
    /// </summary>
    private async Task<SignInOutcome> FinishAsync(UserPool pool, MfaChallenge challenge, User user, CancellationToken ct,
        Func<Task>? beforeSession = null, string? factor = null)
    {
        var outcome = await SignInAsync(challenge, user, ct, beforeSession, factor);
        if (outcome is SignedIn)
            await throttle.RecordSuccessAsync(pool.Id, user.Id, ct);
        return outcome;
    }

    private Task<SignInOutcome> SignInAsync(MfaChallenge challenge, User user, CancellationToken ct, Func<Task>? beforeSession,
        string? factor) =>
        signIn.SignInAsync(SignInRequest.Of(user, challenge.Method) with
        {
            SecondFactorPassed = true,
            SecondFactorMethod = factor,
            Claim = async c =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var won = await db.MfaChallenges
                    .Where(x => x.Id == challenge.Id && x.ConsumedAt == null && x.Failures < MfaGate.MaxFailures && x.ExpiresAt > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsumedAt, now), c);
                if (won == 0)
                    return ErrorCodes.MfaTokenInvalid;
                if (challenge.QrCodeId is { } qrCodeId && !await QrTickets.SpendAsync(db, qrCodeId, now, c))
                    return ErrorCodes.QrTicketInvalid;
                if (beforeSession is not null)
                    await beforeSession();
                return null;
            },
        }, ct);
}
