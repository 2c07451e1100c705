using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace GenAuth.Core.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock (its busy handler backs off 1, 2, 5… ms) when two requests write at once.
/// Without it a second writer gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed 150 ms sleep:
/// under concurrent token requests (each writes a token row) that sleep was most of a request's time.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public const int Milliseconds = 5_000;
    public static readonly SqliteBusyTimeout Instance = new();

    private SqliteBusyTimeout()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        // Note: every request opens a (pooled) connection, so this is on the hot path: the C call costs nothing, where a
        // PRAGMA statement was one more prepare and step per request.
        if (connection is SqliteConnection { Handle: { } handle })
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
    }
}
