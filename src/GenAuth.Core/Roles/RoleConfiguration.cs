using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Roles;

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.ToTable("roles");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Namespace).HasMaxLength(128);
        b.Property(e => e.Code).HasMaxLength(128);
        b.Ignore(e => e.Arn);
        b.HasIndex(e => new { e.UserPoolId, e.Namespace, e.Code }).IsUnique();
        b.HasIndex(e => e.ParentId);
        b.HasOne<Role>().WithMany().HasForeignKey(e => e.ParentId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleAssignmentConfiguration : IEntityTypeConfiguration<RoleAssignment>
{
    public void Configure(EntityTypeBuilder<RoleAssignment> b)
    {
        b.ToTable("role_assignments");
        b.HasKey(e => e.Id);
        b.Property(e => e.TargetType).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(e => new { e.RoleId, e.TargetType, e.TargetId }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.TargetId });
        b.HasOne<Role>().WithMany().HasForeignKey(e => e.RoleId).OnDelete(DeleteBehavior.Cascade);
    }
}
