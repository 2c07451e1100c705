using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Applications;

internal sealed class AppAccessRuleConfiguration : IEntityTypeConfiguration<AppAccessRule>
{
    public void Configure(EntityTypeBuilder<AppAccessRule> b)
    {
        b.ToTable("app_access_rules");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.UserPoolId, e.AppId, e.UserId }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasOne<Application>().WithMany().HasForeignKey(e => e.AppId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
