using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using GenAuth.Core.Applications;
using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.SignIn;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using GenAuth.Server.Callers;
using GenAuth.Server.Compat;
using GenAuth.Server.Oidc;
using GenAuth.Server.Sso;
using Microsoft.EntityFrameworkCore;
using GenAuthApplication = GenAuth.Core.Pools.Application;

namespace GenAuth.Server.Cas;

/// <summary>
/// GenAuth's CAS identity provider, one per app (the SDK's buildAuthorizeUrl/validateTicketV1/validateTicketV2 with
/// protocol "cas", and trackSession): /cas-idp/{appId} signs the browser in through the hosted login page and its SSO
/// session (the one OIDC uses) and returns to the service with a service ticket; /validate (CAS 1.0),
/// /serviceValidate (CAS 2.0) and /p3/serviceValidate (CAS 3.0, attributes) redeem it; /cas-idp/logout ends the SSO
/// session; /cas/session answers the browser's SSO session.
/// </summary>
public static class CasEndpoints
{
    private const string CasNamespace = "http://www.yale.edu/tp/cas";
    private const string AuthAfterParameter = "ga_auth_after";

    /// <summary>The OIDC scopes whose claims a successful validation releases as CAS attributes.</summary>
    private static readonly string[] AttributeScopes = ["openid", "profile", "email", "phone", "address"];

    public static IServiceCollection AddGenAuthCas(this IServiceCollection services)
    {
        services.AddOptions<CasOptions>().BindConfiguration(CasOptions.Section)
            .Validate(o => o.TicketLifetimeSeconds is >= 10 and <= 300, "GenAuth:Cas:TicketLifetimeSeconds must be between 10 and 300 (CAS spec).")
            .ValidateOnStart();
        services.AddSingleton<CasTickets>();
        return services;
    }

    public static IEndpointRouteBuilder MapGenAuthCas(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cas-idp/logout", LogoutAsync);
        app.MapGet("/cas-idp/{appId}", LoginAsync);
        app.MapGet("/cas-idp/{appId}/login", LoginAsync);
        app.MapGet("/cas-idp/{appId}/validate", static (HttpContext http, string appId, string? ticket, string? service, CancellationToken ct) =>
            ValidateAsync(http, appId, ticket, service, CasVersion.V1, null, ct));
        app.MapGet("/cas-idp/{appId}/serviceValidate", static (HttpContext http, string appId, string? ticket, string? service, string? format,
            CancellationToken ct) => ValidateAsync(http, appId, ticket, service, CasVersion.V2, format, ct));
        app.MapGet("/cas-idp/{appId}/p3/serviceValidate", static (HttpContext http, string appId, string? ticket, string? service, string? format,
            CancellationToken ct) => ValidateAsync(http, appId, ticket, service, CasVersion.V3, format, ct));
        app.MapGet("/cas/session", TrackSessionAsync);
        return app;
    }

    private enum CasVersion
    {
        V1,
        V2,
        V3,
    }

    // ---- /login -----------------------------------------------------------------------------------------------------

    private static async Task<IResult> LoginAsync(HttpContext http, string appId, string? service, string? renew, string? gateway,
        CancellationToken ct)
    {
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        var app = await OidcEndpoints.FindAppAsync(db, appId, ct);
        var pool = app is null ? null : await db.UserPools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == app.UserPoolId, ct);
        if (app is null || pool is null)
            return OidcEndpoints.Page(http, 400, "Sign-in request rejected", "Unknown application.");
        // Note: the ticket goes only to a service registered for the app, exactly as registered; anything else is a
        // page, never a redirect (an open redirector would hand tickets to whoever wrote the link).
        if (string.IsNullOrEmpty(service))
            return OidcEndpoints.Page(http, 400, "Sign-in request rejected", "INVALID_REQUEST: the service parameter is missing.");
        if (service.Length > 2048 || !OidcClientSettings.Lines(app.RedirectUris).Contains(service, StringComparer.Ordinal))
            return OidcEndpoints.Page(http, 400, "Sign-in request rejected", "INVALID_SERVICE: this service is not registered for the application.");

