using System.Text.RegularExpressions;
using GenAuth.Core.Common;

namespace GenAuth.Core.Users;

public static partial class Validation
{
    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@[^@\s\p{C}]+\.[^@\s\p{C}.]{2,}$")]
    private static partial Regex EmailPattern();

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Returns the trimmed email or throws the given code (2003 on registration, 1020017 on sending).</summary>
    public static string RequireEmail(string? email, ErrorCode error)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 254 || !EmailPattern().IsMatch(trimmed))
            throw new GenAuthException(error);
        return trimmed;
    }

    public static string RequireUsername(string? username)
    {
        if (string.IsNullOrEmpty(username) || username.Length > 128 || username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new GenAuthException(ErrorCodes.InvalidUsername);
        return username;
    }

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
