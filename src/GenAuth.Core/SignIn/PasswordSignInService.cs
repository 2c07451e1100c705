using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pipelines;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

public enum LoginMethod
{
    Email,
    Username,
    Phone,
    Account,
}

/// <summary>The password ways in: login by email, username, phone or any of them (account), and registration with a password.</summary>
public sealed class PasswordSignInService(
    GenAuthDbContext db,
    CallerContext caller,
    UserPasswords passwords,
    RegistrationService registration,
    SignInService signIn,
    CustomDatabase customDatabase)
{
    public async Task<SignInOutcome> LoginAsync(LoginMethod method, string? account, string? password, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var key = account?.Trim() ?? "";
        // Note: the user is found before the throttle is asked, so every spelling of one account (13800138000,
        // +86 138-0013-8000, …) shares one count; an unknown account counts under its canonical form alike.
        var user = key.Length == 0 ? null : await FindForLoginAsync(method, key, ct);
        return await signIn.SignInAsync(new SignInRequest("password:" + method.ToString().ToLowerInvariant(), async c =>
        {
            var plain = await passwords.DecryptAsync(pool.Id, password, c);
            // An account this pool doesn't have yet may wait in the pool's old database (custom database): its login
            // script vouches for the password once, and the account moves here with the password hashed by our policy.
            if (user is null && key.Length > 0 && await customDatabase.LoginAsync(Kind(method), key, plain, c) is { } migrated)
                return new Credential(migrated, true);
            // Note: verified even without a user, so a missing account takes as long as a wrong password.
            var valid = await passwords.VerifyAsync(user?.PasswordHash, plain, c);
            if (valid)
                await passwords.UpgradeIfNeededAsync(user!, plain, c);
            return new Credential(user, valid);
        })
        {
            ThrottleKey = user is null ? LoginThrottleKeys.ForUnknown(method, key) : LoginThrottle.UserKey(user.Id),
            ByPassword = true,
        }, ct);
    }

    /// <summary>
    /// The SDK's loginBySubAccount: a sub-account's identifier (username, email or phone) and password, through the same
    /// pipeline as every password login. The failure count is the one loginByAccount/loginByUsername keeps for that
    /// account (the user id, or the identifier's canonical form when unknown), so switching ways in buys no guesses. An
    /// account that is no sub-account answers 2333 as a wrong password would (after the same password work); a sub-account
    /// whose main account is deleted does too, and one whose main account is blocked gets 2057 (after a right password).
    /// </summary>
    public async Task<SignInOutcome> LoginBySubAccountAsync(string? account, string? password, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var key = account?.Trim() ?? "";
        var user = key.Length == 0 ? null : await FindForLoginAsync(LoginMethod.Account, key, ct);
        return await signIn.SignInAsync(new SignInRequest("password:subaccount", async c =>
        {
            var plain = await passwords.DecryptAsync(pool.Id, password, c);
            var valid = await passwords.VerifyAsync(user?.PasswordHash, plain, c);
            if (user?.MainUserId is not { } mainId)
                return new Credential(user, false);
            var main = await db.Users.AsNoTracking().Where(u => u.Id == mainId).Select(u => new { u.IsDeleted, u.Blocked }).FirstOrDefaultAsync(c);
            if (main is null || main.IsDeleted)
                return new Credential(user, false);
            if (valid && main.Blocked)
                return new Credential(user, true, Blocked: true);
            if (valid)
                await passwords.UpgradeIfNeededAsync(user, plain, c);
            return new Credential(user, valid);
        })
        {
            ThrottleKey = user is null ? LoginThrottleKeys.ForUnknown(LoginMethod.Account, key) : LoginThrottle.UserKey(user.Id),
            ByPassword = true,
        }, ct);
    }

    /// <summary>
    /// GenAuth's "log in or register" (the SDK's autoRegister): an account that does not exist yet is registered with this
    /// password through the same checks as register* (the pool's switch, whitelist, password policy, uniqueness and the
    /// registration quotas), then signed in by the pipeline. An existing account only ever logs in: a wrong password is
    /// refused (2333), never re-registered. Logging in by "account" (any identifier) never registers: it names no kind.
    /// </summary>
    public async Task<UserView> LoginOrRegisterAsync(LoginMethod method, string? account, string? password, CancellationToken ct)
    {
        var key = account?.Trim() ?? "";
        if (method != LoginMethod.Account && key.Length > 0 && await FindForLoginAsync(method, key, ct) is null)
        {
            try
            {
                var registered = method switch
                {
                    LoginMethod.Email => RegisterByEmailAsync(key, password, null, issueToken: true, ct),
                    LoginMethod.Username => RegisterByUsernameAsync(key, password, null, issueToken: true, ct),
                    _ => RegisterByPhonePasswordAsync(key, password, ct),
                };
                return (await registered).RequireSignedIn();
            }
            catch (GenAuthException e) when (e.Code == ErrorCodes.AlreadyExists.Code)
            {
                // Note: taken meanwhile, or by a look-alike identifier the login lookup doesn't match: that account is
                // not ours to register, so this is an ordinary login (2333 unless the password is its own).
                db.ChangeTracker.Clear();
            }
        }
        return (await LoginAsync(method, account, password, ct)).RequireSignedIn();
    }

    private async Task<Registered> RegisterByPhonePasswordAsync(string phone, string? password, CancellationToken ct)
    {
        var pool = registration.RequireOpen();
        var target = PhoneNumbersParser.Require(phone, null);
        await registration.RequireAllowedAsync(pool, WhitelistEntry.Phone, target.National, ct);
        var user = registration.NewUser(pool, "basic:phone");
        user.Phone = target.National;
        user.PhoneCountryCode = target.CountryCode;
        return await RegisterAsync(pool, user, password, null, issueToken: true, ct);
    }

    /// <param name="beforeSave">adds rows that belong to the new user (the hosted page's agreement acceptances): they are
    /// saved with the user, after every check passed, in the same SaveChanges.</param>
    public async Task<Registered> RegisterByEmailAsync(string? email, string? password, ProfileInput? profile, bool issueToken,
        CancellationToken ct, Action<User>? beforeSave = null)
    {
        var pool = registration.RequireOpen();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
        await registration.RequireAllowedAsync(pool, WhitelistEntry.Email, Validation.NormalizeEmail(address), ct);
        var user = registration.NewUser(pool, "basic:email");
        user.Email = address;
        user.EmailNormalized = Validation.NormalizeEmail(address);
        user.EmailVerified = pool.EmailVerifiedDefault;
        return await RegisterAsync(pool, user, password, profile, issueToken, ct, beforeSave);
    }

    public async Task<Registered> RegisterByUsernameAsync(string? username, string? password, ProfileInput? profile, bool issueToken,
        CancellationToken ct)
    {
        var pool = registration.RequireOpen();
        var user = registration.NewUser(pool, "basic:username");
        user.Username = Validation.RequireUsername(username);
        await registration.RequireAllowedAsync(pool, WhitelistEntry.Username, user.Username, ct);
        return await RegisterAsync(pool, user, password, profile, issueToken, ct);
    }

    private async Task<Registered> RegisterAsync(UserPool pool, User user, string? password, ProfileInput? profile, bool issueToken,
        CancellationToken ct, Action<User>? beforeSave = null)
    {
        var plain = await passwords.DecryptAsync(pool.Id, password, ct);
        passwords.RequireAcceptable(pool, plain);
        await registration.PrepareAsync(pool, user, plain, profile, ct);
        beforeSave?.Invoke(user);
        await registration.SaveAsync(pool, user, ct);
        return await signIn.AfterRegistrationAsync(pool, user, issueToken, "register", ct);
    }

    private static CustomDbIdentifier Kind(LoginMethod method) => method switch
    {
        LoginMethod.Email => CustomDbIdentifier.Email,
        LoginMethod.Username => CustomDbIdentifier.Username,
        LoginMethod.Phone => CustomDbIdentifier.Phone,
        _ => CustomDbIdentifier.Account,
    };

    private Task<User?> FindForLoginAsync(LoginMethod method, string account, CancellationToken ct)
    {
        var users = db.Users.Where(u => !u.IsDeleted);
        switch (method)
        {
            case LoginMethod.Email:
            {
                var normalized = Validation.NormalizeEmail(account);
                return users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized, ct);
            }
            case LoginMethod.Username:
            {
                // Note: the normalised key (NFKC + case fold), or the exact username of an older row whose key collided.
                var key = Identifiers.NormalizeUsername(account);
                return users.Where(u => u.UsernameNormalized == key || u.Username == account)
                    .OrderBy(u => u.Username == account ? 0 : 1).FirstOrDefaultAsync(ct);
            }
            case LoginMethod.Phone:
            {
                var phone = Validation.PhoneLookup(account);
                return users.FirstOrDefaultAsync(u => u.Phone == phone, ct);
            }
            default:
            {
                var normalized = Validation.NormalizeEmail(account);
                // Note: only an account shaped like a number is parsed as a phone; an email or a username never is.
                var phone = Validation.CouldBePhone(account) ? Validation.PhoneLookup(account) : null;
                // An account string may match a username, an email and a phone of different users: prefer in that order.
                var key = Identifiers.NormalizeUsername(account);
                return users.Where(u => u.Username == account || u.UsernameNormalized == key || u.EmailNormalized == normalized
                                        || (phone != null && u.Phone == phone))
                    .OrderBy(u => u.Username == account ? 0 : u.UsernameNormalized == key ? 1 : u.EmailNormalized == normalized ? 2 : 3)
                    .FirstOrDefaultAsync(ct);
            }
        }
    }
}
