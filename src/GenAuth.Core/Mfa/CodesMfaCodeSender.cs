using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Mfa;

/// <summary>
/// MFA codes through the verification-code service: the same sending limits, outbox and delivery as every other code.
/// A code the client requested itself (the SDK's sendSmsCode with no scene or an mfa-* scene, sendEmail with MFA_VERIFY)
/// answers the challenge too.
/// </summary>
internal sealed class CodesMfaCodeSender(GenAuthDbContext db, CodeService codes, CodeSender sender) : IMfaCodeSender
{
    private static readonly string[] SmsEnroll = [CodeScenes.AnySms, "mfa-bind"];
    private static readonly string[] SmsVerify = [CodeScenes.AnySms, "mfa-verify"];

    public Task SendAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? lang, CancellationToken ct) =>
        factorType == FactorTypes.Sms
            ? sender.SendSmsCodeAsync(target, phoneCountryCode, purpose == MfaCodePurpose.Enroll ? "mfa-bind" : "mfa-verify", ct)
            : sender.SendEmailAsync(target, "MFA_VERIFY", ct);

    public Task VerifyAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? code, CancellationToken ct) =>
        factorType == FactorTypes.Sms
            ? codes.ConsumeAsync(db, CodeService.Sms, target, purpose == MfaCodePurpose.Enroll ? SmsEnroll : SmsVerify, code, ct)
            : codes.ConsumeAsync(db, CodeService.Email, target, CodeScenes.EmailMfa, code, ct);
}
