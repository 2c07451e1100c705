using GenAuth.Core.Applications;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Mfa;
using GenAuth.Core.Passwords;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

public enum LoginMethod
{
    Email,
    Username,
    Phone,
    Account,
}

/// <summary>Registration, password login, and the signed-in user's own account.</summary>
public sealed partial class AccountService(
    GenAuthDbContext db,
    CallerContext caller,
    PasswordHasher hasher,
    PasswordPolicy policy,
    PasswordTransport transport,
    SessionService sessions,
    TokenService tokens,
    LoginThrottle throttle,
    RegistrationGate gate,
    CodeService codes,
    AccountMailer mailer,
    MfaGate mfa,
    TimeProvider clock)
{
    public async Task<UserView> RegisterByEmailAsync(string? email, string? password, ProfileInput? profile,
        bool issueToken, CancellationToken ct)
    {
        var pool = RequireRegistrationOpen();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
        await gate.RequireAllowedAsync(db, pool, WhitelistEntry.Email, Validation.NormalizeEmail(address), ct);
        var user = NewUser(pool, "basic:email");
        user.Email = address;
        user.EmailNormalized = Validation.NormalizeEmail(address);
        user.EmailVerified = pool.EmailVerifiedDefault;
        return await RegisterAsync(pool, user, password, profile, issueToken, ct);
    }

    public async Task<UserView> RegisterByUsernameAsync(string? username, string? password, ProfileInput? profile,
        bool issueToken, CancellationToken ct)
    {
        var pool = RequireRegistrationOpen();
        var user = NewUser(pool, "basic:username");
        user.Username = Validation.RequireUsername(username);
        await gate.RequireAllowedAsync(db, pool, WhitelistEntry.Username, user.Username, ct);
        return await RegisterAsync(pool, user, password, profile, issueToken, ct);
    }

    public async Task<UserView> LoginAsync(LoginMethod method, string? account, string? password, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var key = account?.Trim() ?? "";
        throttle.EnsureAllowed(pool.Id, key, caller.Ip);
        var plain = await transport.DecryptAsync(db, pool.Id, password, ct);
        var user = key.Length == 0 ? null : await FindForLoginAsync(method, key, ct);
        var ok = await hasher.VerifyAsync(user?.PasswordHash, plain, ct);
        var methodName = "password:" + method.ToString().ToLowerInvariant();
        if (user is null || !ok)
        {
            throttle.RecordFailure(pool.Id, key, caller.Ip);
            await FailLoginAsync(pool, user?.Id, methodName, ErrorCodes.WrongAccountOrPassword, ct);
            throw new GenAuthException(ErrorCodes.WrongAccountOrPassword);
        }
        throttle.RecordSuccess(pool.Id, key);
        if (user.Blocked)
        {
            await FailLoginAsync(pool, user.Id, methodName, ErrorCodes.AccountBlocked, ct);
            throw new GenAuthException(ErrorCodes.AccountBlocked);
        }
        await RequirePasswordCurrentAsync(pool, user, ct);
        return await CompleteLoginAsync(pool, user, methodName, ct);
    }

    /// <summary>
    /// An admin-set "reset on first login" or "force reset" answers a one-time token (error data) instead of a session;
    /// the client then calls resetPasswordByFirstLoginToken / resetPasswordByForceResetToken.
    /// </summary>
    private async Task RequirePasswordCurrentAsync(UserPool pool, User user, CancellationToken ct)
    {
        if (!user.ResetPasswordOnFirstLogin && !user.ForcePasswordReset)
            return;
        var first = user.ResetPasswordOnFirstLogin;
        var token = await codes.IssueTokenAsync(db, pool, user.Id, first ? CodeScenes.FirstLogin : CodeScenes.ForceReset,
            TimeSpan.FromMinutes(30), ct);
        throw new GenAuthException(first ? ErrorCodes.FirstLoginResetRequired : ErrorCodes.ForceResetRequired, new { token });
    }

    /// <summary>
    /// Opens a session for an authenticated user: counters, login log and token, in one save. Every login path ends
    /// here, so this is where a user with an enrolled MFA factor is stopped with 1635 and an mfaToken instead.
    /// </summary>
    public async Task<UserView> CompleteLoginAsync(UserPool pool, User user, string method, CancellationToken ct)
    {
        if (caller.App is not null && !await ApplicationService.IsAllowedAsync(db, caller.App, user.Id, ct))
        {
            await FailLoginAsync(pool, user.Id, method, ErrorCodes.AppAccessDenied, ct);
            throw new GenAuthException(ErrorCodes.AppAccessDenied);
        }
        if (pool.LoginRequireEmailVerified && user.Email is not null && !user.EmailVerified)
        {
            await FailLoginAsync(pool, user.Id, method, ErrorCodes.EmailNotVerified, ct);
            throw new GenAuthException(ErrorCodes.EmailNotVerified);
        }
        await mfa.RequireSecondFactorAsync(db, pool, user, method, ct);
        return await OpenSessionAsync(pool, user, method, ct);
    }

    /// <summary>The end of a login whose second factor was just verified (MfaLoginService consumed its mfaToken).</summary>
    internal Task<UserView> CompleteSecondFactorLoginAsync(UserPool pool, User user, string method, CancellationToken ct) =>
        OpenSessionAsync(pool, user, method, ct);

    private async Task<UserView> OpenSessionAsync(UserPool pool, User user, string method, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (browser, device) = UserAgentInfo.Parse(caller.UserAgent);
        user.LoginsCount++;
        user.LastLogin = now.UtcDateTime;
        user.LastIp = caller.Ip;
        user.Browser = browser ?? user.Browser;
        user.Device = device ?? user.Device;
        var expires = now.AddSeconds(pool.TokenExpiresAfter);
        var session = sessions.Create(db, pool.Id, user.Id, caller.App?.Id, expires.UtcDateTime, caller.Ip, caller.UserAgent);
        sessions.LogLogin(db, pool.Id, user.Id, caller.App?.Id, method, null, caller.Ip, caller.UserAgent);
        await db.SaveChangesAsync(ct);
        var token = await tokens.IssueIdTokenAsync(db, pool, user, session.Id, caller.App?.Id, expires, ct);
        return new UserView(user, token.Token, token.ExpiresAt);
    }

    internal async Task FailLoginAsync(UserPool pool, string? userId, string method, ErrorCode error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        sessions.LogLogin(db, pool.Id, userId, caller.App?.Id, method, error.Code, caller.Ip, caller.UserAgent);
        await db.SaveChangesAsync(ct);
    }

    private Task<User?> FindForLoginAsync(LoginMethod method, string account, CancellationToken ct)
    {
        var normalized = Validation.NormalizeEmail(account);
        var phone = Validation.PhoneLookup(account);
        var users = db.Users.Where(u => !u.IsDeleted);
        return method switch
        {
            LoginMethod.Email => users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized, ct),
            LoginMethod.Username => users.FirstOrDefaultAsync(u => u.Username == account, ct),
            LoginMethod.Phone => users.FirstOrDefaultAsync(u => u.Phone == phone, ct),
            // An account string may match a username, an email and a phone of different users: prefer in that order.
            _ => users.Where(u => u.Username == account || u.EmailNormalized == normalized || u.Phone == phone)
                .OrderBy(u => u.Username == account ? 0 : u.EmailNormalized == normalized ? 1 : 2)
                .FirstOrDefaultAsync(ct),
        };
    }

    private UserPool RequireRegistrationOpen()
    {
        var pool = caller.RequirePool();
        if (pool.RegisterDisabled)
            throw new GenAuthException(ErrorCodes.RegistrationDisabled);
        return pool;
    }

    internal User NewUser(UserPool pool, string source)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new User
        {
            Id = Ids.New(clock),
            UserPoolId = pool.Id,
            RegisterSource = source,
            SignedUp = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<UserView> RegisterAsync(UserPool pool, User user, string? password, ProfileInput? profile,
        bool issueToken, CancellationToken ct)
    {
        var plain = await transport.DecryptAsync(db, pool.Id, password, ct);
        policy.Require(pool, plain, caller.Lang);
        await PrepareNewUserAsync(pool, user, plain, profile, ct);
        return await SaveNewUserAsync(pool, user, issueToken, "register", ct);
    }

    /// <summary>Everything that may refuse a registration (password policy, profile, uniqueness), before any code is spent.</summary>
    internal async Task PrepareNewUserAsync(UserPool pool, User user, string? plainPassword, ProfileInput? profile, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(plainPassword))
            policy.Require(pool, plainPassword, caller.Lang);
        if (profile is not null)
            ApplyProfile(user, profile, registering: true);
        await EnsureUniqueAsync(user, ct);
        if (!string.IsNullOrEmpty(plainPassword))
            await SetPasswordAsync(user, plainPassword, ct);
    }

    /// <summary>Stores the new user, sends the registration mails, and opens a session when asked (and allowed).</summary>
    internal async Task<UserView> SaveNewUserAsync(UserPool pool, User user, bool issueToken, string method, CancellationToken ct)
    {
        db.Users.Add(user);
        await SaveUniqueAsync(ct);
        await mailer.OnRegisteredAsync(pool, user, ct);
        // A pool requiring verified emails gives no session until the address is verified.
        var blocked = pool.LoginRequireEmailVerified && user.Email is not null && !user.EmailVerified;
        var view = issueToken && !blocked ? await CompleteLoginAsync(pool, user, method, ct) : new UserView(user);
        return view with { NewlyCreated = true };
    }

    internal async Task SetPasswordAsync(User user, string plain, CancellationToken ct)
    {
        user.PasswordHash = await hasher.HashAsync(plain, ct);
        user.PasswordSecurityLevel = PasswordStrength.Level(plain);
    }
}
