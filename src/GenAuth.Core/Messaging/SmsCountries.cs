using GenAuth.Core.Common;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Messaging;

/// <summary>
/// Which countries a pool sends SMS to: its <see cref="UserPool.SmsCountries"/> list, else the server's default (+86).
/// "*" allows every country except the premium, satellite and non-geographic ranges below, which are sent to only when
/// listed by name (they are where SMS pumping fraud pays: the attacker shares the termination fee).
/// </summary>
public static class SmsCountries
{
    /// <summary>
    /// Satellite and non-geographic codes (+870 Inmarsat, +881 global satellite, +882/+883 international networks, +888,
    /// +979 international premium rate, +800/+808 international freephone and shared cost) and small-network destinations
    /// commonly abused for revenue-share fraud.
    /// </summary>
    public static readonly IReadOnlySet<string> Premium = new HashSet<string>(StringComparer.Ordinal)
    {
        "+800", "+808", "+870", "+878", "+881", "+882", "+883", "+888", "+979", "+991",
        "+247", "+269", "+290", "+252", "+674", "+675", "+677", "+678", "+682", "+683", "+686", "+688", "+690", "+691", "+692",
    };

    /// <summary>The effective list: the pool's own, else the server default.</summary>
    public static IReadOnlyList<string> Of(UserPool pool, string serverDefault) => Parse(pool.SmsCountries ?? serverDefault);

    public static IReadOnlyList<string> Parse(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();

    public static bool IsAllowed(IReadOnlyList<string> allowed, string countryCode) =>
        allowed.Contains(countryCode) || (allowed.Contains("*") && !Premium.Contains(countryCode));

    /// <summary>Refuses (2093) a number the pool doesn't send to.</summary>
    public static void Require(UserPool pool, string serverDefault, string countryCode)
    {
        if (!IsAllowed(Of(pool, serverDefault), countryCode))
            throw new GenAuthException(ErrorCodes.SmsCountryNotAllowed, detail: countryCode);
    }

    /// <summary>
    /// An admin's list, normalised ("86" → "+86") and checked: "*" or calling codes of 1 to 4 digits; an empty list
    /// answers null (the server default).
    /// </summary>
    public static string? Normalize(IEnumerable<string?> values)
    {
        var list = new List<string>();
        foreach (var raw in values)
        {
            var v = raw?.Trim() ?? "";
            if (v.Length == 0)
                continue;
            if (v != "*")
            {
                var digits = v.TrimStart('+');
                if (digits.Length is < 1 or > 4 || !digits.All(char.IsAsciiDigit) || digits[0] == '0')
                    throw new GenAuthException(ErrorCodes.BadRequest, detail: $"smsCountries: \"{raw}\" is not a calling code like +86, nor *");
                v = "+" + digits;
            }
            if (!list.Contains(v))
                list.Add(v);
        }
        if (list.Count > 300)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "smsCountries: at most 300 entries");
        return list.Count == 0 ? null : string.Join(",", list);
    }
}