        var caller = await OidcEndpoints.ResolveCallerAsync(http, db, pool.Id, app.Id, ct);
        var ticket = s.GetRequiredService<SsoCookie>().Read(http, pool.Id);
        var ssoSignIn = s.GetRequiredService<SsoSignInService>();
        var sso = ticket is null ? null : await ssoSignIn.FindActiveAsync(pool.Id, ticket.SessionId, ct);
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow();
        long? authAfter = long.TryParse(http.Request.Query[AuthAfterParameter], out var after) ? after : null;
        var forceLogin = IsTrue(renew);
        var needLogin = sso is null || ticket is null || forceLogin
                        || (authAfter is { } min && ticket.AuthTime.ToUnixTimeSeconds() < min)
                        || (!pool.AppSsoEnabled && sso.AppId != app.Id);
        if (needLogin)
        {
            // gateway: the service only wants to know whether the browser is signed in; not signed in, it gets no ticket.
            if (IsTrue(gateway) && !forceLogin)
                return Results.Redirect(service);
            return ToLogin(app.Id, service, forceLogin ? now.ToUnixTimeSeconds() : authAfter);
        }

        switch (await ssoSignIn.SignInAsync(sso!, ct, SsoSignInService.CasMethod))
        {
            case SignedIn signedIn:
                var issued = s.GetRequiredService<CasTickets>().Issue(app.Id, signedIn.SessionId, service);
                return Results.Redirect(WithTicket(service, issued));
            case Refused refused:
                return OidcEndpoints.Page(http, 403, "Sign-in refused", refused.Error.Message(caller.Lang ?? "en-US"));
            default:
                // A second factor (or a password reset) the browser session didn't pass: one full sign-in on the login
                // page; if that still doesn't give it, a page rather than a loop.
                if (authAfter is not null)
                    return OidcEndpoints.Page(http, 403, "Sign-in refused", "The application requires a second factor.");
                return ToLogin(app.Id, service, now.ToUnixTimeSeconds());
        }
    }

    private static IResult ToLogin(string appId, string service, long? authAfter)
    {
        var resume = new StringBuilder("/cas-idp/").Append(Uri.EscapeDataString(appId)).Append("?service=").Append(Uri.EscapeDataString(service));
        if (authAfter is { } at)
            resume.Append('&').Append(AuthAfterParameter).Append('=').Append(at.ToString(CultureInfo.InvariantCulture));
        return Results.Redirect("/login?app_id=" + Uri.EscapeDataString(appId) + "&return_url=" + Uri.EscapeDataString(resume.ToString()));
    }

    private static string WithTicket(string service, string ticket)
    {
        var hash = service.IndexOf('#');
        var (head, fragment) = hash < 0 ? (service, "") : (service[..hash], service[hash..]);
        return head + (head.Contains('?') ? '&' : '?') + "ticket=" + Uri.EscapeDataString(ticket) + fragment;
    }

    private static bool IsTrue(string? value) => value is not null && (value.Length == 0 || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    // ---- validation -------------------------------------------------------------------------------------------------

    private static async Task<IResult> ValidateAsync(HttpContext http, string appId, string? ticket, string? service, CasVersion version,
        string? format, CancellationToken ct)
    {
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        http.Response.Headers.CacheControl = "no-store";
        var json = version != CasVersion.V1 && string.Equals(format, "JSON", StringComparison.OrdinalIgnoreCase);
        var app = await OidcEndpoints.FindAppAsync(db, appId, ct);
        CasTicket? redeemed = null;
        CasFailure? failure;
        if (app is null)
            failure = string.IsNullOrEmpty(ticket) || string.IsNullOrEmpty(service) ? CasFailure.InvalidRequest : CasFailure.InvalidTicket;
        else
            (redeemed, failure) = await s.GetRequiredService<CasTickets>().RedeemAsync(app.Id, ticket, service, ct);
        User? user = null;
        if (redeemed is not null)
        {
            // The app session the ticket opened must still be live and its user still allowed: a user blocked, deleted or
            // signed out since the ticket was issued gets no validation.
            var session = await db.Sessions.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(x => x.Id == redeemed.SessionId && x.AppId == app!.Id && x.UserPoolId == app.UserPoolId, ct);
            var now = s.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            user = session is null || session.RevokedAt is not null || session.ExpiresAt <= now ? null
                : await db.Users.IgnoreQueryFilters().AsNoTracking()
                    .FirstOrDefaultAsync(u => u.Id == session.UserId && u.UserPoolId == app!.UserPoolId && !u.IsDeleted && !u.Blocked, ct);
            if (user is null)
                failure = CasFailure.InvalidTicket;
        }
        if (user is null)
            return Failure(version, json, failure ?? CasFailure.InvalidTicket);

        // The event log's token-issue kind, as the OIDC code exchange records it (grant "cas").
        var audit = s.GetRequiredService<AuditTrail>();
        audit.RecordInPool(app!.UserPoolId, app.Id, AuditEventTypes.IssueToken, AuditActors.User, user.Id, user.Id,
            new { grant = "cas", clientId = app.Id, version = version.ToString().ToLowerInvariant() },
            ip: http.Connection.RemoteIpAddress?.ToString(), userAgent: http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
        await audit.SavePendingAsync(ct);
        return version switch
        {
            CasVersion.V1 => Results.Text("yes\n" + user.Id + "\n", "text/plain; charset=utf-8"),
            _ when json => Results.Json(new { serviceResponse = new { authenticationSuccess = new { user = user.Id, attributes = Attributes(user) } } }),
            _ => Results.Text(SuccessXml(user), "application/xml; charset=utf-8"),
        };
    }

    /// <summary>The user's attributes: the OIDC claims of profile, email, phone and address, with username and external id.</summary>
    private static Dictionary<string, object?> Attributes(User user)
    {
        var attributes = OidcClaims.ForScopes(user, AttributeScopes);
        attributes["username"] = user.Username;
        attributes["external_id"] = user.ExternalId;
        attributes["unionid"] = user.Unionid;
        return attributes;
    }

    private static IResult Failure(CasVersion version, bool json, CasFailure failure)
    {
        if (version == CasVersion.V1)
            return Results.Text("no\n", "text/plain; charset=utf-8");
        var (code, description) = failure switch
        {
            CasFailure.InvalidRequest => ("INVALID_REQUEST", "Both the ticket and the service parameters are required."),
            CasFailure.InvalidService => ("INVALID_SERVICE", "The ticket was not issued for this service."),
            _ => ("INVALID_TICKET", "The ticket is not recognized, was already used or has expired."),
        };
        if (json)
            return Results.Json(new { serviceResponse = new { authenticationFailure = new { code, description } } });
        var xml = Xml(w =>
        {
            w.WriteStartElement("cas", "authenticationFailure", CasNamespace);
            w.WriteAttributeString("code", code);
            w.WriteString(description);
            w.WriteEndElement();
        });
        return Results.Text(xml, "application/xml; charset=utf-8");
    }

    private static string SuccessXml(User user) => Xml(w =>
    {
        w.WriteStartElement("cas", "authenticationSuccess", CasNamespace);
        w.WriteElementString("cas", "user", CasNamespace, user.Id);
        w.WriteStartElement("cas", "attributes", CasNamespace);
        foreach (var (name, value) in Attributes(user))
        {
            if (value is null)
                continue;
            var text = value switch
            {
                string x => x,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => JsonSerializer.Serialize(value),
            };
            w.WriteElementString("cas", name, CasNamespace, text);
        }
        w.WriteEndElement();
        w.WriteEndElement();
    });

    private static string Xml(Action<XmlWriter> body)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true }))
        {
            w.WriteStartElement("cas", "serviceResponse", CasNamespace);
            body(w);
            w.WriteEndElement();
        }
        return sb.ToString();
    }

    // ---- logout -----------------------------------------------------------------------------------------------------

    /// <summary>
    /// The SDK's buildLogoutUrl for CAS: ends every SSO session this browser holds (with the app sessions opened from them)
    /// and continues to <c>url</c> only when it is a registered redirect or post-logout URI of an app of those pools.
    /// </summary>
    private static async Task<IResult> LogoutAsync(HttpContext http, string? url, CancellationToken ct)
    {
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        var cookie = s.GetRequiredService<SsoCookie>();
        var roots = new HashSet<string>(StringComparer.Ordinal);
        var pools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in http.Request.Cookies.Keys.Where(k => k.StartsWith(SsoCookie.Name(""), StringComparison.Ordinal)).ToList())
        {
            var poolId = name[SsoCookie.Name("").Length..];
            if (cookie.Read(http, poolId) is { } ticket)
            {
                roots.Add(ticket.SessionId);
                pools.Add(poolId);
            }
            cookie.Clear(http, poolId);
        }
        var ended = roots.Count == 0 ? [] : await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .Where(x => roots.Contains(x.Id) && x.RevokedAt == null).Select(x => new { x.UserPoolId, x.AppId, x.UserId }).ToListAsync(ct);
        await s.GetRequiredService<SessionLogout>().EndAsync(db, roots, ct);
        if (ended.Count > 0)
        {
            var audit = s.GetRequiredService<AuditTrail>();
            foreach (var x in ended)
                audit.RecordInPool(x.UserPoolId, x.AppId, AuditEventTypes.Logout, AuditActors.User, x.UserId, x.UserId, new { method = "cas:logout" },
                    ip: http.Connection.RemoteIpAddress?.ToString(), userAgent: http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
            await audit.SavePendingAsync(ct);
        }
        if (!string.IsNullOrEmpty(url) && url.Length <= 2048 && pools.Count > 0)
        {
            var apps = await db.Applications.IgnoreQueryFilters().AsNoTracking().Where(a => pools.Contains(a.UserPoolId))
                .Select(a => new { a.RedirectUris, a.PostLogoutRedirectUris }).ToListAsync(ct);
            if (apps.Any(a => OidcClientSettings.Lines(a.RedirectUris).Concat(OidcClientSettings.Lines(a.PostLogoutRedirectUris))
                    .Contains(url, StringComparer.Ordinal)))
                return Results.Redirect(url);
        }
        return OidcEndpoints.Page(http, 200, "Signed out", "You have been signed out.");
    }

    // ---- trackSession -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The SDK's trackSession (GET /cas/session with the browser's cookies): the pool's SSO session of this browser and its
    /// user, or null. The pool is the app's (x-authing-app-id) or x-authing-userpool-id's; an app that doesn't share
    /// sessions (appSsoEnabled off) sees only a session opened for itself.
    /// </summary>
    private static async Task<IResult> TrackSessionAsync(HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var caller = await http.ResolveCallerAsync();
        if (caller.Pool is not { } pool)
            return NoSession();
        var s = http.RequestServices;
        var ticket = s.GetRequiredService<SsoCookie>().Read(http, pool.Id);
        var sso = ticket is null ? null : await s.GetRequiredService<SsoSignInService>().FindActiveAsync(pool.Id, ticket.SessionId, ct);
        if (sso is null || (!pool.AppSsoEnabled && caller.App is { } app && sso.AppId != app.Id))
            return NoSession();
        var db = s.GetRequiredService<GenAuthDbContext>();
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(u => u.Id == sso.UserId && u.UserPoolId == pool.Id && !u.IsDeleted && !u.Blocked, ct);
        if (user is null)
            return NoSession();
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return Results.Json<object?>(new
        {
            session = new
            {
                _id = sso.Id,
                cookie = new
                {
                    originalMaxAge = (long)Math.Max(0, (sso.ExpiresAt - now).TotalMilliseconds),
                    expires = IsoTime.Format(DateTime.SpecifyKind(sso.ExpiresAt, DateTimeKind.Utc)),
                    secure = http.Request.IsHttps,
                    httpOnly = true,
                    path = "/",
                    sameSite = "lax",
                    appId = sso.AppId,
                    type = "sso",
                    userId = sso.UserId,
                },
            },
            userInfo = UserJson.Of(user),
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>The JSON null trackSession answers without a session (Results.Json(null) would write an empty body).</summary>
    private static IResult NoSession() => Results.Text("null", "application/json; charset=utf-8");
}
