using System.Text.Json;
using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Permissions;

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Policy> b)
    {
        b.ToTable("policies");
        b.HasKey(e => e.Id);
        // Statements are read and written whole with their policy: one JSON column (nested lists of conditions and actions).
        b.Property(e => e.Statements).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<List<PolicyStatement>>(v, Json) ?? new List<PolicyStatement>(),
            new ValueComparer<List<PolicyStatement>>(
                (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
                v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<List<PolicyStatement>>(JsonSerializer.Serialize(v, Json), Json)!));
        b.HasIndex(e => new { e.UserPoolId, e.Namespace, e.Code }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PolicyAssignmentConfiguration : IEntityTypeConfiguration<PolicyAssignment>
{
    public void Configure(EntityTypeBuilder<PolicyAssignment> b)
    {
        b.ToTable("policy_assignments");
        b.HasKey(e => e.Id);
        b.Property(e => e.TargetType).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(e => new { e.UserPoolId, e.PolicyId, e.TargetType, e.TargetId }).IsUnique();
        // The lookup for "what applies to these targets": by target, then namespace.
        b.HasIndex(e => new { e.UserPoolId, e.TargetType, e.TargetId, e.Namespace });
        b.HasOne<Policy>().WithMany().HasForeignKey(e => e.PolicyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResourceNamespaceConfiguration : IEntityTypeConfiguration<ResourceNamespace>
{
    public void Configure(EntityTypeBuilder<ResourceNamespace> b)
    {
        b.ToTable("resource_namespaces");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.UserPoolId, e.Code }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
