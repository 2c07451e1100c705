using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Orgs;

internal sealed class OrgConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> b)
    {
        b.ToTable("orgs");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.HasIndex(e => new { e.UserPoolId, e.CreatedAt });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrgNodeConfiguration : IEntityTypeConfiguration<OrgNode>
{
    public void Configure(EntityTypeBuilder<OrgNode> b)
    {
        b.ToTable("org_nodes");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Code).HasMaxLength(128);
        b.Property(e => e.Name).HasMaxLength(256);
        b.Ignore(e => e.IsRoot);
        b.Ignore(e => e.PathIds);
        b.Ignore(e => e.Depth);
        // Node codes are unique in the pool: assignRole names nodes by code alone.
        b.HasIndex(e => new { e.UserPoolId, e.Code }).IsUnique();
        b.HasIndex(e => new { e.OrgId, e.Path });
        b.HasIndex(e => e.ParentId);
        b.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NodeMemberConfiguration : IEntityTypeConfiguration<NodeMember>
{
    public void Configure(EntityTypeBuilder<NodeMember> b)
    {
        b.ToTable("node_members");
        b.HasKey(e => new { e.NodeId, e.UserId });
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasOne<OrgNode>().WithMany().HasForeignKey(e => e.NodeId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
