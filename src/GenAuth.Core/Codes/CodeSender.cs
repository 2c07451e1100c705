using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Messaging;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Codes;

/// <summary>
/// sendSmsCode and sendEmail: validates the target, takes the send quotas (per IP, per pool, global; a captcha from
/// the soft threshold on), issues a code (or a link) and delivers it.
/// </summary>
public sealed class CodeSender(GenAuthDbContext db, CallerContext caller, CodeService codes, Messenger messenger,
    AccountMailer mailer, QuotaGuard quotas)
{
    public async Task SendSmsCodeAsync(string? phone, string? phoneCountryCode, string? scene, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var target = PhoneNumbersParser.Require(phone, phoneCountryCode);
        var stored = CodeScenes.RequireSmsScene(scene);
        SmsCountries.Require(pool, quotas.Options.SmsCountries, target.CountryCode);
        // Note: a reset code goes only to numbers that have an account, but the answer, the quota and the resend
        // interval are the same for every number, so the reply tells nothing about which ones do.
        var deliver = stored != "reset" || await UserLookup.FindByPhoneAsync(db, target, ct) is not null;
        await WithQuotaAsync(CodeService.Sms, pool, "send-sms", () => codes.IssueAsync(db, pool, CodeService.Sms, target.E164, stored,
            async (code, minutes) =>
            {
                if (!deliver)
                    return;
                var (_, text, _) = MessageTemplates.Render(MessageTemplates.SmsCode, caller.Lang, new Dictionary<string, string>
                {
                    ["pool"] = pool.Name, ["code"] = code, ["minutes"] = minutes.ToString(),
                });
                await messenger.SendSmsAsync(new SmsRequest(target.E164, target.CountryCode, target.National, text, stored, code), ct);
            }, ct), ct);
    }

    public async Task SendEmailAsync(string? email, string? scene, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var address = Validation.RequireEmail(email, ErrorCodes.InvalidEmailAddress);
        var stored = CodeScenes.RequireEmailScene(scene);
        var normalized = Validation.NormalizeEmail(address);

        await WithQuotaAsync(CodeService.Email, pool, "send-email", async () =>
        {
            if (CodeScenes.EmailLinkScenes.Contains(stored))
            {
                // Note: answers the same whether or not an account has this address (no enumeration); only accounts get links.
                var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct);
                if (user is { EmailVerified: false })
                    await mailer.SendVerifyLinkAsync(pool, user, stored, ct);
                return;
            }
            // Note: an address without an account gets a code row but no mail: the same answers (2060 on a second send
            // within the resend interval included) for known and unknown addresses, and no mail to strangers.
            var deliver = !CodeScenes.EmailReset.Contains(stored)
                          || await db.Users.AnyAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct);
            await codes.IssueAsync(db, pool, CodeService.Email, normalized, stored, (code, minutes) => !deliver
                ? Task.CompletedTask
                : mailer.SendAsync(pool, address, stored, new Dictionary<string, string>
                {
                    ["code"] = code, ["minutes"] = minutes.ToString(),
                }, ct), ct);
        }, ct);
    }

    /// <summary>Takes the channel's quotas, runs the send, and gives them back when nothing was sent (refused or failed).</summary>
    private async Task WithQuotaAsync(string channel, UserPool pool, string action, Func<Task> send, CancellationToken ct)
    {
        var limits = quotas.SendLimits(channel, pool.Id, caller.Ip);
        await quotas.TakeAsync(action, limits, ErrorCodes.SendQuotaExceeded, caller.CaptchaToken, caller.Ip, ct);
        try
        {
            await send();
        }
        catch
        {
            await quotas.GiveBackAsync(limits);
            throw;
        }
    }
}
