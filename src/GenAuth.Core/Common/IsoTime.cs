using System.Globalization;

namespace GenAuth.Core.Common;

/// <summary>
/// The one time format on the wire (GraphQL, REST, stored JSON): UTC ISO 8601 with milliseconds and a Z,
/// e.g. 2024-05-01T08:30:00.000Z, what GenAuth's SDKs parse.
/// </summary>
public static class IsoTime
{
    private const string Pattern = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>Unspecified kinds are UTC (SQLite hands every stored time back that way); local times are converted.</summary>
    public static string Format(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc))
        .ToString(Pattern, CultureInfo.InvariantCulture);

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static string? Format(DateTime? value) => value is { } v ? Format(v) : null;

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;
}
