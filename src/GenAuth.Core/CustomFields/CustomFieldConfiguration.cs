using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.CustomFields;

internal sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomField>
{
    public void Configure(EntityTypeBuilder<CustomField> b)
    {
        b.ToTable("custom_fields");
        b.HasKey(e => e.Id);
        b.Property(e => e.TargetType).HasMaxLength(32);
        b.Property(e => e.Key).HasMaxLength(128);
        b.Property(e => e.DataType).HasMaxLength(16);
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.Key }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomFieldValueConfiguration : IEntityTypeConfiguration<CustomFieldValue>
{
    public void Configure(EntityTypeBuilder<CustomFieldValue> b)
    {
        b.ToTable("custom_field_values");
        b.HasKey(e => e.Id);
        b.Property(e => e.TargetType).HasMaxLength(32);
        b.Property(e => e.TargetId).HasMaxLength(64);
        b.Property(e => e.Key).HasMaxLength(128);
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.TargetId, e.Key }).IsUnique();
        // Note: NULLs are distinct in a unique index, so only values of unique fields (UniqueValue set) collide.
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.Key, e.UniqueValue }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
