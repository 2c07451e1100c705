using System.Text;
using System.Text.RegularExpressions;
using GenAuth.Core.Common;

namespace GenAuth.Core.Users;

public static partial class Validation
{
    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@[^@\s\p{C}]+\.[^@\s\p{C}.]{2,}$")]
    private static partial Regex EmailPattern();

    /// <summary>
    /// The unique key of an email: NFKC (full-width ＡＢＣ is ABC), trimmed, lower case. Lookups use it too, so an address
    /// typed in another form finds its account; a non-ASCII domain (refused at registration) simply finds nothing.
    /// </summary>
    public static string NormalizeEmail(string email) =>
        email.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    /// <summary>
    /// Returns the email in NFKC form, trimmed, or throws the given code (2003 on registration, 1020017 on sending).
    /// The domain must be ASCII (punycode "xn--" labels are fine): internationalised domains are refused rather than
    /// converted, so a look-alike domain (gооgle.com with Cyrillic о) can't be shown as if it were the real one.
    /// </summary>
    public static string RequireEmail(string? email, ErrorCode error)
    {
        var trimmed = email?.Normalize(NormalizationForm.FormKC).Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 254 || !EmailPattern().IsMatch(trimmed)
            || Identifiers.HasHiddenCharacters(trimmed) || !Ascii.IsValid(trimmed.AsSpan(trimmed.LastIndexOf('@') + 1)))
            throw new GenAuthException(error);
        return trimmed;
    }

    /// <summary>
    /// A username as stored (as typed): 1 to 128 characters, also once normalised, with no white space and nothing
    /// invisible or text-reordering (controls, format characters such as zero-width spaces and bidi overrides, fillers).
    /// </summary>
    public static string RequireUsername(string? username)
    {
        if (string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength
            || username.Any(char.IsWhiteSpace) || Identifiers.HasHiddenCharacters(username))
            throw new GenAuthException(ErrorCodes.InvalidUsername);
        var key = Identifiers.NormalizeUsername(username)!;
        if (key.Length == 0 || key.Length > MaxUsernameLength || key.Any(char.IsWhiteSpace) || Identifiers.HasHiddenCharacters(key))
            throw new GenAuthException(ErrorCodes.InvalidUsername);
        return username;
    }

    public const int MaxUsernameLength = 128;

    /// <summary>The stored form of a phone number (digits and a leading +), or the input when it isn't one.</summary>
    public static string PhoneKey(string input)
    {
        var compact = input.Trim().Replace(" ", "").Replace("-", "");
        return compact.Length > 0 && compact.All(c => char.IsAsciiDigit(c) || c == '+') ? compact : input.Trim();
    }

    /// <summary>
    /// The stored form to look a phone up by: the national number when it parses (as the code flows and admins store it,
    /// so "+8613812345678" and "13812345678" find the same user), else the compact input.
    /// </summary>
    public static string PhoneLookup(string input)
    {
        // Note: only something shaped like a number goes to the parser, whose refusals are exceptions.
        if (!CouldBePhone(input))
            return PhoneKey(input);
        try
        {
            return PhoneNumbersParser.Require(input, null).National;
        }
        catch (GenAuthException)
        {
            return PhoneKey(input);
        }
    }

    /// <summary>
    /// True when the input is shaped like a phone number (an optional +, then 5 to 20 digits with spaces, dashes, dots or
    /// parentheses between): an email or a username never is, so a login by account tries the phone parse only then.
    /// </summary>
    public static bool CouldBePhone(string input)
    {
        var digits = 0;
        var span = input.AsSpan().Trim();
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsAsciiDigit(c))
                digits++;
            else if (!(c is ' ' or '-' or '.' or '(' or ')' || (c == '+' && i == 0)))
                return false;
        }
        return digits is >= 5 and <= 20;
    }

    /// <summary>An ISO 8601 time (with or without offset; none means UTC) as a UTC DateTime, or 400 naming the field.</summary>
    public static DateTime RequireTime(string value, string field)
    {
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
            return t.UtcDateTime;
        throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'{field}' must be an ISO 8601 time");
    }
}
