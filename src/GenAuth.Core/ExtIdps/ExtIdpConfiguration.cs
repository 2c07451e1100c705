using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.ExtIdps;

internal sealed class ExtIdpConfiguration : IEntityTypeConfiguration<ExtIdp>
{
    public void Configure(EntityTypeBuilder<ExtIdp> b)
    {
        b.ToTable("ext_idps");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Name).HasMaxLength(128);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.TenantId).HasMaxLength(64);
        b.HasIndex(e => new { e.UserPoolId, e.CreatedAt });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExtIdpConnConfiguration : IEntityTypeConfiguration<ExtIdpConn>
{
    public void Configure(EntityTypeBuilder<ExtIdpConn> b)
    {
        b.ToTable("ext_idp_conns");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Identifier).HasMaxLength(64);
        b.Property(e => e.DisplayName).HasMaxLength(128);
        // The URL is unique per pool: the sign-in paths name a connection by it.
        b.HasIndex(e => new { e.UserPoolId, e.Identifier }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.ExtIdpId });
        b.HasOne<ExtIdp>().WithMany().HasForeignKey(e => e.ExtIdpId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExtIdpConnAppStateConfiguration : IEntityTypeConfiguration<ExtIdpConnAppState>
{
    public void Configure(EntityTypeBuilder<ExtIdpConnAppState> b)
    {
        b.ToTable("ext_idp_conn_app_states");
        b.HasKey(e => e.Id);
        b.Property(e => e.ConnId).HasMaxLength(24);
        b.Property(e => e.AppId).HasMaxLength(64);
        b.Property(e => e.TenantId).HasMaxLength(64);
        // One switch per (connection, app, tenant): empty strings, not NULLs, so the unique index holds on both providers.
        b.HasIndex(e => new { e.ConnId, e.AppId, e.TenantId }).IsUnique();
        // The hosted page and directory logins read an app's switches.
        b.HasIndex(e => new { e.UserPoolId, e.AppId });
        b.HasOne<ExtIdpConn>().WithMany().HasForeignKey(e => e.ConnId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserIdentityConfiguration : IEntityTypeConfiguration<UserIdentity>
{
    public void Configure(EntityTypeBuilder<UserIdentity> b)
    {
        b.ToTable("user_identities");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Provider).HasMaxLength(64);
        b.Property(e => e.ProviderUserId).HasMaxLength(255);
        // One account per provider identity: two users can never hold the same external sub.
        b.HasIndex(e => new { e.ConnId, e.ProviderUserId }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ExtIdpConn>().WithMany().HasForeignKey(e => e.ConnId).OnDelete(DeleteBehavior.Cascade);
    }
}
