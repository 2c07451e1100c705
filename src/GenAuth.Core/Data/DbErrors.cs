using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Data;

public static class DbErrors
{
    /// <summary>True when a save failed on a unique index (SQLite or PostgreSQL), optionally on one naming a column.</summary>
    public static bool IsUniqueViolation(DbUpdateException e, string? column = null)
    {
        var inner = e.InnerException;
        var unique = inner is DbException { SqlState: "23505" }
                     || (inner?.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal) ?? false);
        return unique && (column is null || inner!.Message.Contains(column, StringComparison.Ordinal));
    }

    /// <summary>
    /// True for a unique-index failure however it surfaced: a save's DbUpdateException, or the provider's own exception
    /// from ExecuteUpdate/ExecuteDelete (SqliteException on SQLite, PostgresException 23505 on PostgreSQL).
    /// </summary>
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        DbUpdateException update => IsUniqueViolation(update),
        DbException { SqlState: "23505" } => true,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal),
        _ => false,
    };
}
