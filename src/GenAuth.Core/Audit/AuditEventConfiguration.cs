using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.HasKey(e => e.Id);
        // Note: AUTOINCREMENT on SQLite: an id is never reused, even after the newest rows are swept.
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.ActorKind).HasMaxLength(16);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.Detail).HasMaxLength(4096);
        // Keyset pages and the live feed read a pool's events by id; filters narrow by user or type within the pool.
        b.HasIndex(e => new { e.UserPoolId, e.Id });
        b.HasIndex(e => new { e.UserPoolId, e.UserId, e.Id });
        b.HasIndex(e => new { e.UserPoolId, e.Type, e.Id });
        b.HasIndex(e => e.CreatedAt);
    }
}
