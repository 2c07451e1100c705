using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Tenants;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("tenants");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Name).HasMaxLength(TenantService.MaxNameLength);
        b.Property(e => e.Logo).HasMaxLength(1024);
        b.Property(e => e.Description).HasMaxLength(1024);
        b.Property(e => e.Css).HasMaxLength(TenantService.MaxCssLength);
        b.Property(e => e.SsoPageCustomizationSettings).HasMaxLength(1024);
        b.Property(e => e.AppIds).HasMaxLength(TenantService.MaxApps * 25);
        b.HasIndex(e => e.UserPoolId);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TenantMemberConfiguration : IEntityTypeConfiguration<TenantMember>
{
    public void Configure(EntityTypeBuilder<TenantMember> b)
    {
        b.ToTable("tenant_members");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.TenantId, e.UserId }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
