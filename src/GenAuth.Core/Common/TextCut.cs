using System.Diagnostics.CodeAnalysis;

namespace GenAuth.Core.Common;

/// <summary>Shortening user-supplied text to a stored or shown limit.</summary>
public static class TextCut
{
    /// <summary>
    /// At most <paramref name="max"/> UTF-16 units of <paramref name="value"/>, cut on a code-point boundary: a cut
    /// through a surrogate pair (an emoji) drops the whole character rather than keep its high half. A lone surrogate
    /// is not valid UTF-8: PostgreSQL (through Npgsql's strict encoder) and strict JSON writers refuse it, and SQLite
    /// would store a replacement character.
    /// </summary>
    [return: NotNullIfNotNull(nameof(value))]
    public static string? Clip(string? value, int max)
    {
        if (value is null || value.Length <= max)
            return value;
        var end = Math.Max(0, max);
        if (end > 0 && char.IsHighSurrogate(value[end - 1]))
            end--;
        return value[..end];
    }
}
