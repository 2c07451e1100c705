namespace GenAuth.Core.Security;

/// <summary>GenAuth's PasswordSecurityLevel (1 low, 2 middle, 3 high), measured on the plain password when it is set.</summary>
public static class PasswordStrength
{
    public static int Level(string password)
    {
        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
                      + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (password.Length >= 12 && classes >= 3)
            return 3;
        return password.Length >= 8 && classes >= 2 ? 2 : 1;
    }
}
