using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Text;
using GenAuth.Core.Applications;
using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using GenAuth.Core.SignIn;
using GenAuth.Core.Tokens;
using GenAuth.Server.Callers;
using GenAuth.Server.Sso;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using GenAuthApplication = GenAuth.Core.Pools.Application;

namespace GenAuth.Server.Oidc;

/// <summary>
/// The authorization server's GenAuth side: the passthrough endpoints OpenIddict hands over after validating a request
/// (authorize, token, userinfo, end session), the consent page, the JWKS of every pool and the SDK's validate_token.
/// </summary>
public static class OidcEndpoints
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;
    private const string AuthAfterParameter = "ga_auth_after";
    private const string ConsentParameter = "ga_consent";

    public static IEndpointRouteBuilder MapGenAuthOidc(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/oidc/.well-known");
        wellKnown.MapGet("/jwks.json", static async (HttpContext http, GenAuthDbContext db, KeyRing keyRing, CancellationToken ct) =>
        {
            var caller = await http.ResolveCallerAsync();
            var poolIds = caller.Pool is { } pool
                ? [pool.Id]
                : await db.UserPools.AsNoTracking().Select(p => p.Id).ToListAsync(ct);
            var keys = new List<object>();
            foreach (var poolId in poolIds)
                foreach (var key in await keyRing.ListSigningKeysAsync(db, poolId, ct))
                    keys.Add(ToJwk(key));
            return TypedResults.Json(new { keys });
        });

        foreach (var prefix in new[] { "/oidc", "/oauth" })
        {
            app.MapMethods(prefix + "/auth", ["GET", "POST"], AuthorizeAsync).DisableAntiforgery();
            app.MapPost(prefix + "/token", TokenAsync).DisableAntiforgery();
            app.MapMethods(prefix + "/me", ["GET", "POST"], UserInfoAsync).DisableAntiforgery();
            app.MapMethods(prefix + "/session/end", ["GET", "POST"], EndSessionAsync).DisableAntiforgery();
        }
        app.MapGet("/oidc/consent", ConsentPageAsync);
        app.MapPost("/oidc/consent", ConsentAsync).DisableAntiforgery();
        app.MapGet("/api/v2/oidc/validate_token", ValidateTokenAsync);
        return app;
    }

    // ---- authorization endpoint -------------------------------------------------------------------------------------

    private static async Task<IResult> AuthorizeAsync(HttpContext http, CancellationToken ct)
    {
        // Note: OpenIddict validated client_id, redirect_uri, response_type, PKCE…; what it can't send back to a
        // registered redirect_uri (unknown client, bad redirect_uri) arrives here and is shown, never redirected.
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        if (http.GetOpenIddictServerResponse() is { Error: { } error } failed)
        {
            // Note: an error goes back to the client only when its redirect_uri is registered for that client
            // (OpenIddict then redirects with state); otherwise the browser sees a page.
            var given = http.GetOpenIddictServerRequest();
            var registered = given is { ClientId: { } cid, RedirectUri: { } uri } && await FindAppAsync(db, cid, ct) is { } known
                             && OidcClientSettings.Lines(known.RedirectUris).Any(r => OidcClientSettings.RedirectUriMatches(r, uri));
            return registered
                ? Forbid(error, failed.ErrorDescription ?? error)
                : Page(http, 400, "Sign-in request rejected", $"{error}: {failed.ErrorDescription}");
        }
        if (http.GetOpenIddictServerRequest() is not { ClientId: { } clientId } request)
            return Page(http, 400, "Sign-in request rejected", "invalid_request: not an authorization request");
        var app = await FindAppAsync(db, clientId, ct);
        var pool = app is null ? null : await db.UserPools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == app.UserPoolId, ct);
        if (app is null || pool is null)
            return Page(http, 400, "Sign-in request rejected", "invalid_client: unknown client_id");
        var caller = await ResolveCallerAsync(http, db, pool.Id, app.Id, ct);
        // GenAuth's tenant_id authorization parameter (buildAuthorizeUrl's tenantId): a tenant-enabled app's sign-in
        // runs under it (checked by SignInService) and its tokens carry tenant_id.
        caller.TenantId = (string?)request["tenant_id"] is { Length: > 0 and <= 64 } tenantId ? tenantId : null;
        if ((string?)request[ConsentParameter] == "denied")
            return Forbid(Errors.AccessDenied, "The user declined to authorize the application.");

        var scopes = request.GetScopes();
        if (await UnknownScopeAsync(http, db, app, scopes, ct) is { } unknown)
            return Forbid(Errors.InvalidScope, $"The scope '{unknown}' is not offered by this application.");

        var ticket = s.GetRequiredService<SsoCookie>().Read(http, pool.Id);
        var ssoSignIn = s.GetRequiredService<SsoSignInService>();
        var sso = ticket is null ? null : await ssoSignIn.FindActiveAsync(pool.Id, ticket.SessionId, ct);
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow();
        long? authAfter = long.TryParse((string?)request[AuthAfterParameter], out var after) ? after : null;
        var needLogin = sso is null || ticket is null
                        || request.HasPromptValue(PromptValues.Login)
                        || (request.MaxAge is { } maxAge && (now - ticket.AuthTime).TotalSeconds > maxAge)
                        || (authAfter is { } min && ticket.AuthTime.ToUnixTimeSeconds() < min)
                        || (!pool.AppSsoEnabled && sso.AppId != app.Id);
        if (needLogin)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            // Note: prompt=login resumes without the prompt but with "signed in after now", so it can't loop.
            var fresh = request.HasPromptValue(PromptValues.Login) ? now.ToUnixTimeSeconds() : authAfter;
            return ToLogin(request, app.Id, fresh);
        }

        // Third-party apps need the user's consent, remembered per user and app (first-party apps skip it).
        var clients = s.GetRequiredService<IOpenIddictApplicationManager>();
        var client = await clients.FindByClientIdAsync(app.Id, ct);
        var clientKey = client is null ? null : await clients.GetIdAsync(client, ct);
        if (clientKey is null)
            return Page(http, 400, "Sign-in request rejected", "invalid_client: unknown client_id");
        string? authorizationId = null;
        if (app.ThirdParty)
        {
            var consents = s.GetRequiredService<OidcConsents>();
            authorizationId = request.HasPromptValue(PromptValues.Consent) ? null : await consents.FindAsync(sso!.UserId, clientKey, scopes, ct);
            if (authorizationId is null)
            {
                if (request.HasPromptValue(PromptValues.None))
                    return Forbid(Errors.ConsentRequired, "The user has not authorized this application.");
                return Results.Redirect("/oidc/consent?return_url=" + Uri.EscapeDataString(ResumeUrl(request, PromptValues.Consent, authAfter)));
            }
        }

        // The SSO way into the sign-in pipeline: app access, blocked, MFA gate… then a session for this app.
        switch (await ssoSignIn.SignInAsync(sso!, ct))
        {
            case SignedIn signedIn:
                var user = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstAsync(u => u.Id == sso!.UserId, ct);
                // The pool's PRE_OIDC_TOKEN_ISSUED functions: a refusal or failure answers access_denied with its message.
                var pipelines = s.GetRequiredService<GenAuth.Core.Pipelines.PipelineRunner>();
                var pre = await pipelines.RunAsync(GenAuth.Core.Pipelines.PipelineTriggers.PreOidcTokenIssued, user, "oidc", ct);
                if (pre.Refusal is { } refusal)
                    return Forbid(Errors.AccessDenied, refusal.Message(caller.Lang ?? "en-US"));
                if (db.ChangeTracker.HasChanges())
                    await db.SaveChangesAsync(ct);
                var identity = NewIdentity();
                identity.SetClaim(Claims.Subject, user.Id);
                OidcClaims.AddSessionClaims(identity, signedIn.SessionId, sso!, ticket!.AuthTime);
                OidcClaims.AddUserClaims(identity, user, scopes);
                OidcClaims.AddPipelineClaims(identity, signedIn.Claims.Concat(pre.Claims));
                var principal = new ClaimsPrincipal(identity);
                principal.SetScopes(scopes);
                principal.SetAudiences(app.Id);
                if (authorizationId is not null)
                    principal.SetAuthorizationId(authorizationId);
                ApplyLifetimes(principal, app);
                principal.SetDestinations(OidcClaims.DestinationsOf);
                return Results.SignIn(principal, authenticationScheme: Scheme);
            case Refused refused:
                return Forbid(Errors.AccessDenied, refused.Error.Message(caller.Lang ?? "en-US"));
            default:
                // A second factor (or a password reset) the browser session didn't pass: a full sign-in on the login
                // page, once; if that still doesn't give it, the request is refused rather than looping.
                if (request.HasPromptValue(PromptValues.None))
                    return Forbid(Errors.InteractionRequired, "The application requires a second factor.");
                if (authAfter is not null)
                    return Forbid(Errors.AccessDenied, "The application requires a second factor.");
                return ToLogin(request, app.Id, now.ToUnixTimeSeconds());
        }
    }

    private static IResult ToLogin(OpenIddictRequest request, string appId, long? authAfter)
    {
        var login = new StringBuilder("/login?app_id=").Append(Uri.EscapeDataString(appId));
        if ((string?)request["tenant_id"] is { Length: > 0 and <= 64 } tenantId)
            login.Append("&tenant_id=").Append(Uri.EscapeDataString(tenantId));
        login
            .Append("&return_url=").Append(Uri.EscapeDataString(ResumeUrl(request, PromptValues.Login, authAfter)));
        if (request.LoginHint is { Length: > 0 and <= 256 } hint)
            login.Append("&login_hint=").Append(Uri.EscapeDataString(hint));
        return Results.Redirect(login.ToString());
    }

    /// <summary>The local URL that resumes this authorization request, without the prompt value already honoured.</summary>
    private static string ResumeUrl(OpenIddictRequest request, string dropPrompt, long? authAfter)
    {
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is AuthAfterParameter or ConsentParameter)
                continue;
            var text = (string?)value;
            if (name == Parameters.Prompt)
            {
                text = string.Join(' ', (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != dropPrompt));
                if (text.Length == 0)
                    continue;
            }
            query.Add(new(name, text));
        }
        if (authAfter is { } at)
            query.Add(new(AuthAfterParameter, at.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return "/oidc/auth" + QueryString.Create(query);
    }

    // ---- token endpoint ---------------------------------------------------------------------------------------------

    // Note: compiled: every code exchange and refresh reads the grant's user.
    private static readonly PerModel<Func<GenAuthDbContext, string, string, CancellationToken, Task<GenAuth.Core.Users.User?>>> GrantUser = new(() =>
        EF.CompileAsyncQuery((GenAuthDbContext db, string userId, string poolId, CancellationToken ct) =>
            db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefault(u => u.Id == userId && u.UserPoolId == poolId && !u.IsDeleted)));

    private static async Task<IResult> TokenAsync(HttpContext http, CancellationToken ct)
    {
        if (http.GetOpenIddictServerRequest() is not { ClientId: { } clientId } request)
            return Forbid(Errors.InvalidRequest, "Not a token request.");
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        // Note: the app as OpenIddict's client checks read it for this request (no second query).
        var app = await OidcClientManager.AppForRequestAsync(s, clientId, ct);
        if (app is null)
            return Forbid(Errors.InvalidClient, "Unknown client.");
        db.PoolId = app.UserPoolId;

        if (request.IsClientCredentialsGrantType())
        {
            var offered = await AppScopesAsync(http, db, app, ct);
            var requested = request.GetScopes();
            if (requested.FirstOrDefault(x => !offered.Contains(x)) is { } unknown)
                return Forbid(Errors.InvalidScope, $"The scope '{unknown}' is not one of this application's resources.");
            var identity = NewIdentity();
            identity.SetClaim(Claims.Subject, app.Id);
            var principal = new ClaimsPrincipal(identity);
            principal.SetScopes(requested.IsDefaultOrEmpty ? [.. offered] : requested);
            principal.SetAudiences(app.Id);
            ApplyLifetimes(principal, app);
            if (http.Items[AccessAccountClientHandler.LifetimeItem] is TimeSpan akLifetime)
                principal.SetAccessTokenLifetime(akLifetime);
            principal.SetDestinations(static c => c.Type == Claims.Subject ? [Destinations.AccessToken] : []);
            // Note: no token row carries this event, so it is the request's only write: the group-commit writer puts it
            // in a transaction shared with the other requests of the moment (one SQLite write per batch, not per token)
            // and this returns once it is committed, so no token leaves without its event.
            if (s.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value.GroupCommit)
                await s.GetRequiredService<AuditTrail>().AppendInPoolAsync(s.GetRequiredService<AuditAppender>(), app.UserPoolId, app.Id,
                    AuditEventTypes.IssueToken, AuditActors.System, null, null, new { grant = GrantTypes.ClientCredentials, clientId = app.Id }, ct,
                    target: "app:" + app.Id, ip: http.Connection.RemoteIpAddress?.ToString(),
                    userAgent: http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
            else
            {
                RecordToken(http, app, AuditEventTypes.IssueToken, AuditActors.System, null, GrantTypes.ClientCredentials);
                await s.GetRequiredService<AuditTrail>().SavePendingAsync(ct);
            }
            return Results.SignIn(principal, authenticationScheme: Scheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // Note: OpenIddict checked the code/refresh token (and SessionCheckHandler its session) before this runs.
            var result = await http.AuthenticateAsync(Scheme);
            if (result.Principal is not { } granted || granted.GetClaim(Claims.Subject) is not { } userId)
                return Forbid(Errors.InvalidGrant, "The grant is no longer valid.");
            var user = await GrantUser.For(db)(db, userId, app.UserPoolId, ct);
            if (user is null || user.Blocked)
                return Forbid(Errors.InvalidGrant, "The user can no longer sign in.");
            if (!await ApplicationService.IsAllowedAsync(db, app, user.Id, ct))
                return Forbid(Errors.InvalidGrant, "This user is not allowed to use this application.");
            var identity = new ClaimsIdentity(granted.Claims, Scheme, Claims.Name, Claims.Role);
            OidcClaims.AddUserClaims(identity, user, granted.GetScopes());
            var principal = new ClaimsPrincipal(identity);
            ApplyLifetimes(principal, app);
            principal.SetDestinations(OidcClaims.DestinationsOf);
            // Note: the app session lives as long as its refresh tokens may. It is pushed a little further than needed
            // (SessionExtensionSlack), so the next exchanges and refreshes of the session find it long enough with a
            // read and write nothing. The extension is a tracked change, not a statement of its own: it is saved by the
            // code's redemption (or the refresh token's rotation) in the same SaveChanges, one transaction with that write
            // and the audit event, inside the token writes' gate. Each authorization opens its own app session, so a
            // separate UPDATE here was one more SQLite write per code exchange, outside the gate, and profiling showed
            // about a third of an exchange's time in SQLite's busy handler waiting for it. A refused redemption (a
            // replayed code) saves nothing, so the session isn't extended either.
            if (granted.GetClaim(OidcClaims.SessionId) is { } sid)
            {
                var lifetime = RefreshLifetime(app);
                var until = s.GetRequiredService<TimeProvider>().GetUtcNow().Add(lifetime).UtcDateTime;
                // Note: SessionCheckHandler read and tracked this session when it checked the grant (same context).
                var session = db.Sessions.Local.FindEntry(sid)?.Entity
                              ?? await db.Sessions.IgnoreQueryFilters().FirstOrDefaultAsync(x => x.Id == sid && x.ExpiresAt < until, ct);
                if (session is not null && session.ExpiresAt < until)
                    session.ExpiresAt = until + SessionExtensionSlack(lifetime);
            }
            // Note: joins OpenIddict's token writes (same context); OidcAuditSaver writes it if none came.
            RecordToken(http, app, request.IsRefreshTokenGrantType() ? AuditEventTypes.RefreshToken : AuditEventTypes.IssueToken,
                AuditActors.User, user.Id, request.GrantType!);
            return Results.SignIn(principal, authenticationScheme: Scheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    // ---- userinfo ---------------------------------------------------------------------------------------------------

    private static async Task<IResult> UserInfoAsync(HttpContext http, CancellationToken ct)
    {
        var result = await http.AuthenticateAsync(Scheme);
        var userId = result.Principal?.GetClaim(Claims.Subject);
        var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
        var user = userId is null ? null : await db.Users.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        if (user is null || result.Principal is null)
            return Results.Challenge(Properties(Errors.InvalidToken, "The access token is not a user's."), [Scheme]);
        return Results.Json(OidcClaims.ForScopes(user, result.Principal.GetScopes()));
    }

    // ---- RP-initiated logout ----------------------------------------------------------------------------------------

    private static async Task<IResult> EndSessionAsync(HttpContext http, CancellationToken ct)
    {
        if (http.GetOpenIddictServerResponse() is { Error: { } error } failed)
            return Page(http, 400, "Sign-out request rejected", $"{error}: {failed.ErrorDescription}");
        var request = http.GetOpenIddictServerRequest();
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        var sso = s.GetRequiredService<SsoCookie>();
        var roots = new HashSet<string>(StringComparer.Ordinal);
        // Every pool's SSO session this browser holds ends (the cookie names its pool).
        foreach (var name in http.Request.Cookies.Keys.Where(k => k.StartsWith(SsoCookie.Name(""), StringComparison.Ordinal)).ToList())
        {
            var poolId = name[SsoCookie.Name("").Length..];
            if (sso.Read(http, poolId) is { } ticket)
                roots.Add(ticket.SessionId);
            sso.Clear(http, poolId);
        }
        // The id_token_hint's session (and the SSO session it came from) ends too, even without the cookie.
        var hint = (await http.AuthenticateAsync(Scheme)).Principal;
        if (hint?.GetClaim(OidcClaims.SessionId) is { } hintSid && hint.GetClaim(Claims.Subject) is { } hintSub)
        {
            var root = await db.Sessions.IgnoreQueryFilters().Where(x => x.Id == hintSid && x.UserId == hintSub)
                .Select(x => x.ParentSessionId ?? x.Id).FirstOrDefaultAsync(ct);
            if (root is not null)
                roots.Add(root);
        }
        var ended = roots.Count == 0 ? [] : await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .Where(x => roots.Contains(x.Id) && x.RevokedAt == null).Select(x => new { x.UserPoolId, x.AppId, x.UserId }).ToListAsync(ct);
        var frames = await s.GetRequiredService<SessionLogout>().EndAsync(db, roots, ct);
        if (ended.Count > 0)
        {
            // One sign-out event per session ended (the browser's SSO sessions, the hint's).
            var audit = s.GetRequiredService<AuditTrail>();
            foreach (var x in ended)
                audit.RecordInPool(x.UserPoolId, x.AppId, AuditEventTypes.Logout, AuditActors.User, x.UserId, x.UserId, new { method = "oidc:end_session" },
                    ip: http.Connection.RemoteIpAddress?.ToString(), userAgent: http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
            await audit.SavePendingAsync(ct);
        }
        if (request?.PostLogoutRedirectUri is { } postLogout)
        {
            // OpenIddict checked the URI against the client's registered ones; without front-channel frames it redirects.
            if (frames.Count == 0)
                return Results.SignOut(authenticationSchemes: [Scheme]);
            var next = request.State is { } state ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(postLogout, "state", state) : postLogout;
            return FrontchannelPage(http, frames, next);
        }
        return frames.Count == 0 ? Page(http, 200, "Signed out", "You have been signed out.") : FrontchannelPage(http, frames, null);
    }

    /// <summary>
    /// The signed-out page that logs the apps out in hidden iframes (front-channel logout), then continues to the
    /// post-logout redirect URI. Its CSP frames exactly the apps' origins and runs only this server's logout script.
    /// </summary>
    private static IResult FrontchannelPage(HttpContext http, IReadOnlyList<FrontchannelFrame> frames, string? next)
    {
        Func<string?, string?> e = WebUtility.HtmlEncode;
        var body = "<p class=\"message\">You have been signed out.</p>"
                   + (next is null ? "" : $"<p class=\"links\"><a href=\"{e(next)}\">Continue</a></p>")
                   + SessionLogout.Markup(frames, "Signing out", next)
                   + "<script src=\"/_pages/logout.js\"></script>";
        return Html(http, 200, "Signed out", body,
            $"default-src 'none'; style-src 'self'; script-src 'self'; frame-src{SessionLogout.FrameSources(frames)}; " +
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    // ---- consent ----------------------------------------------------------------------------------------------------

    private sealed record ConsentContext(GenAuthApplication App, Session Sso, string ReturnUrl, ImmutableArray<string> Scopes);

    private static async Task<IResult> ConsentPageAsync(HttpContext http, string? return_url, CancellationToken ct)
    {
        var context = await ConsentContextAsync(http, return_url, ct);
        if (context is null)
            return Page(http, 400, "Authorization request rejected", "The consent request is not valid.");
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        Func<string?, string?> e = WebUtility.HtmlEncode;
        var scopes = string.Concat(context.Scopes.Select(x => $"<li>{e(x)}</li>"));
        var body = $"""
            <p><strong>{e(context.App.Name)}</strong> asks to access your account.</p>
            <ul class="scopes">{scopes}</ul>
            <form id="consent" method="post" action="/oidc/consent">
              <input type="hidden" name="{e(antiforgery.FormFieldName)}" value="{e(antiforgery.RequestToken ?? "")}">
              <input type="hidden" name="return_url" value="{e(context.ReturnUrl)}">
              <button type="submit" name="decision" value="allow">Allow</button>
              <button type="submit" name="decision" value="deny">Deny</button>
            </form>
            """;
        return Html(http, 200, "Authorize " + context.App.Name, body);
    }

    private static async Task<IResult> ConsentAsync(HttpContext http, CancellationToken ct)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Page(http, 400, "Authorization request rejected", "The form expired; go back and try again.");
        }
        var form = await http.Request.ReadFormAsync(ct);
        var context = await ConsentContextAsync(http, form["return_url"], ct);
        if (context is null)
            return Page(http, 400, "Authorization request rejected", "The consent request is not valid.");
        if (form["decision"] != "allow")
            return Results.Redirect(context.ReturnUrl + "&" + ConsentParameter + "=denied");
        var clients = http.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        var client = await clients.FindByClientIdAsync(context.App.Id, ct);
        if (client is null || await clients.GetIdAsync(client, ct) is not { } clientKey)
            return Page(http, 400, "Authorization request rejected", "Unknown application.");
        await http.RequestServices.GetRequiredService<OidcConsents>().GrantAsync(context.Sso.UserId, clientKey, context.Scopes, ct);
        return Results.Redirect(context.ReturnUrl);
    }

    /// <summary>The authorization request a consent page is about: a local /oidc/auth URL of a third-party app, with the SSO session.</summary>
    private static async Task<ConsentContext?> ConsentContextAsync(HttpContext http, string? returnUrl, CancellationToken ct)
    {
        if (returnUrl is null || returnUrl.Length > 8192 || !returnUrl.StartsWith("/oidc/auth?", StringComparison.Ordinal))
            return null;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(returnUrl[returnUrl.IndexOf('?')..]);
        var clientId = query.TryGetValue(Parameters.ClientId, out var c) ? c.ToString() : null;
        var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
        var app = clientId is null ? null : await FindAppAsync(db, clientId, ct);
        if (app is null || !app.ThirdParty)
            return null;
        var ticket = http.RequestServices.GetRequiredService<SsoCookie>().Read(http, app.UserPoolId);
        var sso = ticket is null ? null : await http.RequestServices.GetRequiredService<SsoSignInService>().FindActiveAsync(app.UserPoolId, ticket.SessionId, ct);
        if (sso is null)
            return null;
        var scopes = (query.TryGetValue(Parameters.Scope, out var sc) ? sc.ToString() : "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToImmutableArray();
        return new ConsentContext(app, sso, returnUrl, scopes);
    }

    // ---- the SDK's validateToken ------------------------------------------------------------------------------------

    private static async Task<IResult> ValidateTokenAsync(HttpContext http, string? id_token, string? access_token, CancellationToken ct)
    {
        var token = id_token ?? access_token;
        if (string.IsNullOrEmpty(token) || token.Length > 16384 || (id_token is not null && access_token is not null))
            return Results.Json(new { code = 400, message = "Pass exactly one of id_token or access_token." }, statusCode: 400);
        var s = http.RequestServices;
        var db = s.GetRequiredService<GenAuthDbContext>();
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return Invalid();
        }
        var key = string.IsNullOrEmpty(jwt.Kid) ? null : await s.GetRequiredService<PoolKeyCache>().ByKidAsync(db, jwt.Kid, ct);
        if (key is null)
            return Invalid();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = s.GetRequiredService<IssuerProvider>().Issuer(""),
            ValidateAudience = false,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = id_token is not null ? ["JWT"] : ["at+jwt"],
        });
        if (!result.IsValid)
            return Invalid();
        if (access_token is not null && jwt.TryGetPayloadValue<string>(OidcClaims.SessionId, out var sid)
            && jwt.TryGetPayloadValue<string>("client_id", out var clientId))
        {
            var app = await FindAppAsync(db, clientId, ct);
            if (app is null || !await s.GetRequiredService<SessionService>().IsActiveAsync(db, app.UserPoolId, sid, jwt.Subject, ct))
                return Invalid();
        }
        var payload = Base64UrlEncoder.Decode(jwt.EncodedPayload);
        return Results.Text(payload, "application/json");

        static IResult Invalid() => Results.Json(new { code = 400, message = "The token is not valid." }, statusCode: 400);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static void RecordToken(HttpContext http, GenAuthApplication app, string type, string actorKind, string? userId, string grant) =>
        http.RequestServices.GetRequiredService<AuditTrail>().RecordInPool(app.UserPoolId, app.Id, type, actorKind,
            actorKind == AuditActors.User ? userId : null, userId, new { grant, clientId = app.Id },
            target: userId is null ? "app:" + app.Id : null, ip: http.Connection.RemoteIpAddress?.ToString(),
            userAgent: http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);

    /// <summary>An app by id across pools (the client id names the pool), read-only; ids over 64 characters are unknown unread.</summary>
    internal static Task<GenAuthApplication?> FindAppAsync(GenAuthDbContext db, string clientId, CancellationToken ct) =>
        clientId.Length > 64 ? Task.FromResult<GenAuthApplication?>(null)
            : db.Applications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == clientId, ct);

    /// <summary>This request's caller as the app's page sees it: its pool and app, language, IP and user agent.</summary>
    internal static async Task<CallerContext> ResolveCallerAsync(HttpContext http, GenAuthDbContext db, string poolId, string appId, CancellationToken ct)
    {
        var caller = http.RequestServices.GetRequiredService<CallerContext>();
        await http.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(db, caller,
            new CallerHeaders(poolId, appId, null, HttpCaller.LangOf(http.Request), http.Connection.RemoteIpAddress?.ToString(),
                http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null), ct);
        return caller;
    }

    /// <summary>Custom scopes an app offers: "{resource code}:{action}" of the resources in its namespace (the app id).</summary>
    private static async Task<IReadOnlySet<string>> AppScopesAsync(HttpContext http, GenAuthDbContext db, GenAuthApplication app,
        CancellationToken ct) =>
        await http.RequestServices.GetRequiredService<PoolDirectory>().AppScopesAsync(db, app.UserPoolId, app.Id, ct);

    private static async Task<string?> UnknownScopeAsync(HttpContext http, GenAuthDbContext db, GenAuthApplication app, ImmutableArray<string> scopes,
        CancellationToken ct)
    {
        var custom = scopes.Where(x => !OidcServer.StandardScopes.Contains(x)).ToList();
        if (custom.Count == 0)
            return null;
        var offered = await AppScopesAsync(http, db, app, ct);
        return custom.FirstOrDefault(x => !offered.Contains(x));
    }

    /// <summary>How much longer than its refresh tokens an app session is made to live: a tenth of the lifetime, at most an hour.</summary>
    internal static TimeSpan SessionExtensionSlack(TimeSpan refreshLifetime) =>
        TimeSpan.FromTicks(Math.Min(refreshLifetime.Ticks / 10, TimeSpan.FromHours(1).Ticks));

    private static TimeSpan RefreshLifetime(GenAuthApplication app) =>
        app.RefreshTokenLifetime is { } r ? TimeSpan.FromSeconds(r) : OidcServer.DefaultRefreshTokenLifetime;

    private static void ApplyLifetimes(ClaimsPrincipal principal, GenAuthApplication app)
    {
        principal.SetAccessTokenLifetime(app.AccessTokenLifetime is { } a ? TimeSpan.FromSeconds(a) : OidcServer.DefaultAccessTokenLifetime);
        principal.SetIdentityTokenLifetime(app.IdTokenLifetime is { } i ? TimeSpan.FromSeconds(i) : OidcServer.DefaultIdTokenLifetime);
        principal.SetRefreshTokenLifetime(RefreshLifetime(app));
    }

    private static ClaimsIdentity NewIdentity() => new(Scheme, Claims.Name, Claims.Role);

    private static AuthenticationProperties Properties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

    private static IResult Forbid(string error, string description) => Results.Forbid(Properties(error, description), [Scheme]);

    internal static IResult Page(HttpContext http, int status, string title, string message) =>
        Html(http, status, title, $"<p class=\"message\">{WebUtility.HtmlEncode(message)}</p>");

    private static IResult Html(HttpContext http, int status, string title, string body, string? csp = null)
    {
        http.Response.Headers.ContentSecurityPolicy = csp ?? "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.CacheControl = "no-store";
        Func<string?, string?> e = WebUtility.HtmlEncode;
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{e(title)}</title><link rel="stylesheet" href="/_pages/site.css"></head>
            <body><main class="oidc"><h1>{e(title)}</h1>
            {body}
            </main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static object ToJwk(LoadedKey key)
    {
        var p = key.Rsa.ExportParameters(false);
        return new
        {
            kty = "RSA",
            use = "sig",
            alg = "RS256",
            kid = key.Kid,
            n = Base64Url(p.Modulus!),
            e = Base64Url(p.Exponent!),
        };
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
