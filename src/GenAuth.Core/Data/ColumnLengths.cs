using System.Collections.Concurrent;
using System.Data.Common;
using GenAuth.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace GenAuth.Core.Data;

/// <summary>
/// The model's string length limits (HasMaxLength), checked before a save writes anything. PostgreSQL enforces them
/// (varchar(n), SQLSTATE 22001) and SQLite ignores them, so without this a value saves on one provider and fails on
/// the other. Checked here, both refuse it the same way, with 2607 naming the field, and the whole save is refused.
/// </summary>
// Note: lengths count Unicode code points, as PostgreSQL's varchar(n) does (a character outside the BMP is two UTF-16
// units in a .NET string but one character there), so exactly-at-the-limit values save on both providers.
public static class ColumnLengths
{
    private sealed record Limited(IProperty Property, IClrPropertyGetter? Getter, int MaxLength, string Field);

    // Note: keyed by the entity type object, so the SQLite and PostgreSQL models (one per context type) each get theirs.
    private static readonly ConcurrentDictionary<IEntityType, Limited[]> Cache = new();

    /// <summary>
    /// Throws 2607 for the first added or modified string value longer than its column, or 2608 for one holding U+0000 or an unpaired surrogate
    /// (PostgreSQL can't store it, <see cref="StoredText"/>); writes nothing.
    /// </summary>
    public static void Check(ChangeTracker tracker)
    {
        // Note: Entries() runs DetectChanges (when auto-detect is on), so property edits made on tracked entities count.
        foreach (var entry in tracker.Entries())
        {
            var state = entry.State;
            if (state is not (EntityState.Added or EntityState.Modified))
                continue;
            var limited = Cache.GetOrAdd(entry.Metadata, Build);
            if (limited.Length == 0)
                continue;
            var entity = entry.Entity;
            foreach (var p in limited)
            {
                var value = p.Getter is { } getter ? getter.GetClrValue(entity) as string : entry.CurrentValues[p.Property] as string;
                if (value is null)
                    continue;
                // Note: the code point count is never above the UTF-16 length, so the common case is one comparison.
                var tooLong = value.Length > p.MaxLength && CodePoints(value) > p.MaxLength;
                if (!tooLong && !StoredText.IsUnstorable(value))
                    continue;
                // Note: an unmodified column of a modified row is not being written (an old over-long value saved
                // before this check existed must not block edits of other fields).
                if (state == EntityState.Modified && !entry.Property(p.Property).IsModified)
                    continue;
                throw tooLong ? TooLong(p.Field, p.MaxLength) : StoredText.Refused(p.Field);
            }
        }
    }

    /// <summary>Throws 2607 for the first string value of an entity about to be inserted without SaveChanges.</summary>
    public static void Check(IEntityType type, object entity)
    {
        foreach (var p in Cache.GetOrAdd(type, Build))
        {
            if (p.Getter?.GetClrValue(entity) is string value && value.Length > p.MaxLength && CodePoints(value) > p.MaxLength)
                throw TooLong(p.Field, p.MaxLength);
        }
    }

    /// <summary>2607 naming the field and its limit, never the value.</summary>
    public static GenAuthException TooLong(string field, int maxLength) =>
        new(new ErrorCode(ErrorCodes.ValueTooLong.Code,
                $"{field} 的长度超过上限（最多 {maxLength} 个字符）", $"{field} is too long (at most {maxLength} characters)"),
            new { field, maxLength });

    /// <summary>
    /// True for PostgreSQL's "value too long for type character varying(n)" (SQLSTATE 22001), however it surfaced: a
    /// save's DbUpdateException or the provider exception of ExecuteUpdate or raw SQL. The safety net behind
    /// <see cref="Check"/> for writes that don't go through SaveChanges.
    /// </summary>
    public static bool IsValueTooLong(Exception? e) => e switch
    {
        DbUpdateException update => update.InnerException is DbException { SqlState: "22001" },
        DbException { SqlState: "22001" } => true,
        _ => false,
    };

    /// <summary>The number of Unicode code points (a surrogate pair is one), as PostgreSQL counts characters.</summary>
    public static int CodePoints(string value)
    {
        var count = value.Length;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                count--;
                i++;
            }
        }
        return count;
    }

    private static Limited[] Build(IEntityType type)
    {
        var list = new List<Limited>();
        foreach (var property in type.GetProperties())
        {
            // Note: every string column, limited or not, for U+0000 and unpaired surrogates (StoredText); unlimited ones never count as too long.
            if (property.ClrType != typeof(string))
                continue;
            list.Add(new Limited(property, property.IsShadowProperty() ? null : property.GetGetter(), property.GetMaxLength() ?? int.MaxValue,
                char.ToLowerInvariant(property.Name[0]) + property.Name[1..]));
        }
        return [.. list];
    }
}
