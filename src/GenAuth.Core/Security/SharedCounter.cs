using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Security;

/// <summary>
/// One counter, strike count, lock, job claim or spent single-use value kept in the database (<see cref="DatabaseRateStore"/>):
/// where they live while Redis is configured but unreachable, and on PostgreSQL without Redis. The key names its kind
/// ("c:", "strikes:", "lock:", "job:", "once:"), as Redis's keys do.
/// </summary>
public sealed class SharedCounter
{
    public required string Key { get; set; }

    /// <summary>Counters and strikes: the current fixed window's start (ms since the epoch).</summary>
    public long Start { get; set; }

    /// <summary>Counters and strikes: the current window's count. Locks, claims and spent values: their end (ms since the epoch).</summary>
    public long Current { get; set; }

    /// <summary>Counters and strikes: the previous window's count. Locks: the end the last write replaced.</summary>
    public long Previous { get; set; }

    /// <summary>Counters and strikes: the window's length (ms), so a row can be replayed into Redis after an outage.</summary>
    public long Size { get; set; }

    /// <summary>When the row means nothing any more (ms since the epoch); the expired-row sweeper deletes it after.</summary>
    public long ExpiresAt { get; set; }
}

internal sealed class SharedCounterConfiguration : IEntityTypeConfiguration<SharedCounter>
{
    public void Configure(EntityTypeBuilder<SharedCounter> b)
    {
        b.ToTable("SharedCounters");
        b.HasKey(e => e.Key);
        b.Property(e => e.Key).HasMaxLength(512);
        b.HasIndex(e => e.ExpiresAt);
    }
}
