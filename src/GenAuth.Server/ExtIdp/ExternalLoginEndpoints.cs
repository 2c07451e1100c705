using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.SignIn;
using GenAuth.Core.Tokens;
using GenAuth.Server.Compat;
using GenAuth.Server.Pages;
using GenAuth.Server.Sso;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using static GenAuth.Server.Pages.PageRequest;

namespace GenAuth.Server.ExtIdp;

/// <summary>
/// Sign-in through an external identity source. GET /connections/social/{identifier} (the SDK's social.authorize) and
/// /connections/oidc/{identifier} start the flow: the state, PKCE verifier and nonce go into a sealed cookie bound to
/// this browser, then 302 to the provider. The provider returns to /connections/{oidc|social}/{identifier}/callback
/// (oidc for OIDC connections, social for OAuth 2.0 ones: register that URL at the provider); the callback checks the
/// state against the cookie and spends it, exchanges the code, validates the id token, and hands the profile to
/// ExternalSignInService (the one pipeline). The answer depends on how the flow started:
/// hosted (a return_url, or a plain link): the SSO cookie and 303 to the return_url, or the MFA page;
/// popup (the SDK's from_guard=1 without return_url): a page that posts GenAuth's socialLogin message to the opener;
/// redirect (redirect_url registered for the app): 302 there with code, message and data (the user) in the query.
/// Every failure is a page in the user's language (or the same message to the opener / redirect_url) and writes nothing.
/// </summary>
public static class ExternalLoginEndpoints
{
    private const string PopupScript = """
        (function () {
          var main = document.getElementById('main');
          var message = JSON.parse(main.getAttribute('data-message'));
          var origins = JSON.parse(main.getAttribute('data-origins'));
          if (!window.opener) return;
          origins.forEach(function (origin) { try { window.opener.postMessage(message, origin); } catch (e) { } });
          setTimeout(function () { window.close(); }, 300);
        })();
        """;

    private static readonly Dictionary<string, (string En, string Zh)> Texts = new()
    {
        ["title"] = ("Sign in with an identity provider", "第三方身份源登录"),
        ["done"] = ("Signed in. You can close this window.", "登录成功，可以关闭此窗口。"),
        ["failed"] = ("The sign-in did not complete. You can close this window.", "登录未完成，可以关闭此窗口。"),
    };

    public static IServiceCollection AddGenAuthExternalLogin(this IServiceCollection services)
    {
        services.AddHttpClient(ProviderClient.HttpClientName, c => c.Timeout = ProviderClient.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddSingleton<ProviderClient>();
        services.AddSingleton<FlowCookie>();
        services.AddSingleton<UsedStates>();
        services.AddSingleton<LinkTickets>();
        return services;
    }

    public static IEndpointRouteBuilder MapGenAuthExternalLogin(this IEndpointRouteBuilder app)
    {
        LoginPages.IdentitySourceButtons = Buttons;
        AccountPages.StartLink = StartLinkAsync;
        app.MapGet("/connections/social/{identifier}", StartAsync);
        app.MapGet("/connections/oidc/{identifier}", StartAsync);
        // The SDK's enterprise.authorize popup (EnterpriseEndpoints' public-config points here; the app is client_id).
        app.MapGet("/connections/social/{identifier}/enterprise", StartAsync);
        app.MapGet("/connections/oidc/{identifier}/enterprise", StartAsync);
        app.MapGet("/connections/social/{identifier}/callback", CallbackAsync);
        app.MapGet("/connections/oidc/{identifier}/callback", CallbackAsync);
        // response_mode=form_post (Apple): the same callback as a POST from the provider's page.
        app.MapPost("/connections/social/{identifier}/callback", CallbackAsync).DisableAntiforgery();
        app.MapPost("/connections/oidc/{identifier}/callback", CallbackAsync).DisableAntiforgery();
        app.MapGet("/api/v3/generate-link-extidp-url", GenerateLinkUrlAsync);
        app.MapGet("/connections/_popup.js", (HttpResponse response) =>
        {
            response.Headers.CacheControl = "no-cache";
            response.Headers.XContentTypeOptions = "nosniff";
            return Results.Text(PopupScript, "text/javascript; charset=utf-8");
        });
        return app;
    }

    /// <summary>
    /// One link per connection that can sign in and is switched on for this page's app (and tenant), to its start URL
    /// (with this page's app, tenant and return_url).
    /// </summary>
    private static string Buttons(PageRequest page, string returnUrl)
    {
        var conns = page.Db.ExtIdpConns.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.CreatedAt).Take(50).ToList()
            .Where(c => ConnTypes.CanSignIn(c.Type)).ToList();
        if (conns.Count == 0)
            return "";
        // Note: the page hook is synchronous (the page is a string built in one go); this is one small indexed query.
        var off = ConnAppStates.DisabledAsync(page.Db, conns.Select(c => c.Id).ToList(), page.App, page.Caller.TenantId, CancellationToken.None)
            .GetAwaiter().GetResult();
        conns = conns.Where(c => !off.Contains(c.Id)).Take(20).ToList();
        if (conns.Count == 0)
            return "";
        var tenantId = ConnAppStates.TenantFor(page.App, page.Caller.TenantId) is { Length: > 0 } t ? t : null;
        var sb = new System.Text.StringBuilder();
        sb.Append($"<nav class=\"identity-sources\" aria-label=\"{E(T(page, "title"))}\"><ul>");
        foreach (var c in conns)
        {
            var href = QueryHelpers.AddQueryString($"/connections/social/{Uri.EscapeDataString(c.Identifier)}",
                new Dictionary<string, string?> { ["app_id"] = page.App.Id, ["tenant_id"] = tenantId, ["return_url"] = returnUrl }
                    .Where(p => p.Value is not null));
            sb.Append($"<li><a class=\"button secondary\" id=\"extidp-{E(c.Identifier)}\" href=\"{E(href)}\">{E(c.DisplayName)}</a></li>");
        }
        sb.Append("</ul></nav>");
        return sb.ToString();
    }

