using GenAuth.Core.Common;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Mfa;

public enum MfaCodePurpose
{
    /// <summary>sendEnrollFactorRequest → enrollFactor.</summary>
    Enroll,

    /// <summary>The login challenge (verifySmsMfa / verifyEmailMfa).</summary>
    Verify,
}

/// <summary>
/// How MFA sends and checks SMS and email codes: implemented over the verification-code service (issue 3).
/// Targets are a phone in stored form (digits, optional leading +) with its country code, or a normalized email.
/// </summary>
public interface IMfaCodeSender
{
    /// <summary>Sends a fresh code; refuses a second send to the same target within a minute.</summary>
    Task SendAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? lang, CancellationToken ct);

    /// <summary>Checks and consumes a code sent to the target (throws a GenAuthException when it is wrong or spent).</summary>
    Task VerifyAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? code, CancellationToken ct);
}

/// <summary>Until a code service is bound, SMS and email factors answer a clear error instead of pretending to send.</summary>
internal sealed class UnavailableMfaCodeSender : IMfaCodeSender
{
    public Task SendAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? lang, CancellationToken ct) => throw new GenAuthException(ErrorCodes.MfaDeliveryUnavailable);

    public Task VerifyAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? code, CancellationToken ct) => throw new GenAuthException(ErrorCodes.MfaDeliveryUnavailable);
}
