using System.Text;
using GenAuth.Core.Applications;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Core.Pools;
using GenAuth.Core.SignIn;
using GenAuth.Server.Sso;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using static GenAuth.Server.Pages.PageRequest;

namespace GenAuth.Server.Pages;

/// <summary>
/// The hosted login page, /login?app_id=…&amp;return_url=…: password, SMS or email code, QR, registration, forgot
/// password, then the MFA step or the forced reset when the sign-in pipeline asks. Every way in calls the Core SignIn
/// services; a SignedIn outcome writes the pool's SSO cookie and answers 303 to the (local) return_url.
/// </summary>
public static class LoginPages
{
    private const long MaxFormBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/login", GetAsync);
        // The QR tab's old address stays: it serves the same tab (and its redirect_uri ticket hand-off).
        app.MapGet("/login/qrcode", QrAliasAsync);
        app.MapPost("/login/password", PasswordAsync);
        app.MapPost("/login/code/send", SendCodeAsync);
        app.MapPost("/login/code", CodeAsync);
        app.MapPost("/login/qr/gene", QrGeneAsync);
        app.MapPost("/login/qr", QrAsync);
        app.MapPost("/login/mfa", MfaAsync);
        app.MapPost("/login/mfa/send", MfaSendAsync);
        app.MapPost("/login/mfa/enroll/start", EnrollStartAsync);
        app.MapPost("/login/mfa/enroll", EnrollAsync);
        app.MapPost("/login/reset", ResetAsync);
        app.MapPost("/login/register", RegisterAsync);
        app.MapPost("/login/forgot/send", ForgotSendAsync);
        app.MapPost("/login/forgot", ForgotAsync);
    }

    // ---- GET ----

    private static async Task<IResult> GetAsync(HttpContext http, PageSetup setup, AgreementService agreements, CancellationToken ct)
    {
        var page = await setup.OpenAsync(http, http.Request.Query["app_id"], ct);
        if (page is null)
            return PageSetup.UnknownApp(http);
        var returnUrl = page.SafeReturnUrl(http.Request.Query["return_url"]);
        var tab = http.Request.Query["tab"].ToString();
        return tab switch
        {
            "register" => Register(page, returnUrl, await agreements.ShownAsync(page.App.Id, page.Lang, ct)),
            "forgot" => Forgot(page, returnUrl),
            // The OIDC authorize endpoint passes login_hint on: it fills the account field.
            _ => Login(page, returnUrl, Tab(page, tab), account: http.Request.Query["login_hint"].ToString() is { Length: > 0 and <= 256 } hint ? hint : null),
        };
    }

    private static async Task<IResult> QrAliasAsync(HttpContext http, PageSetup setup, CancellationToken ct)
    {
        var page = await setup.OpenAsync(http, http.Request.Query["app_id"], ct);
        if (page is null)
            return PageSetup.UnknownApp(http);
        var redirectUri = http.Request.Query["redirect_uri"].ToString();
        // Note: the ticket goes only to a callback registered for the app, never to any URL a link names.
        if (redirectUri.Length > 0 && !QrLogin.QrLoginPage.IsRegistered(page.App, redirectUri))
            return Results.Text("redirect_uri is not registered for this app", "text/plain", statusCode: 400);
        return Login(page, page.SafeReturnUrl(http.Request.Query["return_url"]), "qr", redirectUri: redirectUri,
            transport: http.Request.Query["transport"] == "sse" ? "sse" : "auto", redeem: false);
    }

    private static string Tab(PageRequest page, string? asked)
    {
        var tabs = AppBranding.Methods.Where(m => PageBranding.Shows(page.App, m)).ToList();
        if (tabs.Count == 0)
            tabs.Add("password");
        return asked is not null && tabs.Contains(asked) ? asked : tabs[0];
    }

    /// <summary>The identity-source buttons under the sign-in form (page, return_url → markup); set by Server/ExtIdp.</summary>
    internal static Func<PageRequest, string, string>? IdentitySourceButtons { get; set; }

    private static string LoginUrl(PageRequest page, string returnUrl, string? tab) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/login", new Dictionary<string, string?>
        {
            ["app_id"] = page.App.Id, ["return_url"] = returnUrl, ["tab"] = tab,
        }.Where(p => p.Value is not null));

    private static IResult Login(PageRequest page, string returnUrl, string tab, string? error = null, string? notice = null,
        string? account = null, string? target = null, bool codeSent = false, string? redirectUri = null, string transport = "auto",
        int status = 200, bool redeem = true)
    {
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(string.Format(page.T("sign-in-to"), page.App.Name))}</h1>");
        sb.Append($"<nav class=\"tabs\" aria-label=\"{E(page.T("methods"))}\"><ul>");
        foreach (var m in AppBranding.Methods.Where(m => PageBranding.Shows(page.App, m) || m == tab))
        {
            var current = m == tab ? " aria-current=\"page\"" : "";
            sb.Append($"<li><a id=\"tab-{m}\" href=\"{E(LoginUrl(page, returnUrl, m))}\"{current}>{E(page.T("tab-" + m))}</a></li>");
        }
        sb.Append("</ul></nav>");
        sb.Append(Alert(error, notice));
        string? script = null;
        string? mainAttributes = null;
        switch (tab)
        {
            case "code":
                sb.Append($"<form id=\"code-send\" method=\"post\" action=\"/login/code/send\" class=\"inline\">{page.Hidden(returnUrl)}");
                sb.Append(page.Field("target", "email-or-phone", "text", target, "username"));
                sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("send-code"))}</button></form>");
                if (codeSent)
                    sb.Append(Alert(null, page.T("code-sent")));
                sb.Append($"<form id=\"code-login\" method=\"post\" action=\"/login/code\">{page.Hidden(returnUrl)}");
                sb.Append($"<input type=\"hidden\" name=\"target\" value=\"{E(target)}\">");
                sb.Append(page.Field("code", "code", "text", null, "one-time-code", extra: " inputmode=\"numeric\" maxlength=\"12\""));
                sb.Append($"<button type=\"submit\"{(codeSent ? "" : " disabled")}>{E(page.T("sign-in"))}</button></form>");
                break;
            case "qr":
                sb.Append(QrPanel(page, returnUrl));
                script = "/_pages/qr.js";
                mainAttributes = $" data-status=\"loading\" data-app-id=\"{E(page.App.Id)}\" data-redirect-uri=\"{E(redirectUri)}\" " +
                                 $"data-transport=\"{E(transport)}\" data-lang=\"{E(page.Lang)}\" data-redeem=\"{(redeem ? "1" : "0")}\"";
                break;
            default:
                sb.Append($"<form id=\"password-login\" method=\"post\" action=\"/login/password\">{page.Hidden(returnUrl)}");
                sb.Append(page.Field("account", "account", "text", account, "username"));
                sb.Append(page.Field("password", "password", "password", null, "current-password"));
                sb.Append($"<button type=\"submit\">{E(page.T("sign-in"))}</button></form>");
                break;
        }
        // Identity-source buttons (Server/ExtIdp sets the hook): none when the pool has no enabled connection.
        if (tab != "qr" && IdentitySourceButtons is { } buttons)
            sb.Append(buttons(page, returnUrl));
        sb.Append("<p class=\"links\">");
        if (!page.Pool.RegisterDisabled)
            sb.Append($"{E(page.T("no-account"))} <a href=\"{E(LoginUrl(page, returnUrl, "register"))}\">{E(page.T("register"))}</a> · ");
        sb.Append($"<a href=\"{E(LoginUrl(page, returnUrl, "forgot"))}\">{E(page.T("forgot"))}</a></p>");
        return page.Render(page.T("sign-in"), sb.ToString(), status, script, mainAttributes, tab == "qr" ? "qr" : "main");
    }

    /// <summary>The QR tab: the same hooks as the old /login/qrcode page (main#qr, data-status, #qr-image), driven by qr.js.</summary>
    private static string QrPanel(PageRequest page, string returnUrl)
    {
        var sb = new StringBuilder();
        sb.Append($"<section id=\"qr-panel\" aria-labelledby=\"qr-title\"><h2 id=\"qr-title\">{E(page.T("qr-title"))}</h2>");
        sb.Append("<div id=\"code\">");
        sb.Append($"<img class=\"qr\" id=\"qr-image\" alt=\"{E(page.T("qr-image"))}\">");
        sb.Append("<div id=\"overlay\"><img id=\"avatar\" alt=\"\" hidden><div id=\"nickname\"></div><div id=\"state-text\"></div></div>");
        sb.Append("</div>");
        sb.Append($"<p id=\"message\" role=\"status\" aria-live=\"polite\">{E(page.T("qr-loading"))}</p>");
        sb.Append("<p id=\"countdown\" aria-hidden=\"true\"></p>");
        sb.Append($"<button id=\"refresh\" type=\"button\" class=\"secondary\">{E(page.T("qr-refresh"))}</button>");
        sb.Append("<p id=\"transport\"></p>");
        // The browser redeems the confirmed code itself, as a form post with its antiforgery token.
        sb.Append($"<form id=\"qr-login\" method=\"post\" action=\"/login/qr\" hidden>{page.Hidden(returnUrl)}<input type=\"hidden\" name=\"random\" value=\"\"></form>");
        // The script's strings, in the page's language.
        sb.Append("<div id=\"qr-texts\" hidden");
        foreach (var key in new[] { "qr-scan", "qr-scanned", "qr-scanned-short", "qr-confirmed", "qr-cancelled", "qr-cancelled-short",
                     "qr-expired", "qr-expired-short", "qr-error", "qr-lost", "qr-unreachable", "qr-expires-in", "qr-live", "qr-offline" })
            sb.Append($" data-{key}=\"{E(page.T(key))}\"");
        sb.Append("></div></section>");
        return sb.ToString();
    }

    /// <summary>
    /// The register form, with the app's agreements in the page's language as checkboxes (a required one is marked
    /// required; the server checks it again). Titles are escaped; only plain http(s) links in them stay links.
    /// </summary>
    private static IResult Register(PageRequest page, string returnUrl, IReadOnlyList<Agreement> agreements, string? error = null,
        string? email = null, int status = 200, IReadOnlyCollection<long>? ticked = null)
    {
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("register-title"))}</h1>");
        sb.Append(Alert(error));
        sb.Append($"<form id=\"register\" method=\"post\" action=\"/login/register\">{page.Hidden(returnUrl)}");
        sb.Append(page.Field("email", "email", "email", email, "email"));
        sb.Append(page.Field("password", "password", "password", null, "new-password"));
        if (agreements.Count > 0)
        {
            sb.Append($"<fieldset class=\"agreements\"><legend>{E(page.T("agreements"))}</legend>");
            foreach (var a in agreements)
            {
                var id = $"agreement-{a.Id}";
                var isChecked = ticked?.Contains(a.Id) == true ? " checked" : "";
                var req = a.Required ? " required aria-required=\"true\"" : "";
                // Note: the label holds only the checkbox's text; a link inside it stays its own focusable element.
                sb.Append($"<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"agreement\" value=\"{a.Id}\"{isChecked}{req}>");
                sb.Append($"<label for=\"{id}\">{AgreementService.TitleHtml(a.Title)}");
                if (a.Required)
                    sb.Append($" <span class=\"required\">({E(page.T("required"))})</span>");
                sb.Append("</label></div>");
            }
            sb.Append("</fieldset>");
        }
        sb.Append($"<button type=\"submit\">{E(page.T("register"))}</button></form>");
        sb.Append($"<p class=\"links\">{E(page.T("have-account"))} <a href=\"{E(LoginUrl(page, returnUrl, null))}\">{E(page.T("sign-in"))}</a></p>");
        return page.Render(page.T("register-title"), sb.ToString(), status);
    }

    private static IResult Forgot(PageRequest page, string returnUrl, string? error = null, string? target = null, bool codeSent = false,
        int status = 200)
    {
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("forgot-title"))}</h1>");
        sb.Append(Alert(error, codeSent ? page.T("code-sent") : null));
        sb.Append($"<form id=\"forgot-send\" method=\"post\" action=\"/login/forgot/send\" class=\"inline\">{page.Hidden(returnUrl)}");
        sb.Append(page.Field("target", "email-or-phone", "text", target, "username"));
        sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("send-code"))}</button></form>");
        sb.Append($"<form id=\"forgot\" method=\"post\" action=\"/login/forgot\">{page.Hidden(returnUrl)}");
        sb.Append($"<input type=\"hidden\" name=\"target\" value=\"{E(target)}\">");
        sb.Append(page.Field("code", "code", "text", null, "one-time-code", extra: " inputmode=\"numeric\" maxlength=\"12\""));
        sb.Append(page.Field("password", "new-password", "password", null, "new-password", id: "f-new-password"));
        sb.Append($"<button type=\"submit\"{(codeSent ? "" : " disabled")}>{E(page.T("save"))}</button></form>");
        sb.Append($"<p class=\"links\"><a href=\"{E(LoginUrl(page, returnUrl, null))}\">{E(page.T("back-to-login"))}</a></p>");
        return page.Render(page.T("forgot-title"), sb.ToString(), status);
    }

    private static IResult Mfa(PageRequest page, string returnUrl, string mfaToken, IReadOnlyCollection<string> factors, string? error = null,
        string? chosen = null, bool codeSent = false, int status = 200)
    {
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("mfa-title"))}</h1>");
        if (factors.Count == 0)
        {
            sb.Append(Alert(page.T("mfa-no-factor")));
            sb.Append($"<p class=\"links\"><a href=\"{E(LoginUrl(page, returnUrl, null))}\">{E(page.T("back-to-login"))}</a></p>");
            return page.Render(page.T("mfa-title"), sb.ToString(), status);
        }
        var choices = new List<string>();
        if (factors.Contains(FactorTypes.Otp))
            choices.Add("otp");
        if (factors.Contains(FactorTypes.Sms))
            choices.Add("sms");
        if (factors.Contains(FactorTypes.Email))
            choices.Add("email");
        if (factors.Contains(FactorTypes.Otp))
            choices.Add("recovery");
        chosen = chosen is not null && choices.Contains(chosen) ? chosen : choices[0];
        sb.Append($"<p>{E(page.T("mfa-intro"))}</p>");
        sb.Append(Alert(error, codeSent ? page.T("code-sent") : null));
        foreach (var channel in choices.Where(c => c is "sms" or "email"))
        {
            sb.Append($"<form id=\"mfa-send-{channel}\" method=\"post\" action=\"/login/mfa/send\" class=\"inline\">{page.Hidden(returnUrl)}");
            sb.Append($"<input type=\"hidden\" name=\"mfa_token\" value=\"{E(mfaToken)}\"><input type=\"hidden\" name=\"factor\" value=\"{channel}\">");
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("send-code"))}: {E(page.T("factor-" + channel))}</button></form>");
        }
        sb.Append($"<form id=\"mfa\" method=\"post\" action=\"/login/mfa\">{page.Hidden(returnUrl)}");
        sb.Append($"<input type=\"hidden\" name=\"mfa_token\" value=\"{E(mfaToken)}\">");
        sb.Append($"<fieldset><legend>{E(page.T("mfa-factor"))}</legend>");
        foreach (var c in choices)
        {
            var check = c == chosen ? " checked" : "";
            sb.Append($"<label class=\"radio\"><input type=\"radio\" name=\"factor\" value=\"{c}\"{check}> {E(page.T("factor-" + c))}</label>");
        }
        sb.Append("</fieldset>");
        sb.Append(page.Field("code", "mfa-code", "text", null, "one-time-code", extra: " maxlength=\"64\" autofocus"));
        sb.Append($"<button type=\"submit\">{E(page.T("verify"))}</button></form>");
        return page.Render(page.T("mfa-title"), sb.ToString(), status);
    }

    private static IResult Reset(PageRequest page, string returnUrl, ResetRequired reset, string? error = null, int status = 200)
    {
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("reset-title"))}</h1><p>{E(page.T("reset-intro"))}</p>");
        sb.Append(Alert(error));
        sb.Append($"<form id=\"force-reset\" method=\"post\" action=\"/login/reset\">{page.Hidden(returnUrl)}");
        sb.Append($"<input type=\"hidden\" name=\"reset_token\" value=\"{E(reset.Token)}\">");
        sb.Append($"<input type=\"hidden\" name=\"first\" value=\"{(reset.FirstLogin ? "1" : "0")}\">");
        if (!reset.FirstLogin)
            sb.Append(page.Field("old_password", "old-password", "password", null, "current-password"));
        sb.Append(page.Field("password", "new-password", "password", null, "new-password"));
        sb.Append($"<button type=\"submit\">{E(page.T("save"))}</button></form>");
        return page.Render(page.T("reset-title"), sb.ToString(), status);
    }

    // ---- POST ----

    /// <summary>A posted form: its app and language, after the antiforgery check (a post without a valid token does nothing).</summary>
    internal sealed record Posted(PageRequest Page, IFormCollection Form, string ReturnUrl)
    {
        public string Get(string name) => Form[name].ToString();
    }

    internal static async Task<(Posted? Posted, IResult? Stop)> ReadAsync(HttpContext http, PageSetup setup, CancellationToken ct,
        long maxBytes = MaxFormBytes)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes;
        if (!http.Request.HasFormContentType)
            return (null, Results.StatusCode(StatusCodes.Status415UnsupportedMediaType));
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }
        var page = await setup.OpenAsync(http, form["app_id"], ct);
        if (page is null)
            return (null, PageSetup.UnknownApp(http));
        if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            var body = $"<h1>{E(page.T("sign-in"))}</h1>{Alert(page.T("csrf"))}" +
                       $"<p class=\"links\"><a href=\"{E(page.CenterUrl)}\">{E(page.T("continue"))}</a></p>";
            return (null, page.Render(page.T("sign-in"), body, StatusCodes.Status400BadRequest));
        }
        return (new Posted(page, form, page.SafeReturnUrl(form["return_url"])), null);
    }

    /// <summary>
    /// The one place a sign-in outcome becomes a page answer. A recovery code (a spent one's replacement, or the one of a
    /// factor enrolled here) is shown once, under the text named by recoveryTextKey, before continuing.
    /// </summary>
    private static async Task<IResult> OutcomeAsync(Posted p, SignInOutcome outcome, Func<string, IResult> onRefused,
        string? recoveryCode = null, string recoveryTextKey = "recovery-new")
    {
        var page = p.Page;
        switch (outcome)
        {
            case SignedIn s:
                page.Http.RequestServices.GetRequiredService<SsoCookie>().Write(page.Http, page.Pool.Id, s.SessionId,
                    page.Http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
                if (recoveryCode is not null)
                {
                    var body = $"<h1>{E(page.T("mfa-title"))}</h1><p>{E(page.T(recoveryTextKey))}</p>" +
                               $"<p><code id=\"new-recovery-code\">{E(recoveryCode)}</code></p>" +
                               $"<p><a class=\"button\" href=\"{E(p.ReturnUrl)}\">{E(page.T("continue"))}</a></p>";
                    return page.Render(page.T("mfa-title"), body);
                }
                return SeeOther(p.ReturnUrl);
            case SecondFactorRequired m when NeedsEnrollment(m):
                return await EnrollChoicesAsync(p, m.MfaToken, null);
            case SecondFactorRequired m:
                return Mfa(page, p.ReturnUrl, m.MfaToken, Factors(m));
            case ResetRequired r:
                return Reset(page, p.ReturnUrl, r);
            case Refused f:
                return onRefused(f.Error.Message(page.Lang));
            default:
                throw new InvalidOperationException("Unknown sign-in outcome " + outcome.GetType().Name);
        }
    }

    /// <summary>
    /// The hook for external identity sign-ins (Server/ExtIdp): their outcome ends like a form's here (SSO cookie and
    /// 303 to the return_url, the MFA step, or the refusal).
    /// </summary>
    internal static Task<IResult> ExternalOutcomeAsync(PageRequest page, string returnUrl, SignInOutcome outcome, Func<string, IResult> onRefused) =>
        OutcomeAsync(new Posted(page, FormCollection.Empty, returnUrl), outcome, onRefused);

    private static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = url;
            http.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }

    private static bool NeedsEnrollment(SecondFactorRequired m) => m.Data.TryGetValue("needEnroll", out var n) && n is true;

    private static IReadOnlyCollection<string> Factors(SecondFactorRequired m) =>
        m.Data.TryGetValue("enrolledFactors", out var f) && f is IEnumerable<string> list ? list.ToList() : [];

    private static string Message(PageRequest page, GenAuthException e) => e.LocalizedMessage(page.Lang);

    private static async Task<IResult> PasswordAsync(HttpContext http, PageSetup setup, PasswordSignInService passwords, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var account = p.Get("account");
        IResult Again(string error) => Login(p.Page, p.ReturnUrl, "password", error, account: account, status: 400);
        try
        {
            return await OutcomeAsync(p, await passwords.LoginAsync(LoginMethod.Account, account, p.Get("password"), ct), Again);
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private static Task<IResult> SendCodeAsync(HttpContext http, PageSetup setup, CodeSender sender, CancellationToken ct) =>
        SendToTargetAsync(http, setup, sender, "LOGIN_VERIFY_CODE", "login", (p, target, error) => error is null
            ? Login(p.Page, p.ReturnUrl, "code", target: target, codeSent: true)
            : Login(p.Page, p.ReturnUrl, "code", error, target: target, status: 400), ct);

    /// <summary>
    /// The code tab's and the forgot page's first step (one handler): a code to the email or phone typed, in the scene
    /// of the page; answer renders the page again, with the error when the send was refused.
    /// </summary>
    private static async Task<IResult> SendToTargetAsync(HttpContext http, PageSetup setup, CodeSender sender, string emailScene,
        string smsScene, Func<Posted, string, string?, IResult> answer, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var target = p.Get("target").Trim();
        try
        {
            if (target.Contains('@'))
                await sender.SendEmailAsync(target, emailScene, ct);
            else
                await sender.SendSmsCodeAsync(target, null, smsScene, ct);
            return answer(p, target, null);
        }
        catch (GenAuthException e)
        {
            return answer(p, target, Message(p.Page, e));
        }
    }

    private static async Task<IResult> CodeAsync(HttpContext http, PageSetup setup, CodeLoginService codes, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var target = p.Get("target").Trim();
        IResult Again(string error) => Login(p.Page, p.ReturnUrl, "code", error, target: target, codeSent: true, status: 400);
        try
        {
            var outcome = target.Contains('@')
                ? await codes.LoginByEmailCodeAsync(target, p.Get("code"), ct)
                : await codes.LoginByPhoneCodeAsync(target, null, p.Get("code"), ct);
            return await OutcomeAsync(p, outcome, Again);
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private const string QrCookie = "ga_qr";
    private const string QrPurpose = "GenAuth.Pages.QrRandom.v1";

    /// <summary>
    /// The hosted QR tab's code: generated like gene, and remembered in this browser (a protected HttpOnly cookie), so
    /// only the browser that showed the code can redeem it, not whoever else read the random off the screen.
    /// </summary>
    private static async Task<IResult> QrGeneAsync(HttpContext http, PageSetup setup, GenAuth.Core.QrLogin.QrLoginService qr,
        IDataProtectionProvider protection, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        try
        {
            var code = await qr.GenerateAsync(null, null, ct);
            http.Response.Cookies.Append(QrCookie, protection.CreateProtector(QrPurpose).Protect(p.Page.Pool.Id + "\n" + code.Random),
                new CookieOptions { HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = "/login", IsEssential = true });
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { code = 200, data = new { random = code.Random, expiresIn = code.ExpiresIn,
                url = GenAuth.Core.QrLogin.QrLoginService.ImagePath(code.Random) } });
        }
        catch (GenAuthException e)
        {
            return Results.Json(new { code = e.Code, message = Message(p.Page, e) });
        }
    }

    private static bool GeneratedHere(HttpContext http, IDataProtectionProvider protection, string poolId, string random)
    {
        if (!http.Request.Cookies.TryGetValue(QrCookie, out var value) || string.IsNullOrEmpty(value) || random.Length == 0)
            return false;
        try
        {
            return protection.CreateProtector(QrPurpose).Unprotect(value) == poolId + "\n" + random;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The QR tab's last step: the browser that generated the code redeems it once the phone confirmed.</summary>
    private static async Task<IResult> QrAsync(HttpContext http, PageSetup setup, QrSignInService qr, IDataProtectionProvider protection,
        CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        IResult Again(string error) => Login(p.Page, p.ReturnUrl, "qr", error, status: 400);
        var random = p.Get("random");
        if (!GeneratedHere(http, protection, p.Page.Pool.Id, random))
            return Again(ErrorCodes.QrTicketInvalid.Message(p.Page.Lang));
        try
        {
            var outcome = await qr.RedeemConfirmedAsync(random, ct);
            if (outcome is null)
                return Again(ErrorCodes.QrTicketInvalid.Message(p.Page.Lang));
            http.Response.Cookies.Delete(QrCookie, new CookieOptions { Path = "/login" });
            return await OutcomeAsync(p, outcome, Again);
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private static async Task<IResult> MfaAsync(HttpContext http, PageSetup setup, MfaLoginService mfa, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var token = p.Get("mfa_token");
        var factor = p.Get("factor");
        IReadOnlyCollection<string> factors = [];
        try
        {
            factors = (await mfa.ListFactorsForMfaTokenAsync(token, ct)).Select(f => f.FactorType).ToList();
        }
        catch (GenAuthException e)
        {
            return Login(p.Page, p.ReturnUrl, "password", Message(p.Page, e), status: 400);
        }
        IResult Again(string error) => Mfa(p.Page, p.ReturnUrl, token, factors, error, factor, status: 400);
        try
        {
            var code = p.Get("code").Trim();
            switch (factor)
            {
                case "recovery":
                {
                    var r = await mfa.VerifyRecoveryCodeAsync(token, code, ct);
                    return await OutcomeAsync(p, r.Outcome, Again, r.RecoveryCode);
                }
                case "sms":
                    return await OutcomeAsync(p, await mfa.VerifySmsAsync(token, null, null, code, ct), Again);
                case "email":
                    return await OutcomeAsync(p, await mfa.VerifyEmailAsync(token, null, code, ct), Again);
                default:
                    return await OutcomeAsync(p, await mfa.VerifyTotpAsync(token, code, ct), Again);
            }
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private static async Task<IResult> MfaSendAsync(HttpContext http, PageSetup setup, MfaLoginService mfa, CodeSender sender,
        CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var token = p.Get("mfa_token");
        var channel = p.Get("factor") == "email" ? "email" : "sms";
        IReadOnlyList<FactorView> factors;
        try
        {
            factors = await mfa.ListFactorsForMfaTokenAsync(token, ct);
        }
        catch (GenAuthException e)
        {
            return Login(p.Page, p.ReturnUrl, "password", Message(p.Page, e), status: 400);
        }
        var types = factors.Select(f => f.FactorType).ToList();
        try
        {
            // The code goes to the factor the user enrolled, never to an address the form names.
            var factor = factors.FirstOrDefault(f => f.FactorType == (channel == "email" ? FactorTypes.Email : FactorTypes.Sms))
                         ?? throw new GenAuthException(ErrorCodes.BadRequest);
            if (channel == "email")
                await sender.SendEmailAsync(factor.Email, "MFA_VERIFY", ct);
            else
                await sender.SendSmsCodeAsync(factor.PhoneNumber, factor.PhoneCountryCode, "mfa-verify", ct);
            return Mfa(p.Page, p.ReturnUrl, token, types, chosen: channel, codeSent: true);
        }
        catch (GenAuthException e)
        {
            return Mfa(p.Page, p.ReturnUrl, token, types, Message(p.Page, e), channel, status: 400);
        }
    }

    // ---- MFA enrolment during a login (the pipeline answered needEnroll) ----

    private const string EnrollPurpose = "GenAuth.Pages.MfaEnroll.v1";
    private static readonly TimeSpan EnrollStateLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The first enrolment step: which factor to set up (TOTP; SMS/email only to the account's verified ones).</summary>
    private static async Task<IResult> EnrollChoicesAsync(Posted p, string mfaToken, string? error, int status = 200)
    {
        var page = p.Page;
        LoginEnrollmentOptions options;
        try
        {
            options = await page.Http.RequestServices.GetRequiredService<MfaLoginService>().EnrollmentOptionsAsync(mfaToken, page.Http.RequestAborted);
        }
        catch (GenAuthException e)
        {
            return Login(page, p.ReturnUrl, "password", Message(page, e), status: 400);
        }
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("enrol-title"))}</h1><p>{E(page.T("enrol-intro"))}</p>");
        sb.Append(Alert(error));
        void Choice(string factor, string label)
        {
            sb.Append($"<form id=\"mfa-enrol-{factor}\" method=\"post\" action=\"/login/mfa/enroll/start\">{page.Hidden(p.ReturnUrl)}");
            sb.Append($"<input type=\"hidden\" name=\"mfa_token\" value=\"{E(mfaToken)}\"><input type=\"hidden\" name=\"factor\" value=\"{factor}\">");
            sb.Append($"<button type=\"submit\" class=\"secondary\">{E(label)}</button></form>");
        }
        Choice("otp", page.T("enrol-otp"));
        if (options.MaskedPhone is { } phone)
            Choice("sms", string.Format(page.T("enrol-sms"), phone));
        if (options.MaskedEmail is { } email)
            Choice("email", string.Format(page.T("enrol-email"), email));
        sb.Append($"<p class=\"links\"><a href=\"{E(LoginUrl(page, p.ReturnUrl, null))}\">{E(page.T("back-to-login"))}</a></p>");
        return page.Render(page.T("enrol-title"), sb.ToString(), status);
    }

    /// <summary>
    /// The second step: the TOTP QR code (rendered here, server-side) and key, or the notice that a code went out; then
    /// the code. state carries the QR data and the recovery code to the answer (sealed, bound to the enrolment, short-lived),
    /// so a wrong code can show the same QR code again and the recovery code appears once, after the factor is proven.
    /// </summary>
    private static IResult EnrollConfirm(Posted p, string mfaToken, string factor, string enrollmentToken, string? state,
        string? error = null, int status = 200)
    {
        var page = p.Page;
        var otp = factor == "otp" ? OpenEnrollState(page.Http, enrollmentToken, state) : null;
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(page.T("enrol-title"))}</h1>");
        sb.Append(Alert(error, factor == "otp" ? null : page.T("code-sent")));
        if (otp is not null)
        {
            sb.Append($"<p>{E(page.T("mfa-scan"))}</p>");
            sb.Append($"<img class=\"mfa-qr\" id=\"mfa-qr\" src=\"{E(GenAuth.Core.Mfa.TotpCodes.QrDataUrl(otp.Value.Uri))}\" alt=\"{E(page.T("mfa-qr-alt"))}\">");
            sb.Append($"<p>{E(page.T("mfa-secret"))} <code id=\"mfa-secret\">{E(otp.Value.Secret)}</code></p>");
        }
        sb.Append($"<form id=\"mfa-enroll\" method=\"post\" action=\"/login/mfa/enroll\">{page.Hidden(p.ReturnUrl)}");
        sb.Append($"<input type=\"hidden\" name=\"mfa_token\" value=\"{E(mfaToken)}\"><input type=\"hidden\" name=\"factor\" value=\"{E(factor)}\">");
        sb.Append($"<input type=\"hidden\" name=\"enrollment_token\" value=\"{E(enrollmentToken)}\"><input type=\"hidden\" name=\"state\" value=\"{E(state)}\">");
        sb.Append(page.Field("code", "mfa-code", "text", null, "one-time-code", extra: " inputmode=\"numeric\" maxlength=\"12\" autofocus"));
        sb.Append($"<button type=\"submit\">{E(page.T("mfa-confirm"))}</button></form>");
        // Another way: back to the choices (the pending enrolment is replaced by the next request).
        sb.Append($"<form id=\"mfa-enrol-back\" method=\"post\" action=\"/login/mfa/enroll/start\">{page.Hidden(p.ReturnUrl)}");
        sb.Append($"<input type=\"hidden\" name=\"mfa_token\" value=\"{E(mfaToken)}\">");
        sb.Append($"<button type=\"submit\" class=\"secondary\">{E(page.T("enrol-other"))}</button></form>");
        return page.Render(page.T("enrol-title"), sb.ToString(), status);
    }

    private static string SealEnrollState(HttpContext http, string enrollmentToken, OtpData otp) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(EnrollPurpose).ToTimeLimitedDataProtector()
            .Protect(string.Join('\n', enrollmentToken, otp.QrCodeUri, otp.Secret, otp.RecoveryCode), EnrollStateLifetime);

    /// <summary>The sealed state of this enrolment, or null (tampered, expired, or another enrolment's).</summary>
    private static (string Uri, string Secret, string RecoveryCode)? OpenEnrollState(HttpContext http, string enrollmentToken, string? state)
    {
        if (string.IsNullOrEmpty(state))
            return null;
        try
        {
            var parts = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(EnrollPurpose)
                .ToTimeLimitedDataProtector().Unprotect(state).Split('\n');
            return parts.Length == 4 && parts[0] == enrollmentToken ? (parts[1], parts[2], parts[3]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static string? FactorType(string factor) => factor switch
    {
        "otp" => FactorTypes.Otp,
        "sms" => FactorTypes.Sms,
        "email" => FactorTypes.Email,
        _ => null,
    };

    /// <summary>Starts enrolling the chosen factor with the login's mfaToken (no factor: the choices again).</summary>
    private static async Task<IResult> EnrollStartAsync(HttpContext http, PageSetup setup, MfaLoginService mfa, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var token = p.Get("mfa_token");
        var factor = p.Get("factor");
        if (FactorType(factor) is not { } type)
            return await EnrollChoicesAsync(p, token, null);
        try
        {
            var request = await mfa.SendEnrollFactorRequestToAccountAsync(token, type, ct);
            var state = request.OtpData is { } otp ? SealEnrollState(http, request.EnrollmentToken, otp) : null;
            return EnrollConfirm(p, token, factor, request.EnrollmentToken, state);
        }
        catch (GenAuthException e) when (e.Code == ErrorCodes.MfaTokenInvalid.Code || e.Code == ErrorCodes.MfaEnrollNotAllowed.Code)
        {
            return Login(p.Page, p.ReturnUrl, "password", Message(p.Page, e), status: 400);
        }
        catch (GenAuthException e)
        {
            return await EnrollChoicesAsync(p, token, Message(p.Page, e), 400);
        }
    }

    /// <summary>Proves and saves the factor and, in the same step, completes the sign-in (the pipeline's single-use claim).</summary>
    private static async Task<IResult> EnrollAsync(HttpContext http, PageSetup setup, MfaLoginService mfa, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var token = p.Get("mfa_token");
        var factor = p.Get("factor");
        var enrollmentToken = p.Get("enrollment_token");
        var state = p.Get("state");
        IResult Again(string error) => EnrollConfirm(p, token, factor, enrollmentToken, state, error, 400);
        try
        {
            var enrolled = await mfa.EnrollFactorAsync(token, enrollmentToken, p.Get("code").Trim(),
                FactorType(factor) ?? throw new GenAuthException(ErrorCodes.FactorNotSupported, detail: factor), ct);
            var recovery = factor == "otp" ? OpenEnrollState(http, enrollmentToken, state)?.RecoveryCode : null;
            return await OutcomeAsync(p, enrolled.Outcome, Again, recovery, "enrol-recovery");
        }
        catch (GenAuthException e) when (e.Code == ErrorCodes.MfaTokenInvalid.Code || e.Code == ErrorCodes.MfaEnrollNotAllowed.Code)
        {
            // The login is spent, dead after too many wrong codes, or expired: start again from the password.
            return Login(p.Page, p.ReturnUrl, "password", Message(p.Page, e), status: 400);
        }
        catch (GenAuthException e) when (e.Code == ErrorCodes.EnrollmentTokenInvalid.Code)
        {
            return await EnrollChoicesAsync(p, token, Message(p.Page, e), 400);
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private static async Task<IResult> ResetAsync(HttpContext http, PageSetup setup, PasswordResetService resets, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var reset = new ResetRequired(p.Get("first") == "1", p.Get("reset_token"));
        try
        {
            if (reset.FirstLogin)
                await resets.ResetByFirstLoginTokenAsync(reset.Token, p.Get("password"), ct);
            else
                await resets.ResetByForceResetTokenAsync(reset.Token, p.Get("old_password"), p.Get("password"), ct);
            return Login(p.Page, p.ReturnUrl, "password", notice: p.Page.T("reset-done"));
        }
        catch (GenAuthException e)
        {
            return Reset(p.Page, p.ReturnUrl, reset, Message(p.Page, e), 400);
        }
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, PageSetup setup, PasswordSignInService passwords,
        AgreementService agreements, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var email = p.Get("email").Trim();
        // Ticked boxes: numbers only (anything else is not an agreement of this page), at most one per agreement an app may have.
        var ticked = p.Form["agreement"].Take(AgreementService.MaxPerApp)
            .Select(v => long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0).ToHashSet();
        var shown = await agreements.ShownAsync(p.Page.App.Id, p.Page.Lang, ct);
        IResult Again(string error) => Register(p.Page, p.ReturnUrl, shown, error, email, 400, ticked);
        try
        {
            // A required agreement left unticked refuses the registration (2591) before anything is written or counted.
            var accepted = await agreements.RequireAcceptedAsync(p.Page.App.Id, p.Page.Lang, ticked, ct);
            var registered = await passwords.RegisterByEmailAsync(email, p.Get("password"), null, issueToken: true, ct,
                user => agreements.Stage(user, accepted));
            return registered.SignIn is { } outcome
                ? await OutcomeAsync(p, outcome, Again)
                : Login(p.Page, p.ReturnUrl, "password", account: email);
        }
        catch (GenAuthException e)
        {
            return Again(Message(p.Page, e));
        }
    }

    private static Task<IResult> ForgotSendAsync(HttpContext http, PageSetup setup, CodeSender sender, CancellationToken ct) =>
        SendToTargetAsync(http, setup, sender, "RESET_PASSWORD", "reset", (p, target, error) => error is null
            ? Forgot(p.Page, p.ReturnUrl, target: target, codeSent: true)
            : Forgot(p.Page, p.ReturnUrl, error, target, status: 400), ct);

    private static async Task<IResult> ForgotAsync(HttpContext http, PageSetup setup, PasswordResetService resets, CancellationToken ct)
    {
        var (p, stop) = await ReadAsync(http, setup, ct);
        if (p is null)
            return stop!;
        var target = p.Get("target").Trim();
        try
        {
            if (target.Contains('@'))
                await resets.ResetByCodeAsync(null, null, target, p.Get("code"), p.Get("password"), ct);
            else
                await resets.ResetByCodeAsync(target, null, null, p.Get("code"), p.Get("password"), ct);
            return Login(p.Page, p.ReturnUrl, "password", notice: p.Page.T("reset-done"), account: target);
        }
        catch (GenAuthException e)
        {
            return Forgot(p.Page, p.ReturnUrl, Message(p.Page, e), target, codeSent: true, status: 400);
        }
    }
}