    /// <summary>
    /// The personal center's link button: a ticket for the signed-in user (bound to this browser by the link cookie and
    /// its SSO session) and the connection's start URL in link mode, back to the center when done.
    /// </summary>
    private static async Task<string> StartLinkAsync(PageRequest page, string userId, string identifier, CancellationToken ct)
    {
        var services = page.Http.RequestServices;
        var conn = await services.GetRequiredService<ExtIdpService>().FindEnabledAsync(identifier, ct);
        if (conn is null || !ConnTypes.CanSignIn(conn.Type))
            throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        if ((await ConnAppStates.OtherTenantsAsync(page.Db, [conn.Id], page.App, page.Caller.TenantId, ct)).Count > 0)
            throw new GenAuthException(ErrorCodes.ExtIdpConnOtherTenant);
        if (!await ConnAppStates.IsEnabledForAsync(page.Db, conn, page.App, page.Caller.TenantId, ct))
            throw new GenAuthException(ErrorCodes.ExtIdpConnDisabledForApp);
        var (ticket, binder) = services.GetRequiredService<LinkTickets>().Issue(page.Pool.Id, userId, conn.Identifier);
        LinkTickets.WriteBinder(page.Http, page.Pool.Id, binder);
        return QueryHelpers.AddQueryString($"/connections/{(conn.Type == ConnTypes.Oidc ? "oidc" : "social")}/{Uri.EscapeDataString(conn.Identifier)}",
            new Dictionary<string, string?> { ["link_ticket"] = ticket, ["app_id"] = page.App.Id, ["return_url"] = page.CenterUrl });
    }

    /// <summary>The redirect_uri registered at the provider for this connection.</summary>
    public static string CallbackUri(IssuerProvider issuer, ExtIdpConn conn) =>
        $"{issuer.BaseUrl}/connections/{(conn.Type == ConnTypes.Oidc ? "oidc" : "social")}/{Uri.EscapeDataString(conn.Identifier)}/callback";

