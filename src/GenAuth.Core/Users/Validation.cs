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
        try
        {
            return PhoneNumbersParser.Require(input, null).National;
        }
        catch (GenAuthException)
        {
            return PhoneKey(input);
        }
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
