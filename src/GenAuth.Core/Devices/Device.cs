using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Data;

namespace GenAuth.Core.Devices;

/// <summary>
/// A device of a pool: what a session's user agent and the client's fingerprint (the SDK's deviceUniqueId, sent on
/// sign-in as the x-authing-device-id header) identify together. Sign-ins bind it to the user; an admin can disable
/// or suspend it for everyone or for one user, which ends its sessions and refuses new ones.
/// </summary>
public sealed class Device : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }

    /// <summary>SHA-256 (hex) of user agent and fingerprint: the device's identity.</summary>
    public required string DeviceKey { get; set; }

    /// <summary>The client's fingerprint (deviceUniqueId), when it sent one.</summary>
    public string? UniqueId { get; set; }

    public string? Name { get; set; }
    public string? UserAgent { get; set; }
    public string? Browser { get; set; }
    public string? Type { get; set; }

    /// <summary>activated, disabled or suspended (until <see cref="SuspendedUntil"/>).</summary>
    public string Status { get; set; } = DeviceStatuses.Activated;
    public DateTime? SuspendedUntil { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public static string KeyOf(string? userAgent, string? fingerprint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((userAgent ?? "") + "\n" + (fingerprint ?? ""))));
}

/// <summary>A user's use of a device: its own status (disable/suspend a device for one user), last sign-in and IP.</summary>
public sealed class DeviceUser : IPoolOwned
{
    public int Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string DeviceId { get; set; }
    public required string UserId { get; set; }
    public string Status { get; set; } = DeviceStatuses.Activated;
    public DateTime? SuspendedUntil { get; set; }
    public string? LastIp { get; set; }
    public DateTime LastLoginAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class DeviceStatuses
{
    public const string Activated = "activated";
    public const string Disabled = "disabled";
    public const string Suspended = "suspended";

    /// <summary>The status now: a suspension whose end has passed reads as activated.</summary>
    public static string Effective(string status, DateTime? until, DateTime now) =>
        status == Suspended && (until is null || until <= now) ? Activated : status;
}
