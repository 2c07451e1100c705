using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Data;

public sealed class GenAuthDbContext(DbContextOptions<GenAuthDbContext> options) : DbContext(options)
{
    /// <summary>
    /// The caller's pool. Every pool-owned set is filtered by it; null matches nothing.
    /// </summary>
    // Note: a filter that defaults to "nothing" means a forgotten pool resolution leaks no rows.
    public string? PoolId { get; set; }

    public DbSet<UserPool> UserPools => Set<UserPool>();
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<PoolKey> PoolKeys => Set<PoolKey>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<LoginLog> LoginLogs => Set<LoginLog>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GenAuthDbContext).Assembly);
        modelBuilder.Entity<Application>().HasQueryFilter(e => e.UserPoolId == PoolId);
        modelBuilder.Entity<PoolKey>().HasQueryFilter(e => e.UserPoolId == PoolId);
        modelBuilder.Entity<User>().HasQueryFilter(e => e.UserPoolId == PoolId);
        modelBuilder.Entity<Session>().HasQueryFilter(e => e.UserPoolId == PoolId);
        modelBuilder.Entity<LoginLog>().HasQueryFilter(e => e.UserPoolId == PoolId);
    }
}
