using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.QrLogin;

internal sealed class QrCodeConfiguration : IEntityTypeConfiguration<QrCode>
{
    public void Configure(EntityTypeBuilder<QrCode> b)
    {
        b.ToTable("qr_codes");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(64);
        b.Property(e => e.Scene).HasMaxLength(32);
        b.Property(e => e.CustomData).HasMaxLength(4096);
        b.HasIndex(e => e.TicketHash).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.ExpiresAt });
    }
}
