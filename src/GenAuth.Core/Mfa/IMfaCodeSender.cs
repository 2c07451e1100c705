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
/// How MFA sends and checks SMS and email codes: CodesMfaCodeSender over the verification-code service; a seam for tests.
/// Targets are a phone in E.164 form with its country code, or a normalized email.
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
