using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

public sealed partial class AccountService
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

    /// <summary>Self: profile fields only. Admin: any field, including email, phone and password.</summary>
    public async Task<UserView> UpdateUserAsync(string? id, ProfileInput input, CancellationToken ct)
    {
        User user;
        var endSessions = false;
        if (caller.Kind == PrincipalKind.Admin)
        {
            caller.RequireAdmin();
            user = await db.Users.FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);
            endSessions = await ApplyAdminFieldsAsync(user, input, ct);
        }
        else
        {
            user = await RequireSelfAsync(id, tracked: true, ct);
            var refused = input.Keys.FirstOrDefault(k => !UserFields.SelfEditable.Contains(k));
            if (refused is not null)
                throw new GenAuthException(ErrorCodes.Forbidden, detail: $"'{refused}' can't be changed through updateUser by the user");
        }
        ApplyProfile(user, input, registering: false);
        await EnsureUniqueAsync(user, ct);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await SaveUniqueAsync(ct);
        // Note: a blocked user (or one whose tokens an admin expired) is signed out everywhere at once.
        if (endSessions)
            await sessions.RevokeAllAsync(db, user.Id, null, ct);
        return caller.Kind == PrincipalKind.Admin ? new UserView(user) : SelfView(user);
    }

    /// <summary>Changes the caller's password; the old one is required, and every other session ends.</summary>
    public async Task<UserView> UpdatePasswordAsync(string? newPassword, string? oldPassword, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await RequireSelfAsync(null, tracked: true, ct);
        var plainNew = await transport.DecryptAsync(db, pool.Id, newPassword, ct);
        var plainOld = await transport.DecryptAsync(db, pool.Id, oldPassword, ct);
        if (user.PasswordHash is not null && (string.IsNullOrEmpty(plainOld) || !await hasher.VerifyAsync(user.PasswordHash, plainOld, ct)))
            throw new GenAuthException(ErrorCodes.OldPasswordWrong);
        policy.Require(pool, plainNew, caller.Lang);
        await SetPasswordAsync(user, plainNew!, ct);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(db, user.Id, caller.SessionId, ct);
        return SelfView(user);
    }

    /// <summary>A new id token for the caller's session (same session, fresh expiry).</summary>
    public async Task<IssuedTokenView> RefreshTokenAsync(string? id, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await RequireSelfAsync(id, tracked: false, ct);
        var expires = clock.GetUtcNow().AddSeconds(pool.TokenExpiresAfter);
        var sessionId = caller.SessionId!;
        await db.Sessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, expires.UtcDateTime), ct);
        var token = await tokens.IssueIdTokenAsync(db, pool, user, sessionId, caller.App?.Id, expires, ct);
        return new IssuedTokenView(token.Token, token.IssuedAt.ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>Ends the caller's session; its tokens are refused from the next request on.</summary>
    public async Task LogoutAsync(CancellationToken ct)
    {
        caller.RequireUserId();
        await sessions.RevokeAsync(db, caller.SessionId!, ct);
    }

    /// <summary>Deletes the caller's own account (soft delete, identifiers released) and ends all its sessions.</summary>
    public async Task DeleteAccountAsync(CancellationToken ct)
    {
        var user = await RequireSelfAsync(null, tracked: true, ct);
        user.IsDeleted = true;
        // Note: the unique columns are cleared so the email, phone and username can be registered again.
        user.Email = user.EmailNormalized = user.Phone = user.Username = null;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(db, user.Id, null, ct);
    }

    public async Task<bool> IsUserExistsAsync(string? email, string? phone, string? username, string? externalId, CancellationToken ct)
    {
        caller.RequirePool();
        var normalized = email is null ? null : Validation.NormalizeEmail(email);
        var users = db.Users.Where(u => !u.IsDeleted);
        return (normalized is not null && await users.AnyAsync(u => u.EmailNormalized == normalized, ct))
               || (!string.IsNullOrEmpty(phone) && await users.AnyAsync(u => u.Phone == Validation.PhoneLookup(phone), ct))
               || (!string.IsNullOrEmpty(username) && await users.AnyAsync(u => u.Username == username, ct))
               || (!string.IsNullOrEmpty(externalId) && await users.AnyAsync(u => u.ExternalId == externalId, ct));
    }

    internal UserView SelfView(User user) =>
        new(user, caller.Token, null);

    internal async Task<User> RequireSelfAsync(string? id, bool tracked, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        if (!string.IsNullOrEmpty(id) && id != userId)
            throw new GenAuthException(ErrorCodes.Forbidden);
        var query = tracked ? db.Users : db.Users.AsNoTracking();
        var user = await query.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        return user ?? throw new GenAuthException(ErrorCodes.UserNotFound);
    }

    private void ApplyProfile(User user, ProfileInput input, bool registering)
    {
        foreach (var (key, value) in input)
        {
            switch (key)
            {
                case "username":
                    if (value is not null)
                        user.Username = Validation.RequireUsername(value as string);
                    break;
                case "ip" or "udf" when registering:
                    break;
                case "email" or "phone" or "password" or "emailVerified" or "phoneVerified" or "blocked"
                    or "loginsCount" or "lastLogin" or "lastIP" or "tokenExpiredAt" or "registerSource" or "signedUp"
                    or "isDeleted" or "phoneCountryCode":
                    if (registering)
                        throw new GenAuthException(ErrorCodes.Forbidden, detail: $"'{key}' can't be set at registration");
                    break; // admin fields were applied by ApplyAdminFieldsAsync
                default:
                    UserFields.Apply(user, key, value?.ToString());
                    break;
            }
        }
    }

    /// <summary>Admin writes (createUser, updateUser): every field, checked; true when the user's sessions must end.</summary>
    internal async Task<bool> ApplyAdminInputAsync(User user, ProfileInput input, CancellationToken ct)
    {
        var endSessions = await ApplyAdminFieldsAsync(user, input, ct);
        ApplyProfile(user, input, registering: false);
        return endSessions;
    }

    /// <summary>Applies the fields only an admin may set; true when the user's sessions must end.</summary>
    private async Task<bool> ApplyAdminFieldsAsync(User user, ProfileInput input, CancellationToken ct)
    {
        var endSessions = false;
        var pool = caller.RequirePool();
        if (input.TryGetValue("email", out var email))
        {
            user.Email = email is null ? null : Validation.RequireEmail(email as string, ErrorCodes.InvalidEmail);
            user.EmailNormalized = user.Email is null ? null : Validation.NormalizeEmail(user.Email);
        }
        if (input.TryGetValue("phone", out var phone))
        {
            // Note: the same parsing and stored form (national number + country code) as the code flows use.
            var parsed = phone is null ? null
                : PhoneNumbersParser.Require(phone as string, input.GetValueOrDefault("phoneCountryCode") as string);
            user.Phone = parsed?.National;
            user.PhoneCountryCode = parsed?.CountryCode;
        }
        if (input.TryGetValue("emailVerified", out var ev) && ev is bool emailVerified)
            user.EmailVerified = emailVerified;
        if (input.TryGetValue("phoneVerified", out var pv) && pv is bool phoneVerified)
            user.PhoneVerified = phoneVerified;
        if (input.TryGetValue("blocked", out var bl) && bl is bool blocked)
        {
            endSessions |= blocked && !user.Blocked;
            user.Blocked = blocked;
            user.Status = blocked ? "Suspended" : "Activated";
        }
        if (input.TryGetValue("loginsCount", out var lc) && lc is int logins)
            user.LoginsCount = logins;
        if (input.TryGetValue("lastLogin", out var ll) && ll is string lastLogin)
            user.LastLogin = Validation.RequireTime(lastLogin, "lastLogin");
        if (input.TryGetValue("signedUp", out var su) && su is string signedUp)
            user.SignedUp = Validation.RequireTime(signedUp, "signedUp");
        if (!input.ContainsKey("phone") && input.TryGetValue("phoneCountryCode", out var pcc))
            user.PhoneCountryCode = pcc as string;
        if (input.TryGetValue("lastIP", out var ip))
            user.LastIp = ip as string;
        if (input.TryGetValue("registerSource", out var rs) && rs is IEnumerable<object?> sources)
            user.RegisterSource = string.Join(',', sources.OfType<string>());
        if (input.TryGetValue("tokenExpiredAt", out var te) && te is string tokenExpiredAt)
            endSessions |= Validation.RequireTime(tokenExpiredAt, "tokenExpiredAt") <= clock.GetUtcNow().UtcDateTime;
        if (input.TryGetValue("password", out var pw) && pw is string password)
        {
            var plain = await transport.DecryptAsync(db, pool.Id, password, ct);
            policy.Require(pool, plain, caller.Lang);
            await SetPasswordAsync(user, plain!, ct);
        }
        return endSessions;
    }

    internal Task EnsureUniqueAsync(User user, CancellationToken ct) => UserUniqueness.EnsureAsync(db, user, ct);

    internal Task SaveUniqueAsync(CancellationToken ct) => UserUniqueness.SaveAsync(db, ct);
}

public sealed record IssuedTokenView(string Token, long Iat, long Exp);
