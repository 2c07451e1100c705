namespace GenAuth.Core.Common;

public static class Texts
{
    /// <summary>
    /// The value cut to at most <paramref name="max"/> UTF-16 units, never between the halves of a surrogate pair: a
    /// lone half is not valid text, and PostgreSQL (Npgsql's strict UTF-8) refuses it where SQLite stored it.
    /// </summary>
    public static string Cut(string value, int max) =>
        value.Length <= max ? value : value[..(max > 0 && char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];

    /// <inheritdoc cref="Cut(string, int)"/>
    public static string? CutOrNull(string? value, int max) => value is null ? null : Cut(value, max);
}
