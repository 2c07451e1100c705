using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Codes;

/// <summary>Password recovery by code, and the first-login / force-reset token flows. Every reset ends all sessions.</summary>
public sealed class PasswordResetService(
    GenAuthDbContext db,
    CallerContext caller,
    CodeService codes,
    UserPasswords passwords,
    SessionService sessions,
    AuditTrail audit,
    TimeProvider clock)
{
    /// <summary>
    /// The SDK's resetPassword: by phone (+ country code) or by email. Policy and code are checked first; only then is the
    /// account looked up, so 2004 (seed 002) reaches only whoever received the code.
    /// </summary>
    public async Task ResetByCodeAsync(string? phone, string? phoneCountryCode, string? email, string? code, string? newPassword,
        CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var plain = await passwords.DecryptAsync(pool.Id, newPassword, ct);
        passwords.RequireAcceptable(pool, plain);
        User? user;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
            await codes.ConsumeAsync(db, CodeService.Sms, target.E164, CodeScenes.SmsReset, code, ct);
            user = await UserLookup.FindByPhoneAsync(db, target, ct);
            if (user is not null)
                user.PhoneVerified = true;
        }
        else
        {
            var normalized = Validation.NormalizeEmail(Validation.RequireEmail(email, ErrorCodes.InvalidEmail));
            await codes.ConsumeAsync(db, CodeService.Email, normalized, CodeScenes.EmailReset, code, ct);
            user = await db.Users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct);
            if (user is not null)
                user.EmailVerified = true;
        }
        if (user is null)
            throw new GenAuthException(ErrorCodes.UserNotFound);
        await SetPasswordAsync(user, plain!, ct);
    }

    public async Task ResetByFirstLoginTokenAsync(string? token, string? password, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var plain = await passwords.DecryptAsync(pool.Id, password, ct);
        passwords.RequireAcceptable(pool, plain);
        var userId = await codes.ConsumeTokenAsync(db, CodeScenes.FirstLogin, token, ct);
        var user = await RequireUserAsync(userId, ct);
        await SetPasswordAsync(user, plain!, ct);
    }

    public async Task ResetByForceResetTokenAsync(string? token, string? oldPassword, string? newPassword, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var plainNew = await passwords.DecryptAsync(pool.Id, newPassword, ct);
        var plainOld = await passwords.DecryptAsync(pool.Id, oldPassword, ct);
        passwords.RequireAcceptable(pool, plainNew);
        var userId = await codes.ConsumeTokenAsync(db, CodeScenes.ForceReset, token, ct);
        var user = await RequireUserAsync(userId, ct);
        if (!await passwords.VerifyAsync(user.PasswordHash, plainOld, ct))
            throw new GenAuthException(ErrorCodes.OldPasswordWrong);
        await SetPasswordAsync(user, plainNew!, ct);
    }

    private async Task<User> RequireUserAsync(string userId, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct)
        ?? throw new GenAuthException(ErrorCodes.InvalidToken);

    private async Task SetPasswordAsync(User user, string plain, CancellationToken ct)
    {
        await passwords.SetAsync(user, plain, ct);
        user.ResetPasswordOnFirstLogin = false;
        user.ForcePasswordReset = false;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditEventTypes.ResetPassword, user.Id);
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(db, user.Id, null, ct);
    }
}
