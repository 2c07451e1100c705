using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Applications;

/// <summary>
/// A registration agreement of an app (the SDK's applications.agreements): a title that may hold HTML links, shown on the
/// hosted register form in its language; a required one must be ticked there before the account is created. The id is a
/// number because the SDK types it so (AgreementDetail.id: number).
/// </summary>
public sealed class Agreement : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string AppId { get; set; }
    public required string Title { get; set; }
    public bool Required { get; set; } = true;
    public required string Lang { get; set; }
    public int Order { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A user's acceptance of one agreement, when they registered through the hosted page.</summary>
public sealed class AgreementAcceptance : IPoolOwned
{
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public long AgreementId { get; set; }
    public DateTime AcceptedAt { get; set; }
}

internal sealed class AgreementConfiguration : IEntityTypeConfiguration<Agreement>
{
    public void Configure(EntityTypeBuilder<Agreement> b)
    {
        b.ToTable("agreements");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Title).HasMaxLength(AgreementService.MaxTitleLength);
        b.Property(e => e.Lang).HasMaxLength(8);
        b.HasIndex(e => new { e.UserPoolId, e.AppId, e.Order });
        b.HasOne<Application>().WithMany().HasForeignKey(e => e.AppId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AgreementAcceptanceConfiguration : IEntityTypeConfiguration<AgreementAcceptance>
{
    public void Configure(EntityTypeBuilder<AgreementAcceptance> b)
    {
        b.ToTable("agreement_acceptances");
        b.HasKey(e => new { e.UserId, e.AgreementId });
        b.HasIndex(e => e.AgreementId);
        // Note: the record goes with the user; a deleted agreement keeps no acceptances (nothing left to have accepted).
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Agreement>().WithMany().HasForeignKey(e => e.AgreementId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
