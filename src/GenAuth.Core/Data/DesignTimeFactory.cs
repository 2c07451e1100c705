using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace GenAuth.Core.Data;

/// <summary>Lets `dotnet ef migrations add` build the context without the server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<GenAuthDbContext>
{
    public GenAuthDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GenAuthDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>
/// The PostgreSQL migrations: `dotnet ef migrations add PgX --context PostgresGenAuthDbContext
/// --output-dir Data/Migrations/Postgres` (no server needed to add one).
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGenAuthDbContext>
{
    public PostgresGenAuthDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGenAuthDbContext>().UseNpgsql("Host=localhost;Database=genauth_design").Options);
}
