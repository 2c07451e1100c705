using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace GenAuth.Core.Data;

public static class DatabaseSetup
{
    /// <summary>The connection string PostgreSQL uses (GenAuth:Database:Provider = Postgres).</summary>
    public const string PostgresConnectionStringName = "Postgres";

    public static string DefaultDatabasePath(GenAuthOptions options) => Path.Combine(options.DataDirectory, "genauth.db");

    public static string SqliteConnectionString(GenAuthOptions options) =>
        options.ConnectionString ?? $"Data Source={DefaultDatabasePath(options)};Default Timeout=30";

    public static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(PostgresConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "GenAuth:Database:Provider is Postgres but ConnectionStrings:Postgres is not set "
                + "(e.g. ConnectionStrings__Postgres=\"Host=db;Database=genauth;Username=genauth;Password=...\")");

    /// <summary>Applies pending migrations (SQLite or PostgreSQL, whichever the context is on), then the backfills.</summary>
    public static async Task MigrateAsync(GenAuthDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            // Note: WAL lets readers run beside the one writer; it is a property of the file, set once.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        // Note: EF Core takes a migration lock (an advisory lock on PostgreSQL), so instances starting at once migrate once.
        await db.Database.MigrateAsync(ct);
        // Note: look-alike keys of users older than them need NFKC and UTS #39 tables, which SQL doesn't have.
        await Users.IdentifierBackfill.RunAsync(db, ct);
    }

    /// <summary>With GenAuth:Database:MigrateOnStart false: refuse to start on a schema the code doesn't match.</summary>
    public static async Task EnsureMigratedAsync(GenAuthDbContext db, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) (first: {pending[0]}) and GenAuth:Database:MigrateOnStart is false: "
                + "run `GenAuth.Server migrate` first.");
    }
}
