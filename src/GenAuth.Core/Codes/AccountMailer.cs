using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Messaging;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Codes;

/// <summary>Account mails that carry no code: welcome (pool switch) and the verify-email link.</summary>
public sealed class AccountMailer(GenAuthDbContext db, CallerContext caller, CodeService codes, Messenger messenger,
    IssuerProvider issuer)
{
    public static readonly TimeSpan VerifyLinkLifetime = TimeSpan.FromHours(24);

    /// <summary>After a registration: welcome mail when the pool sends one, verify-email link when the email isn't verified.</summary>
    public async Task OnRegisteredAsync(UserPool pool, User user, CancellationToken ct)
    {
        if (user.Email is null)
            return;
        if (pool.SendWelcomeEmail)
            await SendAsync(pool, user.Email, MessageTemplates.Welcome, new Dictionary<string, string>(), ct);
        if (!user.EmailVerified)
            await SendVerifyLinkAsync(pool, user, "VERIFY_EMAIL", ct);
    }

    public async Task SendVerifyLinkAsync(UserPool pool, User user, string scene, CancellationToken ct)
    {
        var token = await codes.IssueTokenAsync(db, pool, user.Id, VerifyScene(user.Email!), VerifyLinkLifetime, ct);
        var link = $"{issuer.BaseUrl}/api/v2/email/verify?userPoolId={Uri.EscapeDataString(pool.Id)}&token={Uri.EscapeDataString(token)}";
        await SendAsync(pool, user.Email!, scene, new Dictionary<string, string>
        {
            ["link"] = link,
            ["minutes"] = ((int)VerifyLinkLifetime.TotalMinutes).ToString(),
        }, ct);
    }

    /// <summary>
    /// The SDK's users.sendFirstLoginVerifyEmail({ userId, appId }): an admin sends a user (typically one the admin created)
    /// the verify-email link, for an app of the pool. Answers the user's or the app's not-found code, and 1320005 when
    /// the user has no email address; an already verified address gets the link anyway (it only verifies it again).
    /// </summary>
    public async Task SendFirstLoginVerifyEmailAsync(string? userId, string? appId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var user = string.IsNullOrEmpty(userId) ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        if (user is null)
            throw new GenAuthException(ErrorCodes.UserNotFound);
        if (string.IsNullOrEmpty(appId) || !await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        if (user.Email is null)
            throw new GenAuthException(ErrorCodes.EmailNotBound);
        await SendVerifyLinkAsync(pool, user, "VERIFY_EMAIL", ct);
    }

    public Task SendAsync(UserPool pool, string to, string template, Dictionary<string, string> values, CancellationToken ct)
    {
        values.TryAdd("pool", pool.Name);
        var (subject, text, html) = MessageTemplates.Render(template, caller.Lang, values);
        return messenger.SendEmailAsync(pool, new OutgoingMessage(OutgoingMessage.Email, to, template, subject, text, html), ct);
    }

    /// <summary>The link only verifies the address it was sent to: the scene carries a digest of it.</summary>
    public static string VerifyScene(string email) =>
        "verify-email:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Validation.NormalizeEmail(email))))[..32];
}
