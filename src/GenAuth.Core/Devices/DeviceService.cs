using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Devices;

/// <summary>What a sign-in's device allows: a refusal, or the device and the user's binding (tracked) when both exist.</summary>
public sealed record DeviceCheck(ErrorCode? Refusal, string? DeviceId, DeviceUser? Binding);

/// <summary>A device as one user sees it (mydevices/list) or as an admin sees a user's (get-user-devices).</summary>
public sealed record UserDeviceView(Device Device, DeviceUser Binding, bool Online);

/// <summary>
/// Devices on top of sessions (BrowserFingerprintClient). A sign-in names its device by user agent and fingerprint
/// (<see cref="CheckSignInAsync"/> refuses a disabled or suspended one, <see cref="Attach"/> binds the new session
/// to it); disabling, suspending, deleting or unbinding ends the sessions opened from it.
/// </summary>
public sealed class DeviceService(GenAuthDbContext db, CallerContext caller, SessionService sessions, TimeProvider clock)
{
    public const int MaxFingerprintLength = 128;

    /// <summary>Longest suspension an admin may set.</summary>
    public static readonly TimeSpan MaxSuspension = TimeSpan.FromDays(3650);

    /// <summary>
    /// The refusal for a sign-in from this device, or null, and the user's binding to it (tracked) when both exist, so
    /// the session is bound with no second lookup (<see cref="Attach"/>). One indexed query: a device never seen is
    /// allowed and created with the session (<see cref="BindNewAsync"/>).
    /// </summary>
    public static async Task<DeviceCheck> CheckSignInAsync(GenAuthDbContext db, string userId, string? userAgent, string? fingerprint,
        DateTime now, CancellationToken ct)
    {
        var key = Device.KeyOf(Truncate(userAgent, 512), Fingerprint(fingerprint));
        var found = await db.Devices.Where(d => d.DeviceKey == key)
            .Select(d => new { d.Id, d.Status, d.SuspendedUntil, Binding = db.DeviceUsers.FirstOrDefault(b => b.DeviceId == d.Id && b.UserId == userId) })
            .FirstOrDefaultAsync(ct);
        if (found is null)
            return new DeviceCheck(null, null, null);
        var refusal = Refusal(DeviceStatuses.Effective(found.Status, found.SuspendedUntil, now))
                      ?? (found.Binding is null ? null : Refusal(DeviceStatuses.Effective(found.Binding.Status, found.Binding.SuspendedUntil, now)));
        return new DeviceCheck(refusal, found.Id, found.Binding);
    }

    /// <summary>Binds a new session (added, not yet saved) to the device the check found bound; false when rows must be created.</summary>
    public static bool Attach(DeviceCheck check, Session session, DateTime now)
    {
        if (check is not { DeviceId: { } deviceId, Binding: { } binding })
            return false;
        binding.LastIp = Truncate(session.Ip, 64);
        binding.LastLoginAt = now;
        session.DeviceId = deviceId;
        return true;
    }

    /// <summary>
    /// Binds a new session (added, not yet saved) to its device when the device and the user's binding already exist:
    /// only updates, saved with the session. False when a row must be created: then <see cref="BindNewAsync"/> after
    /// the sign-in committed (an insert can meet a concurrent first sign-in from the same device, and must not fail
    /// or poison the sign-in's transaction).
    /// </summary>
    public static async Task<bool> AttachExistingAsync(GenAuthDbContext db, Session session, string? fingerprint, DateTime now, CancellationToken ct)
    {
        var key = Device.KeyOf(session.UserAgent, Fingerprint(fingerprint));
        var found = await db.Devices.Where(d => d.DeviceKey == key)
            .Select(d => new { d.Id, Binding = db.DeviceUsers.FirstOrDefault(b => b.DeviceId == d.Id && b.UserId == session.UserId) })
            .FirstOrDefaultAsync(ct);
        if (found?.Binding is not { } binding)
            return false;
        binding.LastIp = Truncate(session.Ip, 64);
        binding.LastLoginAt = now;
        session.DeviceId = found.Id;
        return true;
    }

