using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace GenAuth.Core.Data;

/// <summary>Lets `dotnet ef migrations add` build the context without the server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<GenAuthDbContext>
{
    public GenAuthDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GenAuthDbContext>().UseSqlite("Data Source=design.db").Options);
}
