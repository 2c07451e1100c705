using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Tokens;
using GenAuth.Server.Compat;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Server.ExtIdp;

/// <summary>
/// The SDK's EnterpriseAuthenticationClient.authorize(protocol, identifier): it reads the app's public config, asks
/// start-interaction (OIDC), and opens <c>{config.authorizationEdpoint}?state&amp;client_id&amp;…</c> (OIDC) or
/// <c>{config.authUrl}</c> (OAuth) in a popup, then waits for an "enterpriseLogin" message from it. Here those URLs are
/// this server's own start of the connection's flow (/connections/{oidc|social}/{identifier}/enterprise, the app in
/// client_id), so the popup runs the usual flow — state, PKCE and nonce sealed in this browser's flow cookie, the callback
/// through ExternalSignInService — and posts the user to the app's registered origins only. The SDK's own state and
/// nonce are not used: it never sees the provider's answer, and the provider's client secret stays here.
/// SAML, CAS and Azure AD connections are not offered (they are not sign-in types of this server).
/// </summary>
public static class EnterpriseEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthEnterpriseApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/applications/" + ManagementEndpoints.Id + "/public-config", static (HttpContext http, string id, GenAuthDbContext db,
            IssuerProvider issuer, CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            var application = await db.Applications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct)
                              ?? throw new GenAuthException(ErrorCodes.AppNotFound);
            var conns = await db.ExtIdpConns.IgnoreQueryFilters().AsNoTracking()
                .Where(c => c.UserPoolId == application.UserPoolId && c.Enabled && (c.Type == ConnTypes.Oidc || c.Type == ConnTypes.OAuth2))
                .OrderBy(c => c.CreatedAt).Take(50).ToListAsync(ct);
            var off = conns.Count == 0 ? [] : await ConnAppStates.DisabledAsync(db, conns.Select(c => c.Id).ToList(), application, caller.TenantId, ct);
            var providers = conns.Where(c => !off.Contains(c.Id)).Select(c =>
            {
                var oidc = c.Type == ConnTypes.Oidc;
                var start = $"{issuer.BaseUrl}/connections/{(oidc ? "oidc" : "social")}/{Uri.EscapeDataString(c.Identifier)}/enterprise";
                object config = oidc
                    ? new { authorizationEdpoint = start, clientId = application.Id, redirectUri = ExternalLoginEndpoints.CallbackUri(issuer, c),
                        scopes = "openid profile email", responseType = "code" }
                    : new { authUrl = start + "?client_id=" + Uri.EscapeDataString(application.Id) };
                return new { identifier = c.Identifier, protocol = oidc ? "oidc" : "oauth", displayName = c.DisplayName, logo = c.Logo, config };
            }).ToList();
            return new
            {
                id = application.Id,
                userPoolId = application.UserPoolId,
                name = application.Name,
                logo = application.Logo,
                identityProviders = providers,
            };
        }, audited: false));
        // The SDK announces an OIDC popup here first; the flow's state is made and kept by the start URL, so this only
        // checks that the connection can start for the app.
        app.MapPost("/api/v2/connections/oidc/start-interaction", static (HttpContext http, RestBody<StartInteractionBody> body, GenAuthDbContext db,
            CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            var b = body.Value;
            var appId = b.AppId ?? caller.App?.Id;
            var application = appId is { Length: <= 64 }
                ? await db.Applications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct)
                : null;
            if (application is null)
                throw new GenAuthException(ErrorCodes.AppNotFound);
            var identifier = b.Connection?.ProviderIentifier;
            var conn = identifier is { Length: > 0 and <= 64 }
                ? await db.ExtIdpConns.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c =>
                    c.UserPoolId == application.UserPoolId && c.Identifier == identifier && c.Enabled && c.Type == ConnTypes.Oidc, ct)
                : null;
            if (conn is null)
                throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
            if (!await ConnAppStates.IsEnabledForAsync(db, conn, application, caller.TenantId, ct))
                throw new GenAuthException(ErrorCodes.ExtIdpConnDisabledForApp);
            return null;
        }, audited: false));
        return app;
    }

    /// <summary>What start-interaction sends (the SDK spells the identifier "providerIentifier").</summary>
    public sealed record StartInteractionBody(string? AppId, ConnectionRef? Connection);

    public sealed record ConnectionRef(string? ProviderIentifier);
}
