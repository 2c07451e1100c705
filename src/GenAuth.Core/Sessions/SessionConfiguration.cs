using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.ToTable("sessions");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(32);
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.Property(e => e.DeviceId).HasMaxLength(24);
        b.Property(e => e.TenantId).HasMaxLength(24);
        b.HasIndex(e => e.DeviceId);
        // Note: the foreign key to users is configured from the User side (UserConfiguration), so Sessions stays below Users.
    }
}

internal sealed class LoginLogConfiguration : IEntityTypeConfiguration<LoginLog>
{
    public void Configure(EntityTypeBuilder<LoginLog> b)
    {
        b.ToTable("login_logs");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.UserPoolId, e.UserId, e.CreatedAt });
    }
}
