using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;

namespace GenAuth.Core.SignIn;

/// <summary>Registration and login with a code sent to an email address or a phone.</summary>
public sealed class CodeLoginService(
    GenAuthDbContext db,
    CallerContext caller,
    CodeService codes,
    UserPasswords passwords,
    RegistrationService registration,
    SignInService signIn)
{
    public async Task<Registered> RegisterByEmailCodeAsync(string? email, string? code, ProfileInput? profile, bool issueToken,
        CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
        var normalized = Validation.NormalizeEmail(address);
        await registration.RequireAllowedAsync(pool, WhitelistEntry.Email, normalized, ct);
        var user = registration.NewUser(pool, "basic:email-code");
        user.Email = address;
        user.EmailNormalized = normalized;
        user.EmailVerified = true;
        await registration.PrepareAsync(pool, user, null, profile, ct);
        await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailRegister, code, ct);
        await registration.SaveAsync(pool, user, ct);
        return await signIn.AfterRegistrationAsync(pool, user, issueToken, "code:email", ct);
    }

    public async Task<Registered> RegisterByPhoneCodeAsync(string? phone, string? phoneCountryCode, string? code, string? password,
        ProfileInput? profile, bool issueToken, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        await registration.RequireAllowedAsync(pool, WhitelistEntry.Phone, target.National, ct);
        var plain = string.IsNullOrEmpty(password) ? null : await passwords.DecryptAsync(pool.Id, password, ct);
        var user = NewPhoneUser(pool, target, "basic:phone-code");
        await registration.PrepareAsync(pool, user, plain, profile, ct);
        await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsRegister, code, ct);
        await registration.SaveAsync(pool, user, ct);
        return await signIn.AfterRegistrationAsync(pool, user, issueToken, "code:phone", ct);
    }

    public async Task<SignInOutcome> LoginByEmailCodeAsync(string? email, string? code, CancellationToken ct)
    {
        caller.RequirePool();
        var normalized = Validation.NormalizeEmail(Validation.RequireEmail(email, ErrorCodes.InvalidEmail));
        await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailLogin, code, ct);
        // Note: the user-not-found answer only reaches whoever holds the mailbox's code.
        var user = await UserLookup.FindByEmailAsync(db, normalized, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        user.EmailVerified = true; // the code proved the address
        return await signIn.SignInAsync(SignInRequest.Of(user, "code:email"), ct);
    }

    /// <summary>Logs in by SMS code; an unknown number gets an account when the pool lets it register (seed 003).</summary>
    public async Task<SignInOutcome> LoginByPhoneCodeAsync(string? phone, string? phoneCountryCode, string? code, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsLogin, code, ct);
        var user = await UserLookup.FindByPhoneAsync(db, target, ct);
        if (user is not null)
        {
            user.PhoneVerified = true;
            return await signIn.SignInAsync(SignInRequest.Of(user, "code:phone"), ct);
        }
        if (!await registration.IsAllowedAsync(pool, WhitelistEntry.Phone, target.National, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        user = NewPhoneUser(pool, target, "basic:phone-code");
        await registration.PrepareAsync(pool, user, null, null, ct);
        await registration.SaveAsync(pool, user, ct);
        var outcome = await signIn.SignInAsync(SignInRequest.Of(user, "code:phone"), ct);
        return outcome is SignedIn s ? s with { User = s.User with { NewlyCreated = true } } : outcome;
    }

    private User NewPhoneUser(UserPool pool, Phone target, string source)
    {
        var user = registration.NewUser(pool, source);
        user.Phone = target.National;
        user.PhoneCountryCode = target.CountryCode;
        user.PhoneVerified = true;
        return user;
    }
}
