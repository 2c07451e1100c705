using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Pools;

internal sealed class UserPoolConfiguration : IEntityTypeConfiguration<UserPool>
{
    public void Configure(EntityTypeBuilder<UserPool> b)
    {
        b.ToTable("user_pools");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Name).HasMaxLength(200);
        b.Property(e => e.DefaultLanguage).HasMaxLength(16);
        // Note: defaults in the database too, so pools that existed before the column keep working tokens.
        b.Property(e => e.SecretVersion).HasDefaultValue(1);
        // Note: pools from before frequentRegisterCheck get GenAuth's shape with working values, not a 0 limit.
        b.Property(e => e.FrequentRegisterLimit).HasDefaultValue(10);
        b.Property(e => e.FrequentRegisterInterval).HasDefaultValue(300);
        b.Property(e => e.SmsCountries).HasMaxLength(2000);
        b.Property(e => e.AppSsoEnabled).HasDefaultValue(true).HasSentinel(true);
        b.Property(e => e.LoginFailCheckLimit).HasDefaultValue(50);
        b.Property(e => e.LoginFailCheckInterval).HasDefaultValue(300);
        b.Property(e => e.AuditRetentionDays).HasDefaultValue(180);
        b.Property(e => e.LoginPasswordFailCheckLimit).HasDefaultValue(5);
        b.Property(e => e.LoginPasswordFailCheckInterval).HasDefaultValue(300);
        b.Property(e => e.LoginFailStrategy).HasMaxLength(32);
    }
}

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> b)
    {
        b.ToTable("applications");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.HasIndex(e => e.UserPoolId);
        // Note: apps that existed before access control keep letting every user in.
        b.Property(e => e.DefaultAccess).HasMaxLength(16).HasDefaultValue(AppAccess.AllowAll);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
        // Note: defaults in the database too, so apps that existed before the OIDC server get the code flow.
        b.Ignore(e => e.ShownSecret);
        b.Property(e => e.GrantTypes).HasMaxLength(128).HasDefaultValue("authorization_code refresh_token");
        b.Property(e => e.TokenEndpointAuthMethod).HasMaxLength(32).HasDefaultValue("client_secret_basic");
        b.Property(e => e.AppType).HasMaxLength(16).HasDefaultValue("INDIVIDUAL");
    }
}

internal sealed class PoolKeyConfiguration : IEntityTypeConfiguration<PoolKey>
{
    public void Configure(EntityTypeBuilder<PoolKey> b)
    {
        b.ToTable("pool_keys");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.UserPoolId, e.Use, e.Active });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
