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
}
