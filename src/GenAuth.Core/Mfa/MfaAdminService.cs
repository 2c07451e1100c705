using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace GenAuth.Core.Mfa;

/// <summary>An imported TOTP factor, in the SDK's ISetTotpResp shape.</summary>
public sealed record ImportedTotp(string Id, string UserId, bool Enable, string Secret, string AuthenticatorType, string RecoveryCode,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// The admin side of a user's second factors (the SDK's MFAManagementClient): which are bound, unbinding one, and
/// importing a TOTP secret the user already has in an authenticator app (a migration from another system).
/// </summary>
public sealed class MfaAdminService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, TimeProvider clock)
{
    /// <summary>Imported secrets: at least 80 bits (what most authenticator apps issue), at most 512.</summary>
    public const int MinSecretBytes = 10;
    public const int MaxSecretBytes = 64;

    /// <summary>An imported recovery code is stored as a plain SHA-256 like ours, so it must be long enough not to guess.</summary>
    public const int MinRecoveryCodeLength = 16;

    private static readonly string[] Types = [FactorTypes.Otp, FactorTypes.Face, FactorTypes.Sms, FactorTypes.Email];

    public async Task<IReadOnlyDictionary<string, bool>> StatusAsync(string? userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var id = await RequireUserAsync(userId, ct);
        var bound = await db.MfaFactors.AsNoTracking().Where(f => f.UserId == id).Select(f => f.FactorType).ToListAsync(ct);
        return Types.ToDictionary(t => t, bound.Contains);
    }

    /// <summary>Removes the user's factor of this type (and a pending enrolment of it); FactorNotFound when none is bound.</summary>
    public async Task UnbindAsync(string? userId, string? type, CancellationToken ct)
    {
        caller.RequireAdmin();
        var id = await RequireUserAsync(userId, ct);
        var factorType = (type ?? "").Trim().ToUpperInvariant();
        if (!Types.Contains(factorType))
            throw new GenAuthException(ErrorCodes.FactorNotSupported);
        var removed = await db.MfaFactors.Where(f => f.UserId == id && f.FactorType == factorType).ExecuteDeleteAsync(ct);
        await db.MfaEnrollments.Where(e => e.UserId == id && e.FactorType == factorType).ExecuteDeleteAsync(ct);
        if (removed == 0)
            throw new GenAuthException(ErrorCodes.FactorNotFound);
    }

    /// <summary>
    /// Binds a TOTP factor with the given base32 secret. The user must have none yet (1642); without a recovery code one
    /// is made and shown in this answer only.
    /// </summary>
    public async Task<ImportedTotp> ImportTotpAsync(string? userId, string? secret, string? recoveryCode, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var id = await RequireUserAsync(userId, ct);
        var bytes = DecodeSecret(secret);
        if (recoveryCode is not null && recoveryCode.Trim().Length < MinRecoveryCodeLength)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"recoveryCode must have at least {MinRecoveryCodeLength} characters");
        var recovery = string.IsNullOrWhiteSpace(recoveryCode) ? RecoveryCodes.New() : recoveryCode.Trim();
        if (await db.MfaFactors.AnyAsync(f => f.UserId == id && f.FactorType == FactorTypes.Otp, ct))
            throw new GenAuthException(ErrorCodes.FactorAlreadyEnrolled);
        var now = clock.GetUtcNow().UtcDateTime;
        var factor = new MfaFactor
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, UserId = id, FactorType = FactorTypes.Otp, SecretSealed = sealer.Seal(bytes),
            RecoveryCodeHash = RecoveryCodes.Hash(recovery), CreatedAt = now, UpdatedAt = now,
        };
        db.MfaFactors.Add(factor);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new GenAuthException(ErrorCodes.FactorAlreadyEnrolled);
        }
        return new ImportedTotp(factor.Id, id, true, TotpCodes.Base32(bytes), "totp", recovery, now, now);
    }

    private static byte[] DecodeSecret(string? secret)
    {
        var text = (secret ?? "").Replace(" ", "").Replace("-", "").TrimEnd('=').ToUpperInvariant();
        byte[] bytes;
        try
        {
            bytes = text.Length == 0 || text.Any(c => !(c is >= 'A' and <= 'Z' or >= '2' and <= '7')) ? [] : Base32Encoding.ToBytes(text);
        }
        catch (ArgumentException)
        {
            bytes = [];
        }
        if (bytes.Length is < MinSecretBytes or > MaxSecretBytes)
            throw new GenAuthException(ErrorCodes.BadRequest,
                detail: $"secret must be base32 of {MinSecretBytes} to {MaxSecretBytes} bytes");
        return bytes;
    }

    private async Task<string> RequireUserAsync(string? userId, CancellationToken ct) =>
        !string.IsNullOrEmpty(userId) && await db.Users.AnyAsync(u => u.Id == userId && !u.IsDeleted, ct)
            ? userId
            : throw new GenAuthException(ErrorCodes.UserNotFound);
}
