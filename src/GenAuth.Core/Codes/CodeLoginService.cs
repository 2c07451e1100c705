using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Codes;

/// <summary>Registration and login with a code sent to an email address or a phone.</summary>
public sealed class CodeLoginService(
    GenAuthDbContext db,
    CallerContext caller,
    CodeService codes,
    AccountService accounts,
    RegistrationGate gate,
    PasswordTransport transport)
{
    public async Task<UserView> RegisterByEmailCodeAsync(string? email, string? code, ProfileInput? profile, bool issueToken,
        CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
        var normalized = Validation.NormalizeEmail(address);
        await gate.RequireAllowedAsync(db, pool, WhitelistEntry.Email, normalized, ct);
        var user = accounts.NewUser(pool, "basic:email-code");
        user.Email = address;
        user.EmailNormalized = normalized;
        user.EmailVerified = true;
        await accounts.PrepareNewUserAsync(pool, user, null, profile, ct);
        await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailRegister, code, ct);
        return await accounts.SaveNewUserAsync(pool, user, issueToken, "code:email", ct);
    }

    public async Task<UserView> RegisterByPhoneCodeAsync(string? phone, string? phoneCountryCode, string? code, string? password,
        ProfileInput? profile, bool issueToken, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        await gate.RequireAllowedAsync(db, pool, WhitelistEntry.Phone, target.National, ct);
        var plain = string.IsNullOrEmpty(password) ? null : await transport.DecryptAsync(db, pool.Id, password, ct);
        var user = NewPhoneUser(pool, target, "basic:phone-code");
        await accounts.PrepareNewUserAsync(pool, user, plain, profile, ct);
        await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsRegister, code, ct);
        return await accounts.SaveNewUserAsync(pool, user, issueToken, "code:phone", ct);
    }

    public async Task<UserView> LoginByEmailCodeAsync(string? email, string? code, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var normalized = Validation.NormalizeEmail(Validation.RequireEmail(email, ErrorCodes.InvalidEmail));
        await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailLogin, code, ct);
        // Note: the user-not-found answer only reaches whoever holds the mailbox's code.
        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct)
                   ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        user.EmailVerified = true; // the code proved the address
        return await LoginAsync(pool, user, "code:email", ct);
    }

    /// <summary>Logs in by SMS code; an unknown number gets an account when the pool lets it register (seed 003).</summary>
    public async Task<UserView> LoginByPhoneCodeAsync(string? phone, string? phoneCountryCode, string? code, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsLogin, code, ct);
        var user = await FindByPhoneAsync(db, target, ct);
        if (user is null)
        {
            if (!await gate.IsAllowedAsync(db, pool, WhitelistEntry.Phone, target.National, ct))
                throw new GenAuthException(ErrorCodes.UserNotFound);
            user = NewPhoneUser(pool, target, "basic:phone-code");
            await accounts.PrepareNewUserAsync(pool, user, null, null, ct);
            return await accounts.SaveNewUserAsync(pool, user, issueToken: true, "code:phone", ct);
        }
        user.PhoneVerified = true;
        return await LoginAsync(pool, user, "code:phone", ct);
    }

    /// <summary>Users store the national number and country code, as GenAuth does; older rows may lack the country code.</summary>
    public static Task<User?> FindByPhoneAsync(GenAuthDbContext db, Phone phone, CancellationToken ct) =>
        db.Users.Where(u => !u.IsDeleted && (u.Phone == phone.National || u.Phone == phone.E164)
                            && (u.PhoneCountryCode == null || u.PhoneCountryCode == phone.CountryCode))
            .FirstOrDefaultAsync(ct);

    private User NewPhoneUser(UserPool pool, Phone target, string source)
    {
        var user = accounts.NewUser(pool, source);
        user.Phone = target.National;
        user.PhoneCountryCode = target.CountryCode;
        user.PhoneVerified = true;
        return user;
    }

    private async Task<UserView> LoginAsync(UserPool pool, User user, string method, CancellationToken ct)
    {
        if (user.Blocked)
        {
            await accounts.FailLoginAsync(pool, user.Id, method, ErrorCodes.AccountBlocked, ct);
            throw new GenAuthException(ErrorCodes.AccountBlocked);
        }
        return await accounts.CompleteLoginAsync(pool, user, method, ct);
    }
}
