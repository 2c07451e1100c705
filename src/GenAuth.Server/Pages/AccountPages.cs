using System.Globalization;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Core.Profile;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using GenAuth.Server.Oidc;
using GenAuth.Server.Sso;
using Microsoft.EntityFrameworkCore;
using static GenAuth.Server.Pages.PageRequest;

namespace GenAuth.Server.Pages;

/// <summary>
/// The personal center, /u: the signed-in user of the pool's SSO cookie manages their own account through the same
/// Core services the API uses (the caller becomes that user and session). No cookie or an ended session: /login.
/// Every change is a form post with an antiforgery token; the answer is the center again with a notice or an error.
/// </summary>
public static class AccountPages
{
    private const int ListLimit = 20;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/u", GetAsync);
        app.MapPost("/u/profile", ProfileAsync);
        app.MapPost("/u/avatar", AvatarAsync);
        app.MapPost("/u/password", PasswordAsync);
        app.MapPost("/u/email/send", EmailSendAsync);
        app.MapPost("/u/email", EmailAsync);
        app.MapPost("/u/email/unbind", EmailUnbindAsync);
        app.MapPost("/u/phone/send", PhoneSendAsync);
        app.MapPost("/u/phone", PhoneAsync);
        app.MapPost("/u/phone/unbind", PhoneUnbindAsync);
        app.MapPost("/u/mfa/start", MfaStartAsync);
        app.MapPost("/u/mfa/confirm", MfaConfirmAsync);
        app.MapPost("/u/mfa/remove", MfaRemoveAsync);
        app.MapPost("/u/mfa/remove/code", MfaRemoveCodeAsync);
        app.MapPost("/u/mfa/code/start", MfaCodeStartAsync);
        app.MapPost("/u/mfa/code/confirm", MfaCodeConfirmAsync);
        app.MapPost("/u/sessions/revoke", RevokeSessionAsync);
        app.MapPost("/u/apps/revoke", RevokeConsentAsync);
        app.MapPost("/u/identities/link", LinkIdentityAsync);
        app.MapPost("/u/identities/unlink", UnlinkIdentityAsync);
        app.MapPost("/u/delete", DeleteAsync);
        app.MapPost("/u/logout", LogoutAsync);
    }

    /// <summary>What a center answer shows besides the sections: a notice, an error, and the MFA enrolment in progress.</summary>
    private sealed record View(string? Notice = null, string? Error = null, string? Section = null, OtpData? Otp = null,
        PendingCodeFactor? Pending = null, IReadOnlyList<GenAuth.Server.Oidc.FrontchannelFrame>? Frames = null, string? Redirect = null);

    /// <summary>
    /// Starts linking a connection to the signed-in user (page, user id, connection identifier → the local URL of the
    /// connection's flow in link mode); set by Server/ExtIdp, which owns the flow and its tickets.
    /// </summary>
    internal static Func<PageRequest, string, string, CancellationToken, Task<string>>? StartLink { get; set; }

    /// <summary>An SMS or email factor waiting for its code: the enrolment token goes back with the code.</summary>
    private sealed record PendingCodeFactor(string Kind, string EnrollmentToken, string Target);

    /// <summary>The SSO cookie's user as this request's caller, or null (no cookie, tampered, ended session).</summary>
    private static async Task<User?> SignInAsync(PageRequest page, CancellationToken ct)
    {
        var http = page.Http;
        var ticket = http.RequestServices.GetRequiredService<SsoCookie>().Read(http, page.Pool.Id);
        if (ticket is null)
            return null;
        var session = await page.Db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == ticket.SessionId, ct);
        if (session is null || !await http.RequestServices.GetRequiredService<SessionService>()
                .IsActiveAsync(page.Db, page.Pool.Id, session.Id, session.UserId, ct))
            return null;
        var user = await page.Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId && !u.IsDeleted, ct);
        if (user is null)
            return null;
        page.Caller.Kind = PrincipalKind.User;
        page.Caller.UserId = user.Id;
        page.Caller.SessionId = session.Id;
        return user;
    }

    private static IResult ToLogin(PageRequest page) =>
        Results.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/login", new Dictionary<string, string?>
        {
            ["app_id"] = page.App.Id, ["return_url"] = page.CenterUrl,
        }));

    private static async Task<IResult> GetAsync(HttpContext http, PageSetup setup, CancellationToken ct)
    {
        var page = await setup.OpenAsync(http, http.Request.Query["app_id"], ct);
        if (page is null)
            return PageSetup.UnknownApp(http);
        var user = await SignInAsync(page, ct);
        return user is null ? ToLogin(page) : await CenterAsync(page, user, new View(), ct);
    }

    private static async Task<IResult> CenterAsync(PageRequest page, User user, View view, CancellationToken ct, int status = 200)
    {
        var db = page.Db;
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("center"))}</h1>");
        sb.Append("<p class=\"who\">").Append(E(user.Nickname ?? user.Username ?? user.Email ?? user.Phone)).Append("</p>");
        sb.Append(Alert(view.Error, view.Notice));

        // Profile
        sb.Append(Section(page, "profile"));
        sb.Append($"<form id=\"profile-form\" method=\"post\" action=\"/u/profile\">{page.Hidden()}");
        sb.Append(page.Field("nickname", "nickname", "text", user.Nickname, "nickname", required: false));
        sb.Append(page.Field("name", "name", "text", user.Name, "name", required: false));
        sb.Append(page.Field("username", "username", "text", user.Username, "username", required: false));
        sb.Append($"<button type=\"submit\">{E(page.T("save"))}</button></form></section>");

        // Avatar
        sb.Append(Section(page, "avatar"));
        if (!string.IsNullOrEmpty(user.Photo) && user.Photo.Contains("/uploads/avatar/", StringComparison.Ordinal))
            sb.Append($"<img class=\"avatar\" src=\"{E(new Uri(user.Photo, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(user.Photo).AbsolutePath : user.Photo)}\" alt=\"{E(page.T("avatar"))}\">");
        sb.Append($"<form id=\"avatar-form\" method=\"post\" action=\"/u/avatar\" enctype=\"multipart/form-data\">{page.Hidden()}");
        sb.Append(page.Field("file", "avatar-file", "file", extra: " accept=\"image/png,image/jpeg,image/gif,image/webp\""));
        sb.Append($"<button type=\"submit\">{E(page.T("upload"))}</button></form></section>");

        // Password
        sb.Append(Section(page, "change-password"));
        sb.Append($"<form id=\"password-form\" method=\"post\" action=\"/u/password\">{page.Hidden()}");
        if (user.PasswordHash is not null)
            sb.Append(page.Field("old_password", "old-password", "password", null, "current-password"));
        sb.Append(page.Field("password", "new-password", "password", null, "new-password", id: "f-new-password"));
        sb.Append($"<button type=\"submit\">{E(page.T("save"))}</button></form></section>");

        // Email and phone
        sb.Append(Section(page, "contact"));
        sb.Append(ContactBlock(page, "email", user.Email, user.EmailVerified));
        sb.Append(ContactBlock(page, "phone", user.Phone, user.PhoneVerified));
        sb.Append("</section>");

        // Linked accounts (external identities): unlink each (the last way in is refused), link the pool's other sources.
        sb.Append(await IdentitiesBlockAsync(page, user, ct));

        // MFA
        sb.Append(Section(page, "mfa"));
        var factors = await db.MfaFactors.AsNoTracking().Where(f => f.UserId == user.Id).ToListAsync(ct);
        var hasOtp = factors.Any(f => f.FactorType == FactorTypes.Otp);
        if (view.Otp is { } otp)
        {
            sb.Append($"<p>{E(page.T("mfa-scan"))}</p>");
            sb.Append($"<img class=\"mfa-qr\" id=\"mfa-qr\" src=\"{E(otp.QrCodeDataUrl)}\" alt=\"{E(page.T("mfa-qr-alt"))}\">");
            sb.Append($"<p>{E(page.T("mfa-secret"))} <code id=\"mfa-secret\">{E(otp.Secret)}</code></p>");
            sb.Append($"<p>{E(page.T("mfa-recovery"))} <code id=\"mfa-recovery\">{E(otp.RecoveryCode)}</code></p>");
            sb.Append($"<form id=\"mfa-confirm\" method=\"post\" action=\"/u/mfa/confirm\">{page.Hidden()}");
            sb.Append(page.Field("code", "mfa-code", "text", null, "one-time-code", extra: " inputmode=\"numeric\" maxlength=\"6\""));
            sb.Append($"<button type=\"submit\">{E(page.T("mfa-confirm"))}</button></form>");
        }
        else if (hasOtp)
        {
            sb.Append($"<p id=\"mfa-state\">{E(page.T("mfa-on"))}</p>");
            sb.Append($"<form id=\"mfa-remove\" method=\"post\" action=\"/u/mfa/remove\">{page.Hidden()}");
            sb.Append($"<button type=\"submit\" class=\"danger\">{E(page.T("mfa-unbind"))}</button></form>");
        }
        else
        {
            sb.Append($"<p id=\"mfa-state\">{E(page.T("mfa-off"))}</p>");
            sb.Append($"<form id=\"mfa-start\" method=\"post\" action=\"/u/mfa/start\">{page.Hidden()}");
            sb.Append($"<button type=\"submit\">{E(page.T("mfa-enrol"))}</button></form>");
        }
        sb.Append(CodeFactorBlock(page, "sms", factors.FirstOrDefault(f => f.FactorType == FactorTypes.Sms), user.Phone, view.Pending));
        sb.Append(CodeFactorBlock(page, "email", factors.FirstOrDefault(f => f.FactorType == FactorTypes.Email), user.Email, view.Pending));
        sb.Append("</section>");

        // Sessions and devices
        var now = page.Http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == user.Id && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).Take(ListLimit).ToListAsync(ct);
        var appNames = await db.Applications.AsNoTracking().Select(a => new { a.Id, a.Name }).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        sb.Append(Section(page, "sessions"));
        sb.Append("<ul class=\"list\" id=\"session-list\">");
        foreach (var s in sessions)
        {
            var mine = s.Id == page.Caller.SessionId;
            sb.Append($"<li data-session-id=\"{E(s.Id)}\"><div><strong>{E(Device(s.UserAgent))}</strong>");
            if (mine)
                sb.Append($" <span class=\"badge\">{E(page.T("this-session"))}</span>");
            sb.Append($"<br><span class=\"muted\">{E(page.T("app"))}: {E(s.AppId is not null && appNames.TryGetValue(s.AppId, out var n) ? n : "—")} · " +
                      $"{E(page.T("ip"))}: {E(s.Ip ?? "—")} · {E(page.T("since"))}: {E(Time(s.CreatedAt))}</span></div>");
            if (!mine)
            {
                sb.Append($"<form method=\"post\" action=\"/u/sessions/revoke\">{page.Hidden()}<input type=\"hidden\" name=\"session_id\" value=\"{E(s.Id)}\">");
                sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("revoke"))}</button></form>");
            }
            sb.Append("</li>");
        }
        sb.Append("</ul></section>");

        // Authorized (third-party) apps: the consents the OIDC server remembered.
        var authorized = await page.Http.RequestServices.GetRequiredService<OidcConsents>().ListAsync(page.Pool.Id, user.Id, ct);
        sb.Append(Section(page, "apps"));
        if (authorized.Count == 0)
            sb.Append($"<p>{E(page.T("none"))}</p>");
        else
        {
            sb.Append("<ul class=\"list\" id=\"authorized-apps\">");
            foreach (var a in authorized)
            {
                sb.Append($"<li data-client-id=\"{E(a.AppId)}\"><div><strong>{E(a.Name)}</strong><br><span class=\"muted\">" +
                          $"{E(string.Join(" ", a.Scopes))}{(a.GrantedAt is { } at ? " · " + E(Time(at.UtcDateTime)) : "")}</span></div>");
                sb.Append($"<form method=\"post\" action=\"/u/apps/revoke\">{page.Hidden()}<input type=\"hidden\" name=\"client_id\" value=\"{E(a.AppId)}\">");
                sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("revoke-consent"))}</button></form></li>");
            }
            sb.Append("</ul>");
        }
        sb.Append("</section>");

        // Login history
        var logs = await db.LoginLogs.AsNoTracking().Where(l => l.UserId == user.Id)
            .OrderByDescending(l => l.Id).Take(ListLimit).ToListAsync(ct);
        sb.Append(Section(page, "history"));
        if (logs.Count == 0)
            sb.Append($"<p>{E(page.T("none"))}</p>");
        else
        {
            // Focusable and named: a region that scrolls sideways at 390 px must be reachable by keyboard.
            sb.Append($"<div class=\"table\" tabindex=\"0\" role=\"region\" aria-labelledby=\"h-history\"><table id=\"history\"><thead><tr>");
            foreach (var h in new[] { "time", "method", "app", "ip", "result" })
                sb.Append($"<th scope=\"col\">{E(page.T(h))}</th>");
            sb.Append("</tr></thead><tbody>");
            foreach (var l in logs)
                sb.Append($"<tr><td>{E(Time(l.CreatedAt))}</td><td>{E(l.Method)}</td>" +
                          $"<td>{E(l.AppId is not null && appNames.TryGetValue(l.AppId, out var n) ? n : "—")}</td><td>{E(l.Ip ?? "—")}</td>" +
                          $"<td>{E(l.Success ? page.T("ok") : page.T("failed") + (l.ErrorCode is { } c ? $" ({c})" : ""))}</td></tr>");
            sb.Append("</tbody></table></div>");
        }
        sb.Append("</section>");

        // Sign out, delete account
        sb.Append(Section(page, "sign-out"));
        sb.Append($"<form id=\"logout\" method=\"post\" action=\"/u/logout\">{page.Hidden()}");
        sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("sign-out"))}</button></form></section>");
        sb.Append(Section(page, "danger"));
        sb.Append($"<p>{E(page.T("delete-intro"))}</p>");
        sb.Append($"<form id=\"delete-account\" method=\"post\" action=\"/u/delete\">{page.Hidden()}");
        sb.Append(page.Field("confirm", "confirm-word", "text", null, "off"));
        sb.Append($"<button type=\"submit\" class=\"danger\">{E(page.T("delete"))}</button></form></section>");
        return page.Render(page.T("center"), sb.ToString(), status);
    }

    private static async Task<string> IdentitiesBlockAsync(PageRequest page, User user, CancellationToken ct)
    {
        var db = page.Db;
        var linked = await db.UserIdentities.AsNoTracking().Where(i => i.UserId == user.Id).OrderBy(i => i.CreatedAt)
            .Take(ListLimit).ToListAsync(ct);
        var connIds = linked.Select(i => i.ConnId).Distinct().ToList();
        var names = await db.ExtIdpConns.AsNoTracking().Where(c => connIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var linkable = StartLink is null ? [] : (await db.ExtIdpConns.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.CreatedAt)
                .Take(20).ToListAsync(ct))
            .Where(c => GenAuth.Core.ExtIdps.ConnTypes.CanSignIn(c.Type) && !connIds.Contains(c.Id)).ToList();
        // Only the connections switched on for this app can be linked from its center (the link flow would refuse the rest).
        var off = await GenAuth.Core.ExtIdps.ConnAppStates.DisabledAsync(db, linkable.Select(c => c.Id).ToList(), page.App, page.Caller.TenantId, ct);
        linkable.RemoveAll(c => off.Contains(c.Id));
        var sb = new StringBuilder(Section(page, "identities"));
        if (linked.Count == 0)
            sb.Append($"<p id=\"identities-none\">{E(page.T("none"))}</p>");
        else
        {
            sb.Append("<ul class=\"list\" id=\"identity-list\">");
            foreach (var i in linked)
            {
                var name = names.TryGetValue(i.ConnId, out var n) ? n : i.Provider;
                sb.Append($"<li data-identity-id=\"{E(i.Id)}\"><div><strong>{E(name)}</strong><br><span class=\"muted\">" +
                          $"{E(i.Provider)} · {E(page.T("since"))}: {E(Time(i.CreatedAt))}</span></div>");
                sb.Append($"<form method=\"post\" action=\"/u/identities/unlink\">{page.Hidden()}<input type=\"hidden\" name=\"identity_id\" value=\"{E(i.Id)}\">");
                sb.Append($"<button type=\"submit\" class=\"secondary\" aria-label=\"{E(page.T("unlink") + " " + name)}\">{E(page.T("unlink"))}</button></form></li>");
            }
            sb.Append("</ul>");
        }
        if (linkable.Count > 0)
        {
            sb.Append($"<p>{E(page.T("link-more"))}</p><ul class=\"list\" id=\"linkable-list\">");
            foreach (var c in linkable)
            {
                var name = c.DisplayName;
                sb.Append($"<li data-identifier=\"{E(c.Identifier)}\"><div><strong>{E(name)}</strong></div>");
                sb.Append($"<form method=\"post\" action=\"/u/identities/link\">{page.Hidden()}<input type=\"hidden\" name=\"identifier\" value=\"{E(c.Identifier)}\">");
                sb.Append($"<button type=\"submit\" aria-label=\"{E(page.T("link") + " " + name)}\">{E(page.T("link"))}</button></form></li>");
            }
            sb.Append("</ul>");
        }
        sb.Append("</section>");
        return sb.ToString();
    }

    private static string Section(PageRequest page, string key) =>
        $"<section class=\"card\" id=\"section-{key}\" aria-labelledby=\"h-{key}\"><h2 id=\"h-{key}\">{E(page.T(key))}</h2>";

    private static string ContactBlock(PageRequest page, string kind, string? current, bool verified)
    {
        var sb = new StringBuilder();
        sb.Append($"<div class=\"contact\" id=\"contact-{kind}\"><h3>{E(page.T(kind))}</h3><p>");
        sb.Append(current is null
            ? E(page.T("not-set"))
            : $"<span id=\"current-{kind}\">{E(current)}</span> <span class=\"muted\">({E(page.T(verified ? "verified" : "unverified"))})</span>");
        sb.Append("</p>");
        // One send form for the new address (and, when changing, one for the current one), then the bind form.
        sb.Append($"<form id=\"{kind}-send\" method=\"post\" action=\"/u/{kind}/send\" class=\"inline\">{page.Hidden()}");
        sb.Append(page.Field("target", "new-" + kind, kind == "email" ? "email" : "tel", null, kind == "email" ? "email" : "tel",
            id: $"f-{kind}-send-target"));
        sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("send-code"))}</button></form>");
        if (current is not null)
        {
            sb.Append($"<form id=\"{kind}-send-old\" method=\"post\" action=\"/u/{kind}/send\" class=\"inline\">{page.Hidden()}");
            sb.Append("<input type=\"hidden\" name=\"old\" value=\"1\">");
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("send-old-code"))}</button></form>");
        }
        sb.Append($"<form id=\"{kind}-bind\" method=\"post\" action=\"/u/{kind}\">{page.Hidden()}");
        sb.Append(page.Field("target", "new-" + kind, kind == "email" ? "email" : "tel", null, kind == "email" ? "email" : "tel",
            id: $"f-{kind}-target"));
        sb.Append(page.Field("code", "code", "text", null, "one-time-code", id: $"f-{kind}-code", extra: " inputmode=\"numeric\" maxlength=\"12\""));
        if (current is not null)
            sb.Append(page.Field("old_code", "old-code", "text", null, "off", required: false, id: $"f-{kind}-old-code",
                extra: " inputmode=\"numeric\" maxlength=\"12\""));
        sb.Append($"<button type=\"submit\">{E(page.T("bind"))}</button></form>");
        if (current is not null)
        {
            sb.Append($"<form id=\"{kind}-unbind\" method=\"post\" action=\"/u/{kind}/unbind\">{page.Hidden()}");
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("unbind"))}</button></form>");
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>
    /// An SMS or email second factor: enrolled (where codes go, and remove), waiting for its code, or off (the address to
    /// enrol, the account's own by default, and a code to it proves it).
    /// </summary>
    private static string CodeFactorBlock(PageRequest page, string kind, MfaFactor? factor, string? suggested, PendingCodeFactor? pending)
    {
        var sb = new StringBuilder();
        sb.Append($"<div class=\"contact\" id=\"mfa-{kind}\"><h3>{E(page.T("factor-" + kind))}</h3>");
        if (factor is not null)
        {
            var view = FactorView.Of(factor);
            var target = kind == "sms" ? $"{view.PhoneCountryCode} {view.PhoneNumber}".Trim() : view.Email;
            sb.Append($"<p id=\"mfa-{kind}-state\">{E(string.Format(page.T("mfa-code-on"), target))}</p>");
            // Removing it takes a code sent to it (MfaEnrollmentService.ResetFactorAsync): one form sends the code, the other removes.
            sb.Append($"<form id=\"mfa-{kind}-remove-code\" method=\"post\" action=\"/u/mfa/remove/code\" class=\"inline\">{page.Hidden()}");
            sb.Append($"<input type=\"hidden\" name=\"factor_id\" value=\"{E(factor.Id)}\">");
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("mfa-remove-send-code"))}</button></form>");
            sb.Append($"<form id=\"mfa-{kind}-remove\" method=\"post\" action=\"/u/mfa/remove\">{page.Hidden()}");
            sb.Append($"<input type=\"hidden\" name=\"factor_id\" value=\"{E(factor.Id)}\">");
            sb.Append(page.Field("code", "code", "text", null, "one-time-code", id: $"f-mfa-{kind}-remove-code", extra: " inputmode=\"numeric\" maxlength=\"12\""));
            sb.Append($"<button type=\"submit\" class=\"danger\">{E(page.T("mfa-unbind-" + kind))}</button></form>");
        }
        else if (pending is not null && pending.Kind == kind)
        {
            sb.Append($"<p>{E(string.Format(page.T("mfa-code-sent-to"), pending.Target))}</p>");
            sb.Append($"<form id=\"mfa-{kind}-confirm\" method=\"post\" action=\"/u/mfa/code/confirm\">{page.Hidden()}");
            sb.Append($"<input type=\"hidden\" name=\"kind\" value=\"{kind}\"><input type=\"hidden\" name=\"enrollment_token\" value=\"{E(pending.EnrollmentToken)}\">");
            sb.Append($"<input type=\"hidden\" name=\"target\" value=\"{E(pending.Target)}\">");
            sb.Append(page.Field("code", "code", "text", null, "one-time-code", id: $"f-mfa-{kind}-code", extra: " inputmode=\"numeric\" maxlength=\"12\""));
            sb.Append($"<button type=\"submit\">{E(page.T("mfa-confirm"))}</button></form>");
        }
        else
        {
            sb.Append($"<p id=\"mfa-{kind}-state\">{E(page.T("mfa-code-off"))}</p>");
            sb.Append($"<form id=\"mfa-{kind}-start\" method=\"post\" action=\"/u/mfa/code/start\" class=\"inline\">{page.Hidden()}");
            sb.Append($"<input type=\"hidden\" name=\"kind\" value=\"{kind}\">");
            sb.Append(page.Field("target", kind == "sms" ? "phone" : "email", kind == "sms" ? "tel" : "email", suggested,
                kind == "sms" ? "tel" : "email", id: $"f-mfa-{kind}-target"));
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("mfa-enrol-" + kind))}</button></form>");
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Device(string? userAgent)
    {
        var (browser, device) = UserAgentInfo.Parse(userAgent);
        var parts = new[] { browser, device }.Where(x => !string.IsNullOrEmpty(x)).ToArray();
        return parts.Length == 0 ? "—" : string.Join(" · ", parts);
    }

    // ---- POST ----

    /// <summary>A post to the center: antiforgery first, then the signed-in user (else back to /login).</summary>
    private static async Task<IResult> RunAsync(HttpContext http, PageSetup setup, CancellationToken ct,
        Func<PageRequest, User, LoginPages.Posted, Task<View>> action, long maxBytes = 64 * 1024)
    {
        var (p, stop) = await LoginPages.ReadAsync(http, setup, ct, maxBytes);
        if (p is null)
            return stop!;
        var user = await SignInAsync(p.Page, ct);
        if (user is null)
            return ToLogin(p.Page);
        View view;
        try
        {
            view = await action(p.Page, user, p);
        }
        catch (GenAuthException e)
        {
            view = new View(Error: e.LocalizedMessage(p.Page.Lang));
        }
        if (view.Redirect is { } to)
            return Results.Redirect(to);
        if (view.Section == "gone")
            return view.Notice is null ? ToLogin(p.Page) : Gone(p.Page, view.Notice, view.Frames ?? []);
        // Re-read: the action may have changed the user.
        var fresh = await p.Page.Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == user.Id, ct) ?? user;
        return await CenterAsync(p.Page, fresh, view, ct, view.Error is null ? 200 : 400);
    }

    /// <param name="frames">The apps' front-channel logout iframes (a sign-out): loaded by this page, framed by its CSP only.</param>
    private static IResult Gone(PageRequest page, string notice, IReadOnlyList<GenAuth.Server.Oidc.FrontchannelFrame> frames)
    {
        var body = $"<h1>{E(page.T("center"))}</h1>{Alert(null, notice)}" +
                   $"<p class=\"links\"><a href=\"{E(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/login", "app_id", page.App.Id))}\">{E(page.T("sign-in"))}</a></p>" +
                   (frames.Count == 0 ? "" : GenAuth.Server.Oidc.SessionLogout.Markup(frames, page.T("sign-out"), null));
        return page.Render(page.T("center"), body, frameSources: GenAuth.Server.Oidc.SessionLogout.FrameSources(frames));
    }

    private static Task<IResult> ProfileAsync(HttpContext http, PageSetup setup, AccountService accounts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var input = new ProfileInput();
            foreach (var key in new[] { "nickname", "name", "username" })
                if (p.Form.ContainsKey(key))
                    input[key] = p.Get(key).Trim() is { Length: > 0 } v ? v : null;
            await accounts.UpdateUserAsync(null, input, ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> AvatarAsync(HttpContext http, PageSetup setup, AvatarService avatars, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var file = p.Form.Files.GetFile("file") ?? throw new GenAuthException(ErrorCodes.InvalidImage);
            await using var stream = file.OpenReadStream();
            await avatars.UploadAsync(stream, ct);
            return new View(page.T("saved"));
        }, AvatarService.MaxBytes + 64 * 1024);

    private static Task<IResult> PasswordAsync(HttpContext http, PageSetup setup, AccountService accounts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await accounts.UpdatePasswordAsync(p.Get("password"), p.Get("old_password"), ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> EmailSendAsync(HttpContext http, PageSetup setup, CodeSender sender, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            // The current address gets the "unbind/verify old" code; a new one the bind code.
            if (p.Get("old") == "1")
                await sender.SendEmailAsync(user.Email, "EMAIL_UNBIND_VERIFY_CODE", ct);
            else
                await sender.SendEmailAsync(p.Get("target").Trim(), "EMAIL_BIND_VERIFY_CODE", ct);
            return new View(page.T("code-sent"));
        });

    private static Task<IResult> EmailAsync(HttpContext http, PageSetup setup, ContactService contacts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            if (user.Email is null)
                await contacts.BindEmailAsync(p.Get("target").Trim(), p.Get("code").Trim(), ct);
            else
                await contacts.UpdateEmailAsync(p.Get("target").Trim(), p.Get("code").Trim(), user.Email, p.Get("old_code").Trim(), ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> EmailUnbindAsync(HttpContext http, PageSetup setup, ContactService contacts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await contacts.UnbindEmailAsync(ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> PhoneSendAsync(HttpContext http, PageSetup setup, CodeSender sender, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            if (p.Get("old") == "1")
                await sender.SendSmsCodeAsync(user.Phone, user.PhoneCountryCode, "unbind", ct);
            else
                await sender.SendSmsCodeAsync(p.Get("target").Trim(), null, "bind", ct);
            return new View(page.T("code-sent"));
        });

    private static Task<IResult> PhoneAsync(HttpContext http, PageSetup setup, ContactService contacts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            if (user.Phone is null)
                await contacts.BindPhoneAsync(p.Get("target").Trim(), p.Get("code").Trim(), null, ct);
            else
                await contacts.UpdatePhoneAsync(p.Get("target").Trim(), p.Get("code").Trim(), user.Phone, p.Get("old_code").Trim(),
                    null, user.PhoneCountryCode, ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> PhoneUnbindAsync(HttpContext http, PageSetup setup, ContactService contacts, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await contacts.UnbindPhoneAsync(ct);
            return new View(page.T("saved"));
        });

    private static Task<IResult> MfaStartAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var request = await mfa.SendEnrollFactorRequestAsync(FactorTypes.Otp, null, null, null, ct);
            return new View(Otp: request.OtpData);
        });

    private static Task<IResult> MfaConfirmAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await mfa.ConfirmTotpAsync(p.Get("code").Trim(), ct);
            return new View(page.T("mfa-enrolled"));
        });

    private static Task<IResult> MfaRemoveAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            // A factor named by id (SMS, email) or, as before, the authenticator app; only the user's own (another user's id: 1643 not found).
            if (p.Get("factor_id") is { Length: > 0 } factorId)
            {
                await mfa.ResetFactorAsync(factorId, ct, p.Get("code"));
                return new View(page.T("mfa-code-removed"));
            }
            await mfa.ResetTotpAsync(ct);
            return new View(page.T("mfa-removed"));
        });

    /// <summary>Sends the code that removing an SMS or email factor asks for, to that factor's phone or email.</summary>
    private static Task<IResult> MfaRemoveCodeAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await mfa.SendRemovalCodeAsync(p.Get("factor_id"), ct);
            return new View(page.T("code-sent"));
        });

    /// <summary>Starts an SMS or email factor: a code to the address given (MfaEnrollmentService, its limits and quotas).</summary>
    private static Task<IResult> MfaCodeStartAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var kind = p.Get("kind") == "email" ? "email" : "sms";
            var target = p.Get("target").Trim();
            var request = kind == "sms"
                ? await mfa.SendEnrollFactorRequestAsync(FactorTypes.Sms, target, null, null, ct)
                : await mfa.SendEnrollFactorRequestAsync(FactorTypes.Email, null, null, target, ct);
            return new View(page.T("code-sent"), Pending: new PendingCodeFactor(kind, request.EnrollmentToken, target));
        });

    private static Task<IResult> MfaCodeConfirmAsync(HttpContext http, PageSetup setup, MfaEnrollmentService mfa, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var kind = p.Get("kind") == "email" ? "email" : "sms";
            try
            {
                await mfa.EnrollFactorAsync(p.Get("enrollment_token"), p.Get("code").Trim(), kind == "sms" ? FactorTypes.Sms : FactorTypes.Email, ct);
            }
            catch (GenAuthException e) when (e.Code != ErrorCodes.EnrollmentTokenInvalid.Code)
            {
                // A mistyped code keeps the enrolment (it allows a few); the code form stays, as a new send would wait 60 s.
                return new View(Error: e.LocalizedMessage(page.Lang),
                    Pending: new PendingCodeFactor(kind, p.Get("enrollment_token"), p.Get("target")));
            }
            return new View(page.T("mfa-code-enrolled"));
        });

    private static Task<IResult> RevokeSessionAsync(HttpContext http, PageSetup setup, SessionService sessions, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var id = p.Get("session_id");
            // Only the user's own sessions: another user's id is "not found", like an unknown one.
            if (!await page.Db.Sessions.AnyAsync(s => s.Id == id && s.UserId == user.Id, ct))
                throw new GenAuthException(ErrorCodes.BadRequest);
            await sessions.RevokeAsync(page.Db, id, ct);
            return new View(page.T("revoked"));
        });

    private static Task<IResult> RevokeConsentAsync(HttpContext http, PageSetup setup, OidcConsents consents, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            if (!await consents.RevokeAsync(page.Pool.Id, user.Id, p.Get("client_id"), ct))
                throw new GenAuthException(ErrorCodes.BadRequest);
            return new View(page.T("consent-revoked"));
        });

    /// <summary>Starts the connection's flow in link mode (a POST with the form token, so another site can't start one).</summary>
    private static Task<IResult> LinkIdentityAsync(HttpContext http, PageSetup setup, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var identifier = p.Get("identifier");
            if (StartLink is null || identifier.Length is 0 or > 64)
                throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
            return new View(Redirect: await StartLink(page, user.Id, identifier, ct));
        });

    /// <summary>Unlinks one identity; the last way to sign in is refused (2716), race-safe in IdentityLinkService.</summary>
    private static Task<IResult> UnlinkIdentityAsync(HttpContext http, PageSetup setup, GenAuth.Core.ExtIdps.IdentityLinkService links,
        CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            await links.UnlinkIdentityAsync(user.Id, p.Get("identity_id"), ct);
            return new View(page.T("unlinked"));
        });

    private static Task<IResult> DeleteAsync(HttpContext http, PageSetup setup, AccountService accounts, SsoCookie sso, CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            if (p.Get("confirm").Trim() != "DELETE")
                return new View(Error: page.T("delete-word-wrong"));
            await accounts.DeleteAccountAsync(ct);
            sso.Clear(page.Http, page.Pool.Id);
            return new View(page.T("deleted"), Section: "gone");
        });

    /// <summary>
    /// Ends the SSO session (the session the cookie names) and the app sessions under it, clears the cookie, and
    /// logs the apps out: back-channel by POST, front-channel by the iframes of the answer page.
    /// </summary>
    private static Task<IResult> LogoutAsync(HttpContext http, PageSetup setup, GenAuth.Server.Oidc.SessionLogout logout, SsoCookie sso,
        CancellationToken ct) =>
        RunAsync(http, setup, ct, async (page, user, p) =>
        {
            var frames = await logout.EndAsync(page.Db, [page.Caller.SessionId!], ct);
            sso.Clear(page.Http, page.Pool.Id);
            await page.Http.RequestServices.GetRequiredService<GenAuth.Core.Audit.AuditTrail>()
                .SaveAsync(GenAuth.Core.Audit.AuditEventTypes.Logout, user.Id, ct, new { method = "hosted" });
            return new View(page.T("signed-out"), Section: "gone", Frames: frames);
        });
}
