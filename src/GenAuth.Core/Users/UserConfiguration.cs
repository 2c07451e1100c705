using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Ignore(e => e.Arn);
        b.Property(e => e.Username).HasMaxLength(128);
        b.Property(e => e.Email).HasMaxLength(254);
        b.Property(e => e.EmailNormalized).HasMaxLength(254);
        // Note: NFKC can lengthen a string (㍿ is four letters), so the derived keys get room beyond the input's limit.
        b.Property(e => e.UsernameNormalized).HasMaxLength(512);
        b.Property(e => e.UsernameSkeleton).HasMaxLength(1024);
        b.Property(e => e.EmailSkeleton).HasMaxLength(1024);
        b.Property(e => e.Phone).HasMaxLength(32);
        b.Property(e => e.Gender).HasMaxLength(1);
        // Uniqueness lives in the database too, so concurrent registrations can't both win.
        b.HasIndex(e => new { e.UserPoolId, e.Username }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.EmailNormalized }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.Phone }).IsUnique();
        // Look-alike identities (issue 10, hole 9): normalised and skeleton keys are unique per pool in the database too.
        b.HasIndex(e => new { e.UserPoolId, e.UsernameNormalized }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.UsernameSkeleton }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.EmailSkeleton }).IsUnique();
        // Listing, cursor pages and prefix searches are index range scans (P4: flat from 10k to 1M users).
        b.HasIndex(e => new { e.UserPoolId, e.IsDeleted, e.CreatedAt, e.Id });
        b.HasIndex(e => new { e.UserPoolId, e.IsDeleted, e.UpdatedAt, e.Id });
        b.HasIndex(e => new { e.UserPoolId, e.Nickname });
        b.HasIndex(e => new { e.UserPoolId, e.Name });
        b.HasIndex(e => new { e.UserPoolId, e.ExternalId });
        // Note: no foreign key to the main account: users are only ever soft-deleted (a sub-account's sign-in checks
        // its main account's row), and on SQLite adding one rebuilds `users`, which is slow on a big pool and drops the
        // page-index triggers (PgdeepUserPageBuckets).
        b.HasIndex(e => new { e.UserPoolId, e.MainUserId });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<Session>().WithOne().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
