using System.Data.Common;
using GenAuth.Core.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace GenAuth.Core.Data;

/// <summary>
/// Refuses text that PostgreSQL can't take, with 2608, on both providers: U+0000 (NUL; PostgreSQL can't store one in
/// text nor take one as a parameter at all, SQLSTATE 22021, even in a WHERE) and an unpaired surrogate (Npgsql's strict
/// UTF-8 encoder throws), while SQLite stores both. Such input from a GraphQL argument or a JSON body used to answer
/// 5000 on PostgreSQL only. Saves name the field first (<see cref="ColumnLengths.Check"/>); this interceptor catches
/// every other command (lookups, ExecuteUpdate, raw SQL).
/// </summary>
// Note: a refused lookup answers 2608 on SQLite too, where it used to find nothing: one answer on both providers.
public sealed class StoredText : DbCommandInterceptor
{
    public static readonly StoredText Instance = new();

    private StoredText()
    {
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>True when the value holds U+0000 or an unpaired surrogate.</summary>
    public static bool IsUnstorable(string? value)
    {
        if (value is null)
            return false;
        var span = value.AsSpan();
        if (span.Contains('\0'))
            return true;
        // Note: one vectorised scan; only text with surrogates at all walks them.
        var i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
            return false;
        for (; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                i++;
            else if (char.IsSurrogate(span[i]))
                return true;
        }
        return false;
    }

    /// <summary>2608 naming the field, never the value.</summary>
    public static GenAuthException Refused(string? field) => field is null
        ? new GenAuthException(ErrorCodes.UnstorableText)
        : new GenAuthException(new ErrorCode(ErrorCodes.UnstorableText.Code,
            $"{field} 含有无法保存的字符（U+0000 或不成对的代理项）", $"{field} contains a character that can't be stored (U+0000 or an unpaired surrogate)"), new { field });

    private static void Check(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
        {
            switch (parameter.Value)
            {
                case string s when IsUnstorable(s):
                    throw Refused(null);
                // Note: PostgreSQL takes a list (Contains over a collection) as one text[] parameter.
                case string?[] list when Array.Exists(list, IsUnstorable):
                    throw Refused(null);
                case IEnumerable<string?> list when parameter.Value is not string && list.Any(IsUnstorable):
                    throw Refused(null);
            }
        }
    }
}