    /// <summary>Creates the device and/or the user's binding for a saved session, and names the device on it. Never throws
    /// for a concurrent creation: it retries once, and a session left without its device is only missing from lists.</summary>
    public static async Task BindNewAsync(GenAuthDbContext db, Session session, string? fingerprint, DateTime now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var added = new List<object>();
            try
            {
                var deviceId = await EnsureRowsAsync(db, session, Fingerprint(fingerprint), now, added, ct);
                await db.SaveChangesAsync(ct);
                await db.Sessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.DeviceId, deviceId), ct);
                session.DeviceId = deviceId;
                return;
            }
            catch (DbUpdateException)
            {
                foreach (var row in added)
                    db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    private static async Task<string> EnsureRowsAsync(GenAuthDbContext db, Session session, string? fp, DateTime now, List<object> added,
        CancellationToken ct)
    {
        var key = Device.KeyOf(session.UserAgent, fp);
        var device = await db.Devices.FirstOrDefaultAsync(d => d.DeviceKey == key, ct);
        DeviceUser? binding = null;
        if (device is null)
        {
            var (browser, type) = UserAgentInfo.Parse(session.UserAgent);
            device = new Device
            {
                Id = Ids.New(), UserPoolId = session.UserPoolId, DeviceKey = key, UniqueId = fp, UserAgent = session.UserAgent,
                Browser = browser, Type = type, Name = browser is null ? null : type is null ? browser : $"{browser} ({type})",
                CreatedAt = now, UpdatedAt = now,
            };
            db.Devices.Add(device);
            added.Add(device);
        }
        else
            binding = await db.DeviceUsers.FirstOrDefaultAsync(b => b.DeviceId == device.Id && b.UserId == session.UserId, ct);
        if (binding is null)
        {
            binding = new DeviceUser { UserPoolId = session.UserPoolId, DeviceId = device.Id, UserId = session.UserId, CreatedAt = now };
            db.DeviceUsers.Add(binding);
            added.Add(binding);
        }
        binding.LastIp = Truncate(session.Ip, 64);
        binding.LastLoginAt = now;
        return device.Id;
    }

    /// <summary>
    /// create-device: the signed-in client names its fingerprint; the caller's session moves to the device that user agent
    /// and fingerprint identify. A device disabled or suspended (for everyone or this user) ends the session at once.
    /// </summary>
    public async Task<Device> CreateForSessionAsync(string? uniqueId, string? name, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var fp = Fingerprint(uniqueId) ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"deviceUniqueId is required (at most {MaxFingerprintLength} characters)");
        var now = clock.GetUtcNow().UtcDateTime;
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == caller.SessionId && s.UserId == userId, ct)
                      ?? throw new GenAuthException(ErrorCodes.TokenInvalid);
        if ((await CheckSignInAsync(db, userId, session.UserAgent, fp, now, ct)).Refusal is { } refusal)
        {
            await sessions.RevokeAsync(db, session.Id, ct);
            throw new GenAuthException(refusal);
        }
        if (!await AttachExistingAsync(db, session, fp, now, ct))
        {
            await db.SaveChangesAsync(ct);
            await BindNewAsync(db, session, fp, now, ct);
        }
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == session.DeviceId, ct)
                     ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "the device was registered concurrently; try again");
        if (!string.IsNullOrWhiteSpace(name))
        {
            device.Name = Truncate(name.Trim(), 256);
            device.UpdatedAt = now;
        }
        await SaveAsync(ct);
        return device;
    }

    public async Task<IReadOnlyList<UserDeviceView>> MineAsync(CancellationToken ct) =>
        (await OfUserAsync(caller.RequireUserId(), 1, Paging.MaxLimit, ct)).List;

    public async Task<Page<UserDeviceView>> UserDevicesAsync(string? userId, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (string.IsNullOrEmpty(userId) || !await db.Users.AnyAsync(u => u.Id == userId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        return await OfUserAsync(userId, page, limit, ct);
    }

    /// <summary>mydevices/revoke-session: ends the caller's sessions on one of their devices.</summary>
    public async Task LogoutMineAsync(string? deviceId, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        await RequireBindingAsync(deviceId, userId, ct);
        await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.UserId == userId && s.DeviceId == deviceId), ct);
    }

    /// <summary>mydevices/unbind: forgets the device for the caller and ends their sessions on it.</summary>
    public async Task UnbindMineAsync(string? deviceId, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var binding = await RequireBindingAsync(deviceId, userId, ct);
        // Note: a device the admin disabled or suspended for this user stays bound, so unbinding can't lift the block.
        if (DeviceStatuses.Effective(binding.Status, binding.SuspendedUntil, clock.GetUtcNow().UtcDateTime) != DeviceStatuses.Activated)
            throw new GenAuthException(ErrorCodes.Forbidden, detail: "the device is blocked for this account");
        await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.UserId == userId && s.DeviceId == deviceId), ct);
        db.DeviceUsers.Remove(binding);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Page<Device>> ListAsync(int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var total = await db.Devices.CountAsync(ct);
        return new Page<Device>(total, await db.Devices.AsNoTracking().OrderBy(d => d.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    public async Task<Device> GetAsync(string? id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.DeviceNotFound);
    }

    /// <summary>Sets a device's status for everyone (userId null) or for one user; anything but activated ends its sessions.</summary>
    public async Task SetStatusAsync(string? id, string? userId, string status, long? endTimeMs, CancellationToken ct)
    {
        caller.RequireAdmin();
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = null;
        if (status == DeviceStatuses.Suspended)
        {
            if (endTimeMs is not { } ms || ms <= 0 || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "endTime (milliseconds since the epoch) is required");
            until = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
            if (until <= now || until - now > MaxSuspension)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"endTime must be in the future, at most {MaxSuspension.TotalDays} days ahead");
        }
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.DeviceNotFound);
        if (userId is null)
        {
            device.Status = status;
            device.SuspendedUntil = until;
            device.UpdatedAt = now;
        }
        else
        {
            var binding = await db.DeviceUsers.FirstOrDefaultAsync(b => b.DeviceId == device.Id && b.UserId == userId, ct)
                          ?? throw new GenAuthException(ErrorCodes.DeviceNotFound);
            binding.Status = status;
            binding.SuspendedUntil = until;
        }
        await db.SaveChangesAsync(ct);
        if (status != DeviceStatuses.Activated)
            await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.DeviceId == device.Id && (userId == null || s.UserId == userId)), ct);
    }

    /// <summary>Deletes a device (userId null) or one user's binding to it; its sessions end.</summary>
    public async Task DeleteAsync(string? id, string? userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.DeviceNotFound);
        await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.DeviceId == device.Id && (userId == null || s.UserId == userId)), ct);
        if (userId is null)
        {
            await db.DeviceUsers.Where(b => b.DeviceId == device.Id).ExecuteDeleteAsync(ct);
            db.Devices.Remove(device);
            await db.SaveChangesAsync(ct);
        }
        else if (await db.DeviceUsers.Where(b => b.DeviceId == device.Id && b.UserId == userId).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.DeviceNotFound);
    }

    /// <summary>device-status: the device's status now and, when suspended, the milliseconds left.</summary>
    public async Task<(string Status, long? DiffTime)> StatusAsync(string? id, CancellationToken ct)
    {
        var device = await GetAsync(id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var status = DeviceStatuses.Effective(device.Status, device.SuspendedUntil, now);
        return (status, status == DeviceStatuses.Suspended ? (long)(device.SuspendedUntil!.Value - now).TotalMilliseconds : null);
    }

    private async Task<Page<UserDeviceView>> OfUserAsync(string userId, int? page, int? limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (skip, take) = Paging.Window(page, limit);
        var query = db.DeviceUsers.AsNoTracking().Where(b => b.UserId == userId);
        var total = await query.CountAsync(ct);
        // Note: the device id breaks ties, so a page boundary between equal times cuts the same way on every provider.
        var rows = await query.OrderByDescending(b => b.LastLoginAt).ThenBy(b => b.DeviceId).Skip(skip).Take(take)
            .Join(db.Devices.AsNoTracking(), b => b.DeviceId, d => d.Id, (b, d) => new
            {
                b, d, Online = db.Sessions.Any(s => s.UserId == userId && s.DeviceId == d.Id && s.RevokedAt == null && s.ExpiresAt > now),
            }).ToListAsync(ct);
        return new Page<UserDeviceView>(total, rows.Select(r => new UserDeviceView(r.d, r.b, r.Online)).ToList());
    }

    private async Task<DeviceUser> RequireBindingAsync(string? deviceId, string userId, CancellationToken ct) =>
        string.IsNullOrEmpty(deviceId)
            ? throw new GenAuthException(ErrorCodes.BadRequest, detail: "deviceId is required")
            : await db.DeviceUsers.FirstOrDefaultAsync(b => b.DeviceId == deviceId && b.UserId == userId, ct)
              ?? throw new GenAuthException(ErrorCodes.DeviceNotFound);

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first sign-ins from one new device at once: the unique key kept one row.
            db.ChangeTracker.Clear();
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "the device was registered concurrently; try again");
        }
    }

    private static ErrorCode? Refusal(string status) => status switch
    {
        DeviceStatuses.Disabled => ErrorCodes.DeviceDisabled,
        DeviceStatuses.Suspended => ErrorCodes.DeviceSuspended,
        _ => null,
    };

    /// <summary>The fingerprint as stored: trimmed, null when empty or too long (a too-long one identifies nothing).</summary>
    public static string? Fingerprint(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Length > MaxFingerprintLength ? null : value.Trim();

    private static string? Truncate(string? value, int max) => TextCut.Clip(value, max);
}
