namespace GenAuth.Core.Security;

/// <summary>
/// GenAuth's two password measures: the pool's required strength (passwordStrength 0 to 4, checked whenever a password is
/// set) and the user's PasswordSecurityLevel (1 low, 2 middle, 3 high, measured on the plain password when it is set).
/// </summary>
public static class PasswordStrength
{
    public const int MinLevel = 0;
    public const int MaxLevel = 4;

    /// <summary>
    /// Whether the password has the composition of the pool's level. Levels 0 to 3 are GenAuth's documented ones: 0 any
    /// non-empty string; 1 at least 6 characters; 2 at least 6 with two of letters, digits and symbols; 3 at least 6 with
    /// letters, digits and symbols. Level 4 (not in the SDK docs) is this server's: at least 12 with all three.
    /// The pool's minimum length and common-password list (PasswordPolicy) apply on top at every level.
    /// </summary>
    public static bool Meets(string password, int level)
    {
        var letters = password.Any(char.IsLetter);
        var digits = password.Any(char.IsDigit);
        var symbols = password.Any(c => !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c));
        var kinds = (letters ? 1 : 0) + (digits ? 1 : 0) + (symbols ? 1 : 0);
        return level switch
        {
            <= 0 => password.Length > 0,
            1 => password.Length >= 6,
            2 => password.Length >= 6 && kinds >= 2,
            3 => password.Length >= 6 && kinds == 3,
            _ => password.Length >= 12 && kinds == 3,
        };
    }

    /// <summary>What the level asks for, in the caller's language, for the 2040 answer and checkPasswordStrength.</summary>
    public static string Describe(int level, bool en) => level switch
    {
        <= 0 => en ? "The password must not be empty" : "密码不能为空",
        1 => en ? "The password must have at least 6 characters" : "密码至少 6 位字符",
        2 => en ? "The password must have at least 6 characters and two of letters, digits and symbols"
            : "密码至少 6 位字符，且须包含英文、数字与符号中的两种",
        3 => en ? "The password must have at least 6 characters with letters, digits and symbols"
            : "密码至少 6 位字符，且须包含英文、数字与符号",
        _ => en ? "The password must have at least 12 characters with letters, digits and symbols"
            : "密码至少 12 位字符，且须包含英文、数字与符号",
    };

    public static int Level(string password)
    {
        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
                      + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (password.Length >= 12 && classes >= 3)
            return 3;
        return password.Length >= 8 && classes >= 2 ? 2 : 1;
    }
}
