using GenAuth.Core.Common;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;

namespace GenAuth.Core.Passwords;

/// <summary>
/// NIST 800-63B style rules: a minimum length (pool setting, default 8), up to 256 characters, no common passwords;
/// then the pool's GenAuth passwordStrength level (composition, 0 = none). Every way a password is set checks here.
/// </summary>
public sealed class PasswordPolicy
{
    public const int MaxLength = 256;
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    public (bool Valid, string? Reason) Check(UserPool pool, string? password, string? lang)
    {
        var en = lang is not null && lang.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(password) || string.IsNullOrWhiteSpace(password))
            return (false, en ? "A password is required" : "请输入密码");
        var min = Math.Max(8, pool.PasswordMinLength);
        if (password.Length < min)
            return (false, en ? $"The password must have at least {min} characters" : $"密码长度不能少于 {min} 位");
        if (password.Length > MaxLength)
            return (false, en ? $"The password must have at most {MaxLength} characters" : $"密码长度不能超过 {MaxLength} 位");
        if (Common.Value.Contains(password.ToLowerInvariant()))
            return (false, en ? "This password is too common" : "密码过于常见，请更换");
        if (!PasswordStrength.Meets(password, pool.PasswordStrength))
            return (false, PasswordStrength.Describe(pool.PasswordStrength, en));
        return (true, null);
    }

    public void Require(UserPool pool, string? password, string? lang)
    {
        var (valid, reason) = Check(pool, password, lang);
        if (!valid)
            throw new GenAuthException(ErrorCodes.WeakPassword, detail: reason);
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("GenAuth.Core.Resources.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
                set.Add(line.Trim().ToLowerInvariant());
        }
        return set;
    }
}
