using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Mfa;

internal sealed class MfaFactorConfiguration : IEntityTypeConfiguration<MfaFactor>
{
    public void Configure(EntityTypeBuilder<MfaFactor> b)
    {
        b.ToTable("mfa_factors");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.FactorType).HasMaxLength(8);
        b.Property(e => e.Target).HasMaxLength(254);
        b.HasIndex(e => new { e.UserPoolId, e.UserId, e.FactorType }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MfaEnrollmentConfiguration : IEntityTypeConfiguration<MfaEnrollment>
{
    public void Configure(EntityTypeBuilder<MfaEnrollment> b)
    {
        b.ToTable("mfa_enrollments");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.FactorType).HasMaxLength(8);
        b.Property(e => e.Target).HasMaxLength(254);
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasIndex(e => e.ExpiresAt);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MfaChallengeConfiguration : IEntityTypeConfiguration<MfaChallenge>
{
    public void Configure(EntityTypeBuilder<MfaChallenge> b)
    {
        b.ToTable("mfa_challenges");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Method).HasMaxLength(64);
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasIndex(e => e.ExpiresAt);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
