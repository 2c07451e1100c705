using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Permissions;

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> b)
    {
        b.ToTable("resources");
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasConversion<string>().HasMaxLength(16);
        b.OwnsMany(e => e.Actions, a => a.ToJson());
        b.HasIndex(e => new { e.UserPoolId, e.Namespace, e.Code }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PermissionConfiguration : IEntityTypeConfiguration<Permission>
{
    public void Configure(EntityTypeBuilder<Permission> b)
    {
        b.ToTable("permissions");
        b.HasKey(e => e.Id);
        b.Property(e => e.ResourceType).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.TargetType).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(e => new { e.UserPoolId, e.Namespace, e.Resource, e.TargetType, e.TargetId }).IsUnique();
        // The lookup for "what may these targets do": by target, then namespace.
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.TargetId, e.Namespace });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
