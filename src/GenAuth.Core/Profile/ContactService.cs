using GenAuth.Core.Audit;
using GenAuth.Core.Codes;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Profile;

/// <summary>The signed-in user's phone and email: bind, unbind, update (codes prove ownership), and email verification.</summary>
public sealed class ContactService(
    GenAuthDbContext db,
    CallerContext caller,
    CodeService codes,
    AccountService accounts,
    AuditTrail audit,
    TimeProvider clock)
{
    public async Task<UserView> BindPhoneAsync(string? phone, string? phoneCode, string? phoneCountryCode, CancellationToken ct)
    {
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        if (!string.IsNullOrEmpty(user.Phone))
            throw new GenAuthException(ErrorCodes.PhoneAlreadyBound);
        return await SetPhoneAsync(user, PhoneNumbersParser.Require(phone, phoneCountryCode), phoneCode, AuditEventTypes.BindPhone, ct);
    }

    public async Task<UserView> UpdatePhoneAsync(string? phone, string? phoneCode, string? oldPhone, string? oldPhoneCode,
        string? phoneCountryCode, string? oldPhoneCountryCode, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        if (string.IsNullOrEmpty(user.Phone))
            throw new GenAuthException(ErrorCodes.PhoneNotBound);
        if (pool.ChangePhoneVerifyOld)
        {
            var old = PhoneNumbersParser.Require(oldPhone, oldPhoneCountryCode ?? user.PhoneCountryCode);
            if (old.National != user.Phone && old.E164 != user.Phone)
                throw new GenAuthException(ErrorCodes.OldPhoneMismatch);
            await EnsurePhoneFreeAsync(user, target, ct);
            await codes.ConsumeAsync(db, CodeService.Sms, old.E164, CodeScenes.SmsVerifyOld, oldPhoneCode, ct);
        }
        return await SetPhoneAsync(user, target, phoneCode, AuditEventTypes.UpdatePhone, ct);
    }

    public async Task<UserView> UnbindPhoneAsync(CancellationToken ct)
    {
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        if (string.IsNullOrEmpty(user.Phone))
            throw new GenAuthException(ErrorCodes.PhoneNotBound);
        // Left without a phone the user still signs in by email (code or password) or by username + password.
        if (user.Email is null && (user.Username is null || user.PasswordHash is null))
            throw new GenAuthException(ErrorCodes.NoOtherLoginMethod);
        user.Phone = null;
        user.PhoneCountryCode = null;
        user.PhoneVerified = false;
        return await SaveAsync(user, AuditEventTypes.UnbindPhone, ct);
    }

    public async Task<UserView> BindEmailAsync(string? email, string? emailCode, CancellationToken ct)
    {
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        if (user.Email is not null)
            throw new GenAuthException(ErrorCodes.EmailAlreadyBound);
        return await SetEmailAsync(user, email, emailCode, AuditEventTypes.BindEmail, ct);
    }

    public async Task<UserView> UpdateEmailAsync(string? email, string? emailCode, string? oldEmail, string? oldEmailCode,
        CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        if (user.Email is null)
            throw new GenAuthException(ErrorCodes.EmailNotBound);
        if (pool.ChangeEmailVerifyOld)
        {
            var old = Validation.NormalizeEmail(Validation.RequireEmail(oldEmail, ErrorCodes.InvalidEmail));
            if (old != user.EmailNormalized)
                throw new GenAuthException(ErrorCodes.OldEmailMismatch);
            await codes.ConsumeAsync(db, CodeService.Email, old, CodeScenes.EmailVerifyOld, oldEmailCode, ct);
        }
        return await SetEmailAsync(user, email, emailCode, AuditEventTypes.UpdateEmail, ct);
    }

    public async Task<UserView> UnbindEmailAsync(CancellationToken ct)
    {
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        if (user.Email is null)
            throw new GenAuthException(ErrorCodes.EmailNotBound);
        if (user.Phone is null && (user.Username is null || user.PasswordHash is null))
            throw new GenAuthException(ErrorCodes.NoOtherLoginMethod);
        user.Email = user.EmailNormalized = null;
        user.EmailVerified = false;
        return await SaveAsync(user, AuditEventTypes.UnbindEmail, ct);
    }

    /// <summary>The verify-email link: marks the address verified if it is still the user's.</summary>
    public async Task VerifyEmailAsync(string? token, CancellationToken ct)
    {
        var id = token?.Split('.', 2)[0];
        var row = id is null ? null : await db.VerificationCodes.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id && c.Channel == CodeService.Token, ct);
        if (row is null || !row.Scene.StartsWith("verify-email:", StringComparison.Ordinal))
            throw new GenAuthException(ErrorCodes.InvalidToken);
        var userId = await codes.ConsumeTokenAsync(db, row.Scene, token, ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        if (user?.Email is null || AccountMailer.VerifyScene(user.Email) != row.Scene)
            throw new GenAuthException(ErrorCodes.InvalidToken);
        user.EmailVerified = true;
        await SaveAsync(user, AuditEventTypes.VerifyEmail, ct);
    }

    private async Task<UserView> SetPhoneAsync(Users.User user, Phone target, string? code, string type, CancellationToken ct)
    {
        await EnsurePhoneFreeAsync(user, target, ct);
        await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsBind, code, ct);
        user.Phone = target.National;
        user.PhoneCountryCode = target.CountryCode;
        user.PhoneVerified = true;
        return await SaveAsync(user, type, ct);
    }

    private async Task<UserView> SetEmailAsync(Users.User user, string? email, string? code, string type, CancellationToken ct)
    {
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
        var normalized = Validation.NormalizeEmail(address);
        await UserUniqueness.EnsureEmailFreeAsync(db, user.Id, normalized, ct);
        await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailBind, code, ct);
        user.Email = address;
        user.EmailNormalized = normalized;
        user.EmailVerified = true; // the code proved the address
        return await SaveAsync(user, type, ct);
    }

    private async Task EnsurePhoneFreeAsync(Users.User user, Phone target, CancellationToken ct)
    {
        var other = await UserLookup.FindByPhoneAsync(db, target, ct);
        if (other is not null && other.Id != user.Id)
            throw new GenAuthException(ErrorCodes.PhoneRegistered);
    }

    private async Task<UserView> SaveAsync(Users.User user, string type, CancellationToken ct)
    {
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(type, user.Id);
        await accounts.SaveUniqueAsync(ct);
        return accounts.SelfView(user);
    }
}