    /// <summary>
    /// The SDK's generateLinkExtIdpUrl: for the user of id_token, a URL that starts the connection's flow in link mode
    /// (the provider's account joins this user instead of signing in). The URL holds a sealed single-use ticket, not the
    /// token; it lives <see cref="LinkTickets.Lifetime"/>.
    /// </summary>
    private static Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RestEnvelope>> GenerateLinkUrlAsync(HttpContext http,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "ext_idp_conn_identifier")] string? identifier,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "id_token")] string? idToken,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "app_id")] string? appId,
        IdentityLinkService links, ExtIdpService extIdps, LinkTickets tickets, IssuerProvider issuer, CancellationToken ct) =>
        Rest.RunAsync(http, async caller =>
        {
            var pool = caller.RequirePool();
            var userId = await links.UserOfTokenAsync(idToken, ct);
            var conn = identifier is { Length: > 0 and <= 64 } ? await extIdps.FindEnabledAsync(identifier, ct) : null;
            if (conn is null || !ConnTypes.CanSignIn(conn.Type))
                throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
            var (ticket, binder) = tickets.Issue(pool.Id, userId, conn.Identifier);
            LinkTickets.WriteBinder(http, pool.Id, binder);
            var query = new Dictionary<string, string?> { ["link_ticket"] = ticket };
            if (!string.IsNullOrEmpty(appId ?? caller.App?.Id))
                query["app_id"] = appId ?? caller.App?.Id;
            return QueryHelpers.AddQueryString(
                $"{issuer.BaseUrl}/connections/{(conn.Type == ConnTypes.Oidc ? "oidc" : "social")}/{Uri.EscapeDataString(conn.Identifier)}", query);
        });

    /// <summary>
    /// The link ticket's browser: the one holding the binder the generate call set, or one signed in (SSO cookie, live
    /// session) as the ticket's user — the personal center's own links.
    /// </summary>
    private static async Task<bool> IsBoundAsync(HttpContext http, LinkTicket ticket, SsoCookie sso, GenAuthDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        if (LinkTickets.HoldsBinder(http, ticket))
            return true;
        if (sso.Read(http, ticket.PoolId) is not { } signedIn)
            return false;
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Sessions.IgnoreQueryFilters().AsNoTracking().AnyAsync(x => x.Id == signedIn.SessionId
            && x.UserPoolId == ticket.PoolId && x.UserId == ticket.UserId && x.RevokedAt == null && x.ExpiresAt > now, ct);
    }

    private static async Task<IResult> StartAsync(HttpContext http, string identifier, PageSetup setup, ExtIdpService extIdps,
        ProviderClient providers, FlowCookie flows, IssuerProvider issuer, LinkTickets tickets, TimeProvider clock, SsoCookie sso,
        GenAuthDbContext db, CancellationToken ct)
    {
        var enterprise = http.Request.Path.Value?.EndsWith("/enterprise", StringComparison.Ordinal) == true;
        var page = await setup.OpenAsync(http, enterprise ? http.Request.Query["client_id"] : http.Request.Query["app_id"], ct);
        if (page is null)
            return PageSetup.UnknownApp(http);
        var returnUrl = page.SafeReturnUrl(http.Request.Query["return_url"]);
        var conn = identifier.Length <= 64 ? await extIdps.FindEnabledAsync(identifier, ct) : null;
        if (conn is null)
            return Error(page, ErrorCodes.ExtIdpConnNotFound, StatusCodes.Status404NotFound, returnUrl);
        if (!ConnTypes.CanSignIn(conn.Type))
            return Error(page, ErrorCodes.ExtIdpTypeUnsupported, StatusCodes.Status400BadRequest, returnUrl);
        // A tenant's connection starts only under that tenant (2626); pool-level ones everywhere.
        if ((await ConnAppStates.OtherTenantsAsync(db, [conn.Id], page.App, page.Caller.TenantId, ct)).Count > 0)
            return Error(page, ErrorCodes.ExtIdpConnOtherTenant, StatusCodes.Status403Forbidden, returnUrl);
        // A connection switched off for this app (or its tenant) starts nothing, whoever links to it (2625).
        if (!await ConnAppStates.IsEnabledForAsync(db, conn, page.App, page.Caller.TenantId, ct))
            return Error(page, ErrorCodes.ExtIdpConnDisabledForApp, StatusCodes.Status403Forbidden, returnUrl);
        var redirectUrl = http.Request.Query["redirect_url"].ToString();
        string mode;
        if (redirectUrl.Length > 0)
        {
            // Note: the user (with a token) goes only to a callback registered for the app, never to any URL a link names.
            if (!QrLogin.QrLoginPage.IsRegistered(page.App, redirectUrl))
                return Error(page, ErrorCodes.BadRequest, StatusCodes.Status400BadRequest, returnUrl);
            mode = "redirect";
        }
        else if (enterprise)
            mode = "enterprise"; // a popup like from_guard=1, answering the SDK's "enterpriseLogin" message
        else
            mode = http.Request.Query["from_guard"] == "1" && !http.Request.Query.ContainsKey("return_url") ? "popup" : "hosted";
        string? linkUserId = null;
        if (http.Request.Query.ContainsKey("link_ticket"))
        {
            var ticket = tickets.Open(http.Request.Query["link_ticket"], page.Pool.Id, conn.Identifier);
            // Note: checked before it is spent, so a leaked URL tried in another browser doesn't burn the owner's.
            if (ticket is null || !await IsBoundAsync(http, ticket, sso, db, clock, ct) || !await tickets.TrySpendAsync(ticket, ct))
                return Error(page, ErrorCodes.ExtStateInvalid, StatusCodes.Status400BadRequest, returnUrl);
            linkUserId = ticket.UserId;
            http.Response.Cookies.Delete(LinkTickets.CookieName(page.Pool.Id), new CookieOptions { Path = "/" });
        }
        var secrets = ConnTypes.IsOwnProtocol(conn.Type) ? FlowSecrets.NewAlphanumeric() : FlowSecrets.New();
        string authorizeUrl;
        try
        {
            authorizeUrl = await providers.AuthorizeUrlAsync(conn, extIdps.AllFields(conn), CallbackUri(issuer, conn), secrets, ct);
        }
        catch (GenAuthException e)
        {
            return Error(page, e.Error, StatusCodes.Status502BadGateway, returnUrl);
        }
        flows.Write(http, new Flow(page.Pool.Id, page.App.Id, conn.Id, conn.Identifier, secrets.State, secrets.Verifier, secrets.Nonce, mode,
            returnUrl, mode == "redirect" ? redirectUrl : null, clock.GetUtcNow().Add(FlowCookie.Lifetime).ToUnixTimeSeconds(), linkUserId,
            ConnAppStates.TenantFor(page.App, page.Caller.TenantId) is { Length: > 0 } tenantId ? tenantId : null),
            postedBack: ProviderClient.UsesFormPost(extIdps.AllFields(conn)));
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Redirect(authorizeUrl);
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, string identifier, PageSetup setup, ExtIdpService extIdps,
        ProviderClient providers, FlowCookie flows, UsedStates used, IssuerProvider issuer, ExternalSignInService external,
        IdentityLinkService links, CancellationToken ct)
    {
        // Note: a form_post callback carries its parameters in the body (a small form: 64 KB at most), else the query.
        IFormCollection? posted = null;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!http.Request.HasFormContentType || http.Request.ContentLength is null or > 64 * 1024)
                return Results.BadRequest();
            posted = await http.Request.ReadFormAsync(ct);
        }
        string Param(string name) => posted is not null ? posted[name].ToString() : http.Request.Query[name].ToString();
        var state = Param("state");
        var flow = flows.Read(http, state);
        if (flow is not null)
            flows.Clear(http, state);
        if (flow is null || flow.Identifier != identifier || !await used.TryUseAsync(flow.State, flow.ExpiresAt, ct))
        {
            // Unknown to this browser, expired, for another connection or already spent: nothing is exchanged.
            var any = await setup.OpenAsync(http, flow?.AppId, ct);
            return any is null ? PageSetup.UnknownApp(http) : Error(any, ErrorCodes.ExtStateInvalid, StatusCodes.Status400BadRequest, null);
        }
        var page = await setup.OpenAsync(http, flow.AppId, ct);
        if (page is null || page.Pool.Id != flow.PoolId)
            return PageSetup.UnknownApp(http);
        // The tenant the flow started under (sealed in the cookie), never one the callback's query names.
        page.Caller.TenantId = flow.TenantId;
        try
        {
            if (Param("error").Length > 0)
                throw new GenAuthException(ErrorCodes.ExtProviderError);
            var conn = await extIdps.FindEnabledAsync(identifier, ct);
            if (conn is null || conn.Id != flow.ConnId)
                throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
            // DingTalk's login returns the code as authCode; every other provider as code.
            if ((conn.Type == ConnTypes.DingTalk && Param("code").Length == 0 ? Param("authCode") : Param("code")) is not { Length: > 0 and <= 2048 } code)
                throw new GenAuthException(ErrorCodes.ExtProviderError);
            // Checked again: the admin may have switched it off for the app, or the tenant dropped the app, meanwhile.
            if ((await ConnAppStates.OtherTenantsAsync(page.Db, [conn.Id], page.App, flow.TenantId, ct)).Count > 0)
                throw new GenAuthException(ErrorCodes.ExtIdpConnOtherTenant);
            if (!await ConnAppStates.IsEnabledForAsync(page.Db, conn, page.App, flow.TenantId, ct))
                throw new GenAuthException(ErrorCodes.ExtIdpConnDisabledForApp);
            var profile = await providers.CompleteAsync(conn, extIdps.AllFields(conn), CallbackUri(issuer, conn), flow.Secrets, code, ct);
            // Apple posts the user's name (and email) only on the first authorization, beside the code: untrusted input.
            if (conn.Type == ConnTypes.Apple && posted is not null)
                profile = AppleUserField.Apply(profile, posted["user"].Count == 1 ? posted["user"].ToString() : null);
            if (flow.LinkUserId is { } linkUserId)
            {
                // Link mode: the provider's account joins the user who asked for the link URL; nobody signs in.
                await links.LinkFromFlowAsync(linkUserId, conn, profile.Subject,
                    profile.RawJson.Length > ExternalSignInService.MaxProfileJson ? "{}" : profile.RawJson, ct);
                if (flow.Mode == "hosted")
                    return Results.Redirect(flow.ReturnUrl);
                return Deliver(page, flow, 200, "ok", new { linked = true, identifier = conn.Identifier });
            }
            var outcome = await external.SignInAsync(conn, profile, ct);
            return await AnswerAsync(page, flow, outcome);
        }
        catch (GenAuthException e)
        {
            return Failed(page, flow, e.Error, e.Payload);
        }
    }

    private static async Task<IResult> AnswerAsync(PageRequest page, Flow flow, SignInOutcome outcome)
    {
        switch (flow.Mode)
        {
            case "hosted":
                return await LoginPages.ExternalOutcomeAsync(page, flow.ReturnUrl, outcome,
                    message => ErrorPage(page, message, StatusCodes.Status403Forbidden, flow.ReturnUrl));
            default:
                switch (outcome)
                {
                    case SignedIn s:
                        page.Http.RequestServices.GetRequiredService<SsoCookie>().Write(page.Http, page.Pool.Id, s.SessionId,
                            page.Http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
                        return Deliver(page, flow, 200, "ok", UserJson.From(s.User));
                    case SecondFactorRequired m:
                        return Deliver(page, flow, ErrorCodes.MfaRequired.Code, ErrorCodes.MfaRequired.Message(page.Lang), m.Data);
                    case Refused f:
                        return Failed(page, flow, f.Error, f.Data);
                    default:
                        return Failed(page, flow, ErrorCodes.Internal, null);
                }
        }
    }

    private static IResult Failed(PageRequest page, Flow flow, ErrorCode error, object? data) => flow.Mode switch
    {
        "hosted" => Error(page, error, StatusCodes.Status400BadRequest, flow.ReturnUrl),
        _ => Deliver(page, flow, error.Code, error.Message(page.Lang), data),
    };

    /// <summary>The SDK's answer: postMessage to the opener (popup) or the registered redirect_url's query (redirect).</summary>
    private static IResult Deliver(PageRequest page, Flow flow, int code, string message, object? data)
    {
        var json = JsonSerializer.Serialize(data, RestBody.Options);
        if (flow.Mode == "redirect" && flow.RedirectUrl is { } url)
        {
            page.Http.Response.Headers.CacheControl = "no-store";
            page.Http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Results.Redirect(QueryHelpers.AddQueryString(url, new Dictionary<string, string?>
            {
                ["code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message"] = message, ["data"] = json,
            }));
        }
        var payload = new Dictionary<string, object?>
        {
            ["code"] = code, ["message"] = message, ["data"] = data, ["event"] = new { source = "authing", eventType = flow.Mode == "enterprise" ? "enterpriseLogin" : "socialLogin" },
        };
        var origins = RedirectOrigins(page.App).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(o => o.StartsWith("http", StringComparison.Ordinal)).ToList();
        var body = $"<h1>{E(T(page, "title"))}</h1>" +
                   (code == 200 ? Alert(null, T(page, "done")) : Alert(message) + $"<p>{E(T(page, "failed"))}</p>");
        var attributes = $" data-message=\"{E(JsonSerializer.Serialize(payload, RestBody.Options))}\" data-origins=\"{E(JsonSerializer.Serialize(origins))}\"";
        return page.Render(T(page, "title"), body, code == 200 ? 200 : 400, "/connections/_popup.js", attributes);
    }

    private static IResult Error(PageRequest page, ErrorCode error, int status, string? returnUrl) =>
        ErrorPage(page, error.Message(page.Lang), status, returnUrl);

    private static IResult ErrorPage(PageRequest page, string message, int status, string? returnUrl)
    {
        var login = QueryHelpers.AddQueryString("/login", new Dictionary<string, string?>
        {
            ["app_id"] = page.App.Id, ["return_url"] = returnUrl ?? page.CenterUrl,
        });
        var body = $"<h1>{E(T(page, "title"))}</h1>{Alert(message)}" +
                   $"<p class=\"links\"><a id=\"back-to-login\" href=\"{E(login)}\">{E(page.T("back-to-login"))}</a></p>";
        return page.Render(T(page, "title"), body, status);
    }

    private static string T(PageRequest page, string key) => page.English ? Texts[key].En : Texts[key].Zh;
}
