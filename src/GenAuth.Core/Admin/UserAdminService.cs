using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>Admin user management: create, delete, sessions, login history (reads are in UserAdminService.Queries.cs).</summary>
public sealed partial class UserAdminService(
    GenAuthDbContext db,
    CallerContext caller,
    UserWriter writer,
    CustomFieldService customFields,
    PasswordHasher hasher,
    PasswordPolicy policy,
    PasswordTransport transport,
    SessionService sessions,
    UserCounter counter,
    UserPageIndex pageIndex,
    TimeProvider clock)
{
    /// <summary>
    /// createUser: not bound by "registration disabled" or the whitelist, no code needed; phoneVerified stays false
    /// unless given; duplicates are refused (2026). Custom data (key/value pairs) is written in the same transaction.
    /// </summary>
    /// <param name="mainUserId">makes the new user a sub-account of this (checked) main account: see SubAccountService.</param>
    public async Task<UserView> CreateAsync(ProfileInput userInfo, bool keepPassword, bool resetPasswordOnFirstLogin,
        IReadOnlyList<KeyValuePair<string, string?>>? customData, CancellationToken ct, string? mainUserId = null)
    {
        var pool = caller.RequireAdmin();
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Ids.New(clock),
            UserPoolId = pool.Id,
            RegisterSource = "import:manual",
            SignedUp = now,
            CreatedAt = now,
            UpdatedAt = now,
            EmailVerified = pool.EmailVerifiedDefault,
            ResetPasswordOnFirstLogin = resetPasswordOnFirstLogin,
            MainUserId = mainUserId,
        };
        var input = new ProfileInput();
        foreach (var (key, value) in userInfo.Where(kv => kv.Key is not ("password" or "isDeleted")))
            input[key] = value;
        if (userInfo.GetValueOrDefault("password") is string password && password.Length > 0)
            user.PasswordHash = keepPassword ? RequirePhc(password) : await HashAsync(pool, password, ct);
        await writer.ApplyAdminInputAsync(user, input, ct);
        if (user.Email is null && user.Phone is null && user.Username is null && user.ExternalId is null)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "a user needs an email, a phone, a username or an externalId");
        await UserUniqueness.EnsureAsync(db, user, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Users.Add(user);
        await UserUniqueness.SaveAsync(db, ct);
        if (customData is { Count: > 0 })
            await customFields.WriteAsync("USER", customData.Select(kv => (user.Id, kv.Key, kv.Value)).ToList(), ct);
        await tx.CommitAsync(ct);
        return new UserView(user) { NewlyCreated = true };
    }

    /// <summary>Soft delete: the users leave every list but archivedUsers, their identifiers are released, their sessions end.</summary>
    public async Task DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        caller.RequireAdmin();
        var users = await db.Users.Where(u => ids.Contains(u.Id) && !u.IsDeleted).ToListAsync(ct);
        if (users.Count == 0 || users.Count != ids.Distinct().Count())
            throw new GenAuthException(ErrorCodes.UserNotFound);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var user in users)
        {
            user.IsDeleted = true;
            user.Status = "Archived";
            user.DeletedAt = now;
            user.UpdatedAt = now;
            // Note: the unique columns are cleared so the email, phone and username can be registered again.
            user.Email = user.EmailNormalized = user.Phone = user.Username = null;
        }
        await db.SaveChangesAsync(ct);
        foreach (var user in users)
            await sessions.RevokeAllAsync(db, user.Id, null, ct);
    }

    /// <summary>Force offline: every session of the users (of one app when named) ends at once.</summary>
    public async Task KickAsync(IReadOnlyCollection<string> userIds, string? appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var found = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        if (found.Count != userIds.Distinct().Count())
            throw new GenAuthException(ErrorCodes.UserNotFound);
        foreach (var id in found)
            await sessions.RevokeAllAsync(db, id, null, ct, string.IsNullOrEmpty(appId) ? null : appId);
    }

    public async Task<IReadOnlyList<Session>> SessionsAsync(string userId, CancellationToken ct)
    {
        await RequireUserAsync(userId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Login history: time, app, IP, success, user agent; newest first.</summary>
    public async Task<Page<LoginLog>> LoginHistoryAsync(string userId, int page, int limit, CancellationToken ct)
    {
        await RequireUserAsync(userId, ct);
        var (skip, take) = Paging.Window(page, limit);
        // Note: read from the event log (login events); the migration copied the older login_logs rows into it.
        var logs = db.AuditEvents.AsNoTracking().Where(e => e.UserId == userId && e.Type == AuditEventTypes.Login);
        var rows = await logs.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new(await logs.CountAsync(ct), rows.Select(AuditViews.AsLoginLog).ToList());
    }

    public sealed record LoginStatus(bool IsLogin, User? User, IReadOnlyList<Application> Applications);

    /// <summary>Whether a user has a live session (in one app when named), and in which apps.</summary>
    public async Task<LoginStatus> LoginStatusAsync(string userId, string? appId, CancellationToken ct)
    {
        var user = await RequireUserAsync(userId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var appIds = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now
                                                  && (appId == null || s.AppId == appId))
            .Select(s => s.AppId).Distinct().ToListAsync(ct);
        var apps = await db.Applications.AsNoTracking().Where(a => appIds.Contains(a.Id)).ToListAsync(ct);
        return new(appIds.Count > 0, user, apps);
    }

    /// <summary>The stored user (seed 001: view raw user information).</summary>
    public Task<User> RawAsync(string userId, CancellationToken ct) => RequireUserAsync(userId, ct);

    private async Task<User> RequireUserAsync(string userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct)
               ?? throw new GenAuthException(ErrorCodes.UserNotFound);
    }

    private async Task<string> HashAsync(UserPool pool, string password, CancellationToken ct)
    {
        var plain = await transport.DecryptAsync(db, pool.Id, password, ct);
        policy.Require(pool, plain, caller.Lang);
        return await hasher.HashAsync(plain, ct);
    }

    /// <summary>
    /// keepPassword: the value is a hash from another system, stored as is (and upgraded to the server's parameters at the
    /// next login); only Argon2id PHC strings within the import caps are accepted.
    /// </summary>
    private string RequirePhc(string hash)
    {
        hasher.RequireImportable(hash);
        return hash;
    }
}
