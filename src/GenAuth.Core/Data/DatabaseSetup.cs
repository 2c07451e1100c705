using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Data;

public static class DatabaseSetup
{
    public static string DefaultDatabasePath(GenAuthOptions options) => Path.Combine(options.DataDirectory, "genauth.db");

    public static string SqliteConnectionString(GenAuthOptions options) =>
        options.ConnectionString ?? $"Data Source={DefaultDatabasePath(options)};Default Timeout=30";

    public static async Task MigrateAsync(GenAuthDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            // Note: WAL lets readers run beside the one writer; it is a property of the file, set once.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        await db.Database.MigrateAsync(ct);
        // Note: look-alike keys of users older than them need NFKC and UTS #39 tables, which SQL doesn't have.
        await Users.IdentifierBackfill.RunAsync(db, ct);
    }
}
