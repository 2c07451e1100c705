using System.Net;

namespace GenAuth.Core.Messaging;

/// <summary>The built-in message templates, zh-CN (default) and en-US. Placeholders: {pool}, {code}, {minutes}, {link}.</summary>
public static class MessageTemplates
{
    public const string Welcome = "WELCOME";
    public const string VerifyEmail = "VERIFY_EMAIL";
    public const string SmsCode = "SMS";
    public const string SecondFactorLocked = "MFA_LOCKED";

    private sealed record Template(string Subject, string Body);

    private static readonly Dictionary<string, (Template Zh, Template En)> Table = new()
    {
        ["VERIFY_CODE"] = (
            new("{pool} 验证码", "你的验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本邮件。"),
            new("Your {pool} verification code", "Your verification code is {code}. It expires in {minutes} minutes. If you didn't ask for it, ignore this email.")),
        ["RESET_PASSWORD"] = (
            new("{pool} 重置密码", "你正在重置密码，验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本邮件，你的密码不会改变。"),
            new("Reset your {pool} password", "Your password reset code is {code}. It expires in {minutes} minutes. If you didn't ask for it, ignore this email: your password stays unchanged.")),
        ["CHANGE_EMAIL"] = (
            new("{pool} 邮箱变更验证码", "你正在绑定或修改邮箱，验证码是 {code}，{minutes} 分钟内有效。"),
            new("Confirm your {pool} email change", "Your code to bind or change your email is {code}. It expires in {minutes} minutes.")),
        ["MFA_VERIFY"] = (
            new("{pool} 二次验证", "你的二次验证码是 {code}，{minutes} 分钟内有效。"),
            new("{pool} sign-in verification", "Your sign-in verification code is {code}. It expires in {minutes} minutes.")),
        [VerifyEmail] = (
            new("验证你的 {pool} 邮箱", "请打开以下链接验证你的邮箱（{minutes} 分钟内有效）：\n{link}"),
            new("Verify your {pool} email", "Open this link to verify your email address (valid for {minutes} minutes):\n{link}")),
        [Welcome] = (
            new("欢迎加入 {pool}", "欢迎！你的 {pool} 账号已创建成功。"),
            new("Welcome to {pool}", "Welcome! Your {pool} account has been created.")),
        [SecondFactorLocked] = (
            new("{pool} 账号安全提醒", "你的账号登录时二次验证连续错误次数过多，二次验证已暂时锁定 {minutes} 分钟。如非本人操作，你的密码可能已被他人知晓，请尽快修改密码。"),
            new("Security alert for your {pool} account", "Too many wrong second-factor codes were entered while signing in to your account: sign-in verification is locked for {minutes} minutes. If this wasn't you, someone may know your password: change it now.")),
        [SmsCode] = (
            new("", "【{pool}】你的验证码是 {code}，{minutes} 分钟内有效，请勿泄露。"),
            new("", "[{pool}] Your verification code is {code}. It expires in {minutes} minutes. Don't share it.")),
    };

    /// <summary>Sub-scenes of the SDK's EmailScene use their family's template.</summary>
    public static string Family(string scene) => scene switch
    {
        "REGISTER_VERIFY_CODE" or "LOGIN_VERIFY_CODE" or "INFORMATION_COMPLETION_VERIFY_CODE" => "VERIFY_CODE",
        "RESET_PASSWORD_VERIFY_CODE" => "RESET_PASSWORD",
        "EMAIL_BIND_VERIFY_CODE" or "EMAIL_UNBIND_VERIFY_CODE" => "CHANGE_EMAIL",
        "MFA_VERIFY_CODE" => "MFA_VERIFY",
        "FIRST_EMAIL_LOGIN_VERIFY" or "CONSOLE_CONDUCTED_VERIFY" => VerifyEmail,
        _ => scene,
    };

    public static (string Subject, string Text, string Html) Render(string template, string? lang,
        IReadOnlyDictionary<string, string> values)
    {
        var pair = Table[Family(template)];
        var t = lang is not null && lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? pair.En : pair.Zh;
        var subject = Fill(t.Subject, values, html: false);
        var text = Fill(t.Body, values, html: false);
        var html = "<!doctype html><html><body><p>" + Fill(t.Body, values, html: true).Replace("\n", "<br>") + "</p></body></html>";
        return (subject, text, html);
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values, bool html)
    {
        foreach (var (key, value) in values)
        {
            var v = html ? WebUtility.HtmlEncode(value) : value;
            if (html && key == "link")
                v = $"<a href=\"{WebUtility.HtmlEncode(value)}\">{WebUtility.HtmlEncode(value)}</a>";
            text = text.Replace("{" + key + "}", v);
        }
        return text;
    }
}
