using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Messaging;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Codes;

/// <summary>sendSmsCode and sendEmail: validates the target, issues a code (or a link) and delivers it.</summary>
public sealed class CodeSender(GenAuthDbContext db, CallerContext caller, CodeService codes, Messenger messenger,
    AccountMailer mailer)
{
    public async Task SendSmsCodeAsync(string? phone, string? phoneCountryCode, string? scene, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        var stored = CodeScenes.RequireSmsScene(scene);
        await codes.IssueAsync(db, pool, CodeService.Sms, target.E164, stored, async (code, minutes) =>
        {
            var (_, text, _) = MessageTemplates.Render(MessageTemplates.SmsCode, caller.Lang, new Dictionary<string, string>
            {
                ["pool"] = pool.Name, ["code"] = code, ["minutes"] = minutes.ToString(),
            });
            await messenger.SendSmsAsync(new SmsRequest(target.E164, target.CountryCode, target.National, text, stored, code), ct);
        }, ct);
    }

    public async Task SendEmailAsync(string? email, string? scene, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmailAddress);
        var stored = CodeScenes.RequireEmailScene(scene);
        var normalized = Validation.NormalizeEmail(address);

        if (CodeScenes.EmailLinkScenes.Contains(stored))
        {
            // Note: answers the same whether or not an account has this address (no enumeration); only accounts get links.
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct);
            if (user is { EmailVerified: false })
                await mailer.SendVerifyLinkAsync(pool, user, stored, ct);
            return;
        }
        if (CodeScenes.EmailReset.Contains(stored)
            && !await db.Users.AnyAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct))
            return; // Note: same answer for unknown accounts, and no mail to addresses that have none.

        await codes.IssueAsync(db, pool, CodeService.Email, normalized, stored, (code, minutes) =>
            mailer.SendAsync(pool, address, stored, new Dictionary<string, string>
            {
                ["code"] = code, ["minutes"] = minutes.ToString(),
            }, ct), ct);
    }
}
