using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Mfa;

public sealed record OtpData(string QrCodeUri, string QrCodeDataUrl, string RecoveryCode, string Secret);

public sealed record EnrollmentRequest(string EnrollmentToken, OtpData? OtpData);

public sealed record FactorView(string FactorId, string FactorType, string? PhoneNumber, string? PhoneCountryCode, string? Email,
    DateTime CreatedAt, DateTime UpdatedAt, string UserId)
{
    /// <summary>SMS factors show the national number beside the country code, as GenAuth's profile does.</summary>
    public static FactorView Of(MfaFactor f) => new(f.Id, f.FactorType,
        f.FactorType == FactorTypes.Sms ? National(f) : null, f.FactorType == FactorTypes.Sms ? f.PhoneCountryCode : null,
        f.FactorType == FactorTypes.Email ? f.Target : null, f.CreatedAt, f.UpdatedAt, f.UserId);

    private static string? National(MfaFactor f) =>
        f.Target is { } e164 && f.PhoneCountryCode is { } cc && e164.StartsWith(cc, StringComparison.Ordinal) ? e164[cc.Length..] : f.Target;
}

/// <summary>The signed-in user's factors: enrolment in two steps (request, then proof), listing, and reset.</summary>
public sealed class MfaEnrollmentService(
    GenAuthDbContext db,
    CallerContext caller,
    TotpCodes totp,
    SecretSealer sealer,
    IMfaCodeSender codes,
    AuditTrail audit,
    TimeProvider clock)
{
    public static readonly TimeSpan EnrollmentLifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ResetNeedsLoginWithin = TimeSpan.FromMinutes(5);

    /// <summary>Wrong codes one enrolment survives (a mistyped code doesn't mean scanning a new QR code).</summary>
    public const int MaxFailures = 5;

    public async Task<EnrollmentRequest> SendEnrollFactorRequestAsync(string? factorType, string? phoneNumber,
        string? phoneCountryCode, string? email, CancellationToken ct) =>
        await RequestAsync(await RequireUserAsync(ct), factorType, phoneNumber, phoneCountryCode, email, ct);

    /// <summary>Starts an enrolment for a user: the signed-in caller, or the user of an mfaToken (MfaLoginService).</summary>
    internal async Task<EnrollmentRequest> RequestAsync(User user, string? factorType, string? phoneNumber,
        string? phoneCountryCode, string? email, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var type = RequireEnrollable(factorType);
        if (await db.MfaFactors.AnyAsync(f => f.UserId == user.Id && f.FactorType == type, ct))
            throw new GenAuthException(ErrorCodes.FactorAlreadyEnrolled);
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Ids.New(clock);
        var (token, hash) = OneTimeTokens.New(id);
        var enrollment = new MfaEnrollment
        {
            Id = id, UserPoolId = pool.Id, UserId = user.Id, FactorType = type, TokenHash = hash,
            CreatedAt = now, ExpiresAt = now + EnrollmentLifetime,
        };
        OtpData? otp = null;
        switch (type)
        {
            case FactorTypes.Otp:
                var secret = TotpCodes.NewSecret();
                var recovery = RecoveryCodes.New();
                var uri = TotpCodes.Uri(pool.Name, user.Email ?? user.Phone ?? user.Username ?? user.Id, secret);
                enrollment.SecretSealed = sealer.Seal(secret);
                enrollment.RecoveryCodeHash = RecoveryCodes.Hash(recovery);
                otp = new OtpData(uri, TotpCodes.QrDataUrl(uri), recovery, TotpCodes.Base32(secret));
                break;
            case FactorTypes.Sms:
                var phone = PhoneNumbersParser.Require(phoneNumber, phoneCountryCode);
                enrollment.Target = phone.E164;
                enrollment.PhoneCountryCode = phone.CountryCode;
                break;
            default:
                enrollment.Target = Validation.NormalizeEmail(Validation.RequireEmail(email, ErrorCodes.InvalidEmailAddress));
                break;
        }
        if (enrollment.Target is not null)
            await codes.SendAsync(pool, type, enrollment.Target, enrollment.PhoneCountryCode, MfaCodePurpose.Enroll, caller.Lang, ct);
        // A new request replaces the user's pending ones of the same type.
        await db.MfaEnrollments.Where(e => e.UserId == user.Id && (e.FactorType == type || e.ExpiresAt <= now)).ExecuteDeleteAsync(ct);
        db.MfaEnrollments.Add(enrollment);
        await db.SaveChangesAsync(ct);
        return new EnrollmentRequest(token, otp);
    }

    /// <summary>Proves the factor with a code and enrols it; a wrong code leaves the enrolment a few more tries.</summary>
    public async Task<FactorView> EnrollFactorAsync(string? enrollmentToken, string? passCode, string? factorType, CancellationToken ct)
    {
        var enrollment = await FindPendingAsync(caller.RequireUserId(), enrollmentToken, factorType, ct);
        return await SaveAsync(await ProveAsync(enrollment, passCode, null, ct), ct);
    }

    /// <summary>The SDK's confirmAssosicateMfaAuthenticator: its body names no token, so the newest pending OTP enrolment.</summary>
    public async Task<FactorView> ConfirmTotpAsync(string? code, CancellationToken ct)
    {
        var enrollment = await FindNewestOtpAsync(caller.RequireUserId(), ct);
        return await SaveAsync(await ProveAsync(enrollment, code, null, ct), ct);
    }

    internal async Task<MfaEnrollment> FindPendingAsync(string userId, string? enrollmentToken, string? factorType, CancellationToken ct)
    {
        var id = OneTimeTokens.IdOf(enrollmentToken) ?? throw new GenAuthException(ErrorCodes.EnrollmentTokenInvalid);
        var enrollment = await db.MfaEnrollments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.UserId == userId, ct);
        if (enrollment is null || !OneTimeTokens.Matches(enrollmentToken!, enrollment.TokenHash) || enrollment.Failures >= MaxFailures
            || (!string.IsNullOrWhiteSpace(factorType) && !factorType.Trim().Equals(enrollment.FactorType, StringComparison.OrdinalIgnoreCase)))
            throw new GenAuthException(ErrorCodes.EnrollmentTokenInvalid);
        return enrollment;
    }

    internal async Task<MfaEnrollment> FindNewestOtpAsync(string userId, CancellationToken ct) =>
        await db.MfaEnrollments.AsNoTracking()
            .Where(e => e.UserId == userId && e.FactorType == FactorTypes.Otp && e.Failures < MaxFailures)
            .OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct)
        ?? throw new GenAuthException(ErrorCodes.EnrollmentTokenInvalid);

    /// <summary>
    /// Removes one of the caller's factors: a login of the last minutes, and for an SMS or email factor a code sent to that
    /// factor (SendRemovalCodeAsync, or any MFA code the client asked for that phone or email), so a stolen session alone
    /// can't strip the factor that guards the account.
    /// </summary>
    public async Task ResetFactorAsync(string? factorId, CancellationToken ct, string? passCode = null)
    {
        var factor = await FindOwnAsync(factorId, ct);
        await RequireRecentLoginAsync(ct);
        if (factor.FactorType is FactorTypes.Sms or FactorTypes.Email)
        {
            if (string.IsNullOrWhiteSpace(passCode) || factor.Target is null)
                throw new GenAuthException(ErrorCodes.WrongCode, detail: "removing an SMS or email factor needs a code sent to it");
            await codes.VerifyAsync(caller.RequirePool(), factor.FactorType, factor.Target, factor.PhoneCountryCode, MfaCodePurpose.Verify,
                passCode.Trim(), ct);
        }
        await db.MfaFactors.Where(f => f.Id == factor.Id).ExecuteDeleteAsync(ct);
        await audit.SaveAsync(AuditEventTypes.ResetMfa, factor.UserId, ct, new { factor = factor.FactorType });
    }

    /// <summary>Sends a code to one of the caller's SMS or email factors: the proof its removal asks for.</summary>
    public async Task SendRemovalCodeAsync(string? factorId, CancellationToken ct)
    {
        var factor = await FindOwnAsync(factorId, ct);
        if (factor.FactorType is not (FactorTypes.Sms or FactorTypes.Email) || factor.Target is null)
            throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: "only SMS and email factors take a code");
        await codes.SendAsync(caller.RequirePool(), factor.FactorType, factor.Target, factor.PhoneCountryCode, MfaCodePurpose.Verify,
            caller.Lang, ct);
    }

    /// <summary>
    /// The SDK's deleteMfaAuthenticator: removes the caller's OTP factor, or cancels an OTP enrolment still waiting for its
    /// confirmation (assosicateMfaAuthenticator without confirm). Cancelling removes nothing that protects the account, so
    /// it asks no recent login; removing a confirmed factor does (ResetFactorAsync). Neither there: FactorNotFound.
    /// </summary>
    public async Task ResetTotpAsync(CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var factor = await db.MfaFactors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.FactorType == FactorTypes.Otp, ct);
        if (factor is not null)
            await ResetFactorAsync(factor.Id, ct);
        var cancelled = await db.MfaEnrollments.Where(e => e.UserId == userId && e.FactorType == FactorTypes.Otp).ExecuteDeleteAsync(ct);
        if (factor is null && cancelled == 0)
            throw new GenAuthException(ErrorCodes.FactorNotFound);
    }

    public async Task<IReadOnlyList<FactorView>> ListEnrolledFactorsAsync(CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var factors = await db.MfaFactors.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ToListAsync(ct);
        return factors.Select(FactorView.Of).ToList();
    }

    public async Task<FactorView> GetFactorAsync(string? factorId, CancellationToken ct) => FactorView.Of(await FindOwnAsync(factorId, ct));

    public async Task<IReadOnlyList<string>> ListFactorsToEnrollAsync(CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var enrolled = await db.MfaFactors.Where(f => f.UserId == userId).Select(f => f.FactorType).ToListAsync(ct);
        return FactorTypes.Enrollable.Except(enrolled).ToList();
    }

    /// <summary>
    /// Checks the enrolment's code and spends it; answers the proven factor, not yet saved. A wrong code is counted
    /// (atomically, in the row) and the enrolment survives <see cref="MaxFailures"/> of them; onWrongCode runs before a
    /// wrong code is refused (a login's mfaToken counts it too).
    /// </summary>
    internal async Task<MfaFactor> ProveAsync(MfaEnrollment enrollment, string? passCode, Func<Task>? onWrongCode, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (enrollment.ExpiresAt <= now || enrollment.Failures >= MaxFailures)
            throw new GenAuthException(ErrorCodes.EnrollmentTokenInvalid);
        var factor = new MfaFactor
        {
            Id = Ids.New(clock), UserPoolId = enrollment.UserPoolId, UserId = enrollment.UserId, FactorType = enrollment.FactorType,
            Target = enrollment.Target, PhoneCountryCode = enrollment.PhoneCountryCode, SecretSealed = enrollment.SecretSealed,
            RecoveryCodeHash = enrollment.RecoveryCodeHash, CreatedAt = now, UpdatedAt = now,
        };
        GenAuthException? wrong = null;
        if (factor.FactorType == FactorTypes.Otp)
        {
            if (totp.Match(sealer.Unseal(factor.SecretSealed!), passCode) is { } step)
                factor.LastUsedStep = step; // the enrolling code's step counts as used: it can't be replayed to pass a login challenge
            else
                wrong = new GenAuthException(ErrorCodes.MfaCodeWrong);
        }
        else
        {
            try
            {
                await codes.VerifyAsync(caller.RequirePool(), factor.FactorType, factor.Target!, factor.PhoneCountryCode,
                    MfaCodePurpose.Enroll, passCode, ct);
            }
            catch (GenAuthException e)
            {
                wrong = e;
            }
        }
        if (wrong is not null)
        {
            // Note: counted in the row, so concurrent wrong codes can't get more than MaxFailures tries between them.
            var counted = await db.MfaEnrollments.Where(e => e.Id == enrollment.Id && e.Failures < MaxFailures)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Failures, e => e.Failures + 1), ct);
            if (onWrongCode is not null)
                await onWrongCode();
            throw counted == 0 ? new GenAuthException(ErrorCodes.EnrollmentTokenInvalid) : wrong;
        }
        // Note: single use: of concurrent right answers only one deletes the row.
        var deleted = await db.MfaEnrollments.Where(e => e.Id == enrollment.Id && e.Failures < MaxFailures)
            .ExecuteDeleteAsync(ct);
        if (deleted == 0)
            throw new GenAuthException(ErrorCodes.EnrollmentTokenInvalid);
        return factor;
    }

    internal async Task<FactorView> SaveAsync(MfaFactor factor, CancellationToken ct)
    {
        db.MfaFactors.Add(factor);
        var enrolled = audit.Record(AuditEventTypes.EnrollMfa, factor.UserId, new { factor = factor.FactorType });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            if (enrolled is not null)
                audit.Discard(enrolled);
            throw new GenAuthException(ErrorCodes.FactorAlreadyEnrolled);
        }
        return FactorView.Of(factor);
    }

    private async Task<MfaFactor> FindOwnAsync(string? factorId, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        return await db.MfaFactors.AsNoTracking().FirstOrDefaultAsync(f => f.Id == factorId && f.UserId == userId, ct)
               ?? throw new GenAuthException(ErrorCodes.FactorNotFound);
    }

    /// <summary>Removing a factor weakens the account, so it needs a session opened (through MFA) in the last minutes.</summary>
    private async Task RequireRecentLoginAsync(CancellationToken ct)
    {
        var opened = await db.Sessions.AsNoTracking().Where(s => s.Id == caller.SessionId)
            .Select(s => (DateTime?)s.CreatedAt).FirstOrDefaultAsync(ct);
        if (opened is not { } at || clock.GetUtcNow().UtcDateTime - at > ResetNeedsLoginWithin)
            throw new GenAuthException(ErrorCodes.RecentLoginRequired);
    }

    private async Task<User> RequireUserAsync(CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct)
               ?? throw new GenAuthException(ErrorCodes.UserNotFound);
    }

    private static string RequireEnrollable(string? factorType)
    {
        var type = factorType?.Trim().ToUpperInvariant();
        return type is not null && FactorTypes.Enrollable.Contains(type) ? type
            : throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: factorType);
    }
}
