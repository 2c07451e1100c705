using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace GenAuth.Core.Data;

/// <summary>
/// The same model on PostgreSQL. A type of its own because EF Core finds migrations by context type: SQLite's live in
/// Data/Migrations (GenAuthDbContext), PostgreSQL's in Data/Migrations/Postgres (this type). Code everywhere else asks
/// for GenAuthDbContext and gets this one when the provider is Postgres.
/// </summary>
public sealed class PostgresGenAuthDbContext(DbContextOptions<PostgresGenAuthDbContext> options) : GenAuthDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Note: byte-wise comparison and order, as SQLite's BINARY: the same sort and cursor order on both providers,
        // `=` and unique indexes exact (case-insensitive uniqueness lives in the *Normalized key columns, not in a
        // collation), and LIKE 'prefix%' can use a plain b-tree index.
        configurationBuilder.Properties<string>().UseCollation("C");
        // Note: the model's DateTimes are UTC by convention and SQLite keeps them as zone-less text. The same here:
        // `timestamp without time zone`, and the Kind dropped on write (Npgsql refuses a Utc DateTime for that type).
        configurationBuilder.Properties<DateTime>().HaveColumnType("timestamp without time zone")
            .HaveConversion<ZoneLessDateTime>();
    }

    private sealed class ZoneLessDateTime() : ValueConverter<DateTime, DateTime>(
        v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified), v => v);
}
