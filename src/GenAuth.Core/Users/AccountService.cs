using GenAuth.Core.Applications;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
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
    TimeProvider clock)
{
    public async Task<UserView> RegisterByEmailAsync(string? email, string? password, ProfileInput? profile,
        bool issueToken, CancellationToken ct)
    {
        var pool = RequireRegistrationOpen();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
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
        return await CompleteLoginAsync(pool, user, methodName, ct);
    }

    /// <summary>Opens a session for an authenticated user: counters, login log and token, in one save.</summary>
    public async Task<UserView> CompleteLoginAsync(UserPool pool, User user, string method, CancellationToken ct)
    {
        if (caller.App is not null && !await ApplicationService.IsAllowedAsync(db, caller.App, user.Id, ct))
        {
            await FailLoginAsync(pool, user.Id, method, ErrorCodes.AppAccessDenied, ct);
            throw new GenAuthException(ErrorCodes.AppAccessDenied);
        }
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

    private async Task FailLoginAsync(UserPool pool, string? userId, string method, ErrorCode error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        sessions.LogLogin(db, pool.Id, userId, caller.App?.Id, method, error.Code, caller.Ip, caller.UserAgent);
        await db.SaveChangesAsync(ct);
    }

    private Task<User?> FindForLoginAsync(LoginMethod method, string account, CancellationToken ct)
    {
        var normalized = Validation.NormalizeEmail(account);
        var phone = Validation.PhoneKey(account);
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

    private User NewUser(UserPool pool, string source)
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
        if (profile is not null)
            ApplyProfile(user, profile, registering: true);
        await EnsureUniqueAsync(user, ct);
        await WhitelistService.EnsureMayRegisterAsync(db, pool, user, ct);
        user.PasswordHash = await hasher.HashAsync(plain, ct);
        db.Users.Add(user);
        await SaveUniqueAsync(ct);
        var view = issueToken ? await CompleteLoginAsync(pool, user, "register", ct) : new UserView(user);
        return view with { NewlyCreated = true };
    }
}
