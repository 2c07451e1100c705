using GenAuth.Core.Common;

namespace GenAuth.Core.Codes;

/// <summary>
/// Which stored scenes each flow accepts. SMS codes sent without a scene (the SDK's sendSmsCode default) are stored as
/// "any" and serve every phone flow; email codes are bound to the EmailScene they were sent for.
/// </summary>
public static class CodeScenes
{
    public const string AnySms = "any";
    public const string FirstLogin = "first-login";
    public const string ForceReset = "force-reset";

    // SDK SceneType values for sendSmsCode.
    private static readonly HashSet<string> SmsScenes =
        ["login", "register", "reset", "bind", "unbind", "mfa-bind", "mfa-verify", "mfa-unbind", "complete-phone"];

    public static readonly string[] SmsLogin = [AnySms, "login", "register"];
    public static readonly string[] SmsRegister = [AnySms, "register", "login"];
    public static readonly string[] SmsReset = [AnySms, "reset"];
    public static readonly string[] SmsBind = [AnySms, "bind", "complete-phone"];
    public static readonly string[] SmsVerifyOld = [AnySms, "unbind", "bind"];

    public static readonly string[] EmailLogin = ["VERIFY_CODE", "LOGIN_VERIFY_CODE", "REGISTER_VERIFY_CODE"];
    public static readonly string[] EmailRegister = ["VERIFY_CODE", "REGISTER_VERIFY_CODE", "LOGIN_VERIFY_CODE"];
    public static readonly string[] EmailReset = ["RESET_PASSWORD", "RESET_PASSWORD_VERIFY_CODE"];
    public static readonly string[] EmailBind = ["CHANGE_EMAIL", "EMAIL_BIND_VERIFY_CODE", "VERIFY_CODE", "INFORMATION_COMPLETION_VERIFY_CODE"];
    public static readonly string[] EmailVerifyOld = ["CHANGE_EMAIL", "EMAIL_UNBIND_VERIFY_CODE", "VERIFY_CODE"];
    public static readonly string[] EmailMfa = ["MFA_VERIFY", "MFA_VERIFY_CODE"];

    /// <summary>Email scenes that send a verification link rather than a code.</summary>
    public static readonly HashSet<string> EmailLinkScenes = ["VERIFY_EMAIL", "FIRST_EMAIL_LOGIN_VERIFY", "CONSOLE_CONDUCTED_VERIFY"];

    private static readonly HashSet<string> EmailCodeScenes =
    [
        "VERIFY_CODE", "REGISTER_VERIFY_CODE", "LOGIN_VERIFY_CODE", "INFORMATION_COMPLETION_VERIFY_CODE",
        "RESET_PASSWORD", "RESET_PASSWORD_VERIFY_CODE", "CHANGE_EMAIL", "EMAIL_BIND_VERIFY_CODE", "EMAIL_UNBIND_VERIFY_CODE",
        "MFA_VERIFY", "MFA_VERIFY_CODE",
    ];

    public static string RequireSmsScene(string? scene)
    {
        if (string.IsNullOrWhiteSpace(scene))
            return AnySms;
        var s = scene.Trim().ToLowerInvariant();
        return SmsScenes.Contains(s) ? s : throw new GenAuthException(ErrorCodes.InvalidScene, detail: scene);
    }

    public static string RequireEmailScene(string? scene)
    {
        var s = scene?.Trim().ToUpperInvariant() ?? "";
        return EmailCodeScenes.Contains(s) || EmailLinkScenes.Contains(s) ? s
            : throw new GenAuthException(ErrorCodes.InvalidScene, detail: scene);
    }
}
