using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Devices;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> b)
    {
        b.ToTable("devices");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.DeviceKey).HasMaxLength(64);
        b.Property(e => e.UniqueId).HasMaxLength(DeviceService.MaxFingerprintLength);
        b.Property(e => e.Name).HasMaxLength(256);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.Browser).HasMaxLength(64);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Status).HasMaxLength(16);
        b.HasIndex(e => new { e.UserPoolId, e.DeviceKey }).IsUnique();
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeviceUserConfiguration : IEntityTypeConfiguration<DeviceUser>
{
    public void Configure(EntityTypeBuilder<DeviceUser> b)
    {
        b.ToTable("device_users");
        b.HasKey(e => e.Id);
        b.Property(e => e.Status).HasMaxLength(16);
        b.Property(e => e.LastIp).HasMaxLength(64);
        b.HasIndex(e => new { e.DeviceId, e.UserId }).IsUnique();
        b.HasIndex(e => new { e.UserPoolId, e.UserId });
        b.HasOne<Device>().WithMany().HasForeignKey(e => e.DeviceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
