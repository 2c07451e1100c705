using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Data;

/// <summary>Hands out PostgreSQL contexts (pooled) where the code asks for GenAuthDbContext.</summary>
internal sealed class PostgresContexts(IDbContextFactory<PostgresGenAuthDbContext> inner) : IDbContextFactory<GenAuthDbContext>
{
    public GenAuthDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<GenAuthDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
