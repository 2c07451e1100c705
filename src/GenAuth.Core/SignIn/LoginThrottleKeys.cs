using System.Text;
using GenAuth.Core.Common;
using GenAuth.Core.Users;

namespace GenAuth.Core.SignIn;

/// <summary>
/// The throttle key of a password login whose identifier matched no account: its canonical form, so that
/// "13800138000", "+86 138-0013-8000" and " +8613800138000 " count as one, as they would for an existing account
/// (keyed by its user id) — the throttle answers alike whether or not the account exists.
/// </summary>
public static class LoginThrottleKeys
{
    public static string ForUnknown(LoginMethod method, string identifier)
    {
        var trimmed = identifier.Trim();
        return method switch
        {
            LoginMethod.Email => "e:" + Validation.NormalizeEmail(trimmed),
            LoginMethod.Phone => "p:" + Phone(trimmed),
            LoginMethod.Username => "n:" + Name(trimmed),
            _ when Validation.CouldBePhone(trimmed) => "p:" + Phone(trimmed),
            _ when trimmed.Contains('@') => "e:" + Validation.NormalizeEmail(trimmed),
            _ => "n:" + Name(trimmed),
        };
    }

    /// <summary>E.164 when the number parses (default country +86, as logins assume); else its digits.</summary>
    private static string Phone(string input)
    {
        try
        {
            return PhoneNumbersParser.Require(input, null).E164;
        }
        catch (GenAuthException)
        {
            return new string(input.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());
        }
    }

    /// <summary>Compatibility-normalised and case-folded: look-alike spellings of a name share a count.</summary>
    private static string Name(string input)
    {
        try
        {
            return input.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return input.ToLowerInvariant(); // not normalisable (a lone surrogate): as typed, case-folded
        }
    }
}
