using GenAuth.Core.Data;

namespace GenAuth.Core.Mfa;

/// <summary>The factor types of GenAuth's V3 API; FACE is named but not offered.</summary>
public static class FactorTypes
{
    public const string Otp = "OTP";
    public const string Sms = "SMS";
    public const string Email = "EMAIL";
    public const string Face = "FACE";

    public static readonly string[] Enrollable = [Otp, Sms, Email];
}

/// <summary>An enrolled factor: one per type per user.</summary>
public sealed class MfaFactor : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public required string FactorType { get; set; }

    /// <summary>The phone (stored form) or normalized email a code goes to; null for OTP.</summary>
    public string? Target { get; set; }
    public string? PhoneCountryCode { get; set; }

    /// <summary>The TOTP secret sealed with the master key (OTP only).</summary>
    public byte[]? SecretSealed { get; set; }

    /// <summary>SHA-256 of the current recovery code (OTP only).</summary>
    public byte[]? RecoveryCodeHash { get; set; }

    /// <summary>The newest TOTP time step accepted; codes of this step or older are refused (replay).</summary>
    public long LastUsedStep { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A pending enrolment between sendEnrollFactorRequest and enrollFactor: 60 s, a few tries, spent by the right code.</summary>
public sealed class MfaEnrollment : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public required string FactorType { get; set; }
    public required byte[] TokenHash { get; set; }
    public string? Target { get; set; }
    public string? PhoneCountryCode { get; set; }
    public byte[]? SecretSealed { get; set; }
    public byte[]? RecoveryCodeHash { get; set; }

    /// <summary>Wrong codes so far; at <see cref="MfaEnrollmentService.MaxFailures"/> the enrolment is dead.</summary>
    public int Failures { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>A login stopped at the second factor: the mfaToken's server side, bound to pool, app, user and method.</summary>
public sealed class MfaChallenge : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public string? AppId { get; set; }
    public required string Method { get; set; }
    public required byte[] TokenHash { get; set; }
    public int Failures { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ConsumedAt { get; set; }

    /// <summary>The QR code whose ticket this login would spend: the ticket stays unspent until the challenge is answered.</summary>
    public string? QrCodeId { get; set; }
}
