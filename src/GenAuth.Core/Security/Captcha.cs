namespace GenAuth.Core.Security;

/// <summary>
/// Checks a captcha answer the client sent (header <c>x-captcha-token</c>) for an action ("send-sms", "send-email",
/// "register"). Asked only once a quota's soft threshold is reached (GenAuth:Quotas:CaptchaShare). Register an
/// implementation for a captcha service to turn it on; none is built in (no external service is called by default).
/// </summary>
public interface ICaptchaVerifier
{
    /// <summary>False when no captcha service is set up: the soft thresholds then ask for nothing.</summary>
    bool IsConfigured { get; }

    ValueTask<bool> VerifyAsync(string action, string? token, string? ip, CancellationToken ct);
}

/// <summary>The default: no captcha configured, every action accepted (the hard limits still apply).</summary>
public sealed class NoCaptchaVerifier : ICaptchaVerifier
{
    public bool IsConfigured => false;

    public ValueTask<bool> VerifyAsync(string action, string? token, string? ip, CancellationToken ct) => ValueTask.FromResult(true);
}
