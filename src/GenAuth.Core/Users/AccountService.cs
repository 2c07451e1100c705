using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

/// <summary>
/// The signed-in user's own account: profile, password change, logout, deletion (and an admin's updateUser). Signing in
/// and registering live in SignIn; this service never opens a session.
/// </summary>
public sealed class AccountService(
    GenAuthDbContext db,
    CallerContext caller,
    UserPasswords passwords,
    UserWriter writer,
    SessionService sessions,
    QuotaGuard quotas,
    AuditTrail audit,
    TimeProvider clock,
    IEnumerable<ISessionLogoutChannels> logoutChannels)
{
    /// <summary>The signed-in user (no id), or any user of the pool for an admin.</summary>
    public async Task<UserView> GetUserAsync(string? id, CancellationToken ct)
    {
        if (caller.Kind == PrincipalKind.Admin && !string.IsNullOrEmpty(id))
        {
            var other = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct)
                        ?? throw new GenAuthException(ErrorCodes.UserNotFound);
            return new UserView(other);
        }
        var self = await RequireSelfAsync(id, tracked: false, ct);
        return SelfView(self);
    }

    /// <summary>
    /// Self: profile fields only. Admin: any field, including email, phone and password; a change of those ends the
    /// user's sessions unless <paramref name="keepSessions"/> (blocking or expiring tokens ends them regardless).
    /// </summary>
    public async Task<UserView> UpdateUserAsync(string? id, ProfileInput input, CancellationToken ct, bool keepSessions = false)
    {
        User user;
        var endSessions = false;
        if (caller.Kind == PrincipalKind.Admin)
        {
            caller.RequireAdmin();
            user = await db.Users.FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);
            var write = await writer.ApplyAdminFieldsAsync(user, input, ct);
            endSessions = write.EndSessions || (write.CredentialsChanged && !keepSessions);
        }
        else
        {
            user = await RequireSelfAsync(id, tracked: true, ct);
            var refused = input.Keys.FirstOrDefault(k => !UserFields.SelfEditable.Contains(k));
            if (refused is not null)
                throw new GenAuthException(ErrorCodes.Forbidden, detail: $"'{refused}' can't be changed through updateUser by the user");
        }
        UserWriter.ApplyProfile(user, input, registering: false);
        await UserUniqueness.EnsureAsync(db, user, ct);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.RecordSelf(AuditEventTypes.UpdateUserinfo, user.Id, new { fields = input.Keys });
        await SaveUniqueAsync(ct);
        // Note: a blocked user (or one whose tokens an admin expired, or whose credentials an admin changed) is signed out
        // everywhere at once, running subscriptions included (they watch their session's revocation).
        if (endSessions)
            await sessions.RevokeAllAsync(db, user.Id, null, ct);
        return caller.Kind == PrincipalKind.Admin ? new UserView(user) : SelfView(user);
    }

    /// <summary>Changes the caller's password; the old one is required, and every other session ends.</summary>
    public async Task<UserView> UpdatePasswordAsync(string? newPassword, string? oldPassword, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await RequireSelfAsync(null, tracked: true, ct);
        var plainNew = await passwords.DecryptAsync(pool.Id, newPassword, ct);
        var plainOld = await passwords.DecryptAsync(pool.Id, oldPassword, ct);
        if (user.PasswordHash is not null && (string.IsNullOrEmpty(plainOld) || !await passwords.VerifyAsync(user.PasswordHash, plainOld, ct)))
            throw new GenAuthException(ErrorCodes.OldPasswordWrong);
        passwords.RequireAcceptable(pool, plainNew);
        await passwords.SetAsync(user, plainNew, ct);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditEventTypes.UpdatePassword, user.Id);
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(db, user.Id, caller.SessionId, ct);
        return SelfView(user);
    }

    /// <summary>
    /// Ends the caller's session and the app sessions opened under it; its tokens are refused from the next request on.
    /// The apps signed in under it are logged out as on the logout page: back-channel by the server, and front-channel by
    /// the caller — an API answer can't load iframes, so it carries the front-channel logout URLs for the client's browser
    /// to load (hidden iframes, as /oidc/session/end does).
    /// </summary>
    public async Task<IReadOnlyList<string>> LogoutAsync(CancellationToken ct)
    {
        caller.RequireUserId();
        IReadOnlyList<string> frontchannel = [];
        if (logoutChannels.FirstOrDefault() is { } channels)
            frontchannel = await channels.EndAsync(db, caller.SessionId!, ct);
        await sessions.RevokeAsync(db, caller.SessionId!, ct);
        await audit.SaveAsync(AuditEventTypes.Logout, caller.UserId, ct);
        return frontchannel;
    }

    /// <summary>Deletes the caller's own account (soft delete, identifiers released) and ends all its sessions.</summary>
    public async Task DeleteAccountAsync(CancellationToken ct)
    {
        var user = await RequireSelfAsync(null, tracked: true, ct);
        user.IsDeleted = true;
        // Note: the unique columns are cleared so the email, phone and username can be registered again.
        user.Email = user.EmailNormalized = user.Phone = user.Username = null;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditEventTypes.DeleteAccount, user.Id);
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(db, user.Id, null, ct);
    }

    /// <summary>
    /// Public (the SDK asks it anonymously before registering), so it is throttled per IP and per pool
    /// (GenAuth:Quotas:Lookup; 2094 past it, the same for known and unknown accounts); admins aren't throttled.
    /// </summary>
    public async Task<bool> IsUserExistsAsync(string? email, string? phone, string? username, string? externalId, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        if (caller.Kind != PrincipalKind.Admin)
            await quotas.TakeAsync("lookup", quotas.LookupLimits(pool.Id, caller.Ip), ErrorCodes.LookupTooFrequent, caller.CaptchaToken, caller.Ip, ct);
        var normalized = email is null ? null : Validation.NormalizeEmail(email);
        var users = db.Users.Where(u => !u.IsDeleted);
        return (normalized is not null && await users.AnyAsync(u => u.EmailNormalized == normalized, ct))
               || (!string.IsNullOrEmpty(phone) && await users.AnyAsync(u => u.Phone == Validation.PhoneLookup(phone), ct))
               || (!string.IsNullOrEmpty(username) && await users.AnyAsync(
                   u => u.Username == username || u.UsernameNormalized == Identifiers.NormalizeUsername(username), ct))
               || (!string.IsNullOrEmpty(externalId) && await users.AnyAsync(u => u.ExternalId == externalId, ct));
    }

    /// <summary>The caller as its own requests show it: the row with the token it came with.</summary>
    public UserView SelfView(User user) =>
        new(user, caller.Token, null);

    public Task<User> RequireSelfAsync(string? id, bool tracked, CancellationToken ct) =>
        UserLookup.RequireSelfAsync(db, caller, id, tracked, ct);

    public Task SaveUniqueAsync(CancellationToken ct) => UserUniqueness.SaveAsync(db, ct);
}
