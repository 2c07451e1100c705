using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Users;

/// <summary>
/// One bucket of the sparse page index of a pool's live users in (CreatedAt, Id) order: the users whose key is at or
/// after this start and before the next bucket's start, and how many there are. Database triggers on Users keep
/// Count exact in the writer's own transaction (insert, delete, archive, restore); buckets are made and split by
/// <see cref="UserPageIndex"/>. A page seeks to its bucket and steps over at most one bucket's users.
/// </summary>
public sealed class UserPageBucket
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }

    /// <summary>The first key of the bucket (the pool's first bucket starts at DateTime.MinValue, "").</summary>
    public DateTime StartAt { get; set; }

    public required string StartId { get; set; }

    /// <summary>Live users in the bucket.</summary>
    public int Count { get; set; }
}

internal sealed class UserPageBucketConfiguration : IEntityTypeConfiguration<UserPageBucket>
{
    public void Configure(EntityTypeBuilder<UserPageBucket> b)
    {
        b.ToTable("UserPageBuckets");
        b.HasKey(e => e.Id);
        b.Property(e => e.StartId).HasMaxLength(24);
        b.HasIndex(e => new { e.UserPoolId, e.StartAt, e.StartId }).IsUnique();
    }
}
