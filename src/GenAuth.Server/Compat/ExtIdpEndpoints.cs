using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>
/// Identity sources as the SDK's ManagementClient.tenant calls them (lib/management/TenantManagementClient.ts):
/// /api/v2/extIdp, /api/v2/extIdpConn, /api/v2/check/extIdpConn/identifier. Admin-only, the caller's pool.
/// </summary>
public static class ExtIdpEndpoints
{
    public sealed record ConnBody(string? ExtIdpId, string? Type, string? Identifier, string? DisplayName, JsonObject? Fields,
        List<string>? UserMatchFields, string? Logo)
    {
        public ExtIdpConnInput ToInput() => new(Type, Identifier, DisplayName, Fields, UserMatchFields, Logo);
    }

    public sealed record IdpBody(string? TenantId, string? Name, string? Type, List<ConnBody>? Connections);

    public sealed record StateBody(string? AppId, string? TenantId, bool Enabled);

    public sealed record IdentifierBody(string? Identifier);

    /// <summary>The SDK's loginByLdap / loginByAd body (clientIp and withCustomData are accepted and ignored).</summary>
    public sealed record VerifyUserBody(string? Username, string? Password, string? Connection);

    /// <summary>The SDK's unlinkExtIdp body: the identity source's id (not a connection's).</summary>
    public sealed record UnlinkExtIdpBody(string? ExtIdpId);

    /// <summary>The SDK's users.linkIdentity / unlinkIdentity body (isSocial and type are accepted; the connection says it).</summary>
    public sealed record IdentityBody(string? UserId, string? UserIdInIdp, bool? IsSocial, string? Type, string? Identifier, string? ExtIdpId);

    /// <summary>A linked identity as the REST API answers it (its tokens stay sealed).</summary>
    public static object IdentityJson(IdentityView v) => new
    {
        id = v.Identity.Id,
        userId = v.Identity.UserId,
        userPoolId = v.Identity.UserPoolId,
        extIdpId = v.Identity.ExtIdpId,
        originConnIds = new[] { v.Identity.ConnId },
        provider = v.Identity.Provider,
        type = v.ConnType ?? v.Identity.Provider,
        userIdInIdp = v.Identity.ProviderUserId,
        isSocial = v.Identity.Provider is not (ConnTypes.Oidc or ConnTypes.OAuth2 or ConnTypes.Ldap or ConnTypes.Ad),
        createdAt = IsoTime.Format(v.Identity.CreatedAt),
        updatedAt = IsoTime.Format(v.Identity.UpdatedAt),
    };

    public static IEndpointRouteBuilder MapGenAuthExtIdpApi(this IEndpointRouteBuilder app)
    {
        var idps = app.MapGroup("/api/v2/extIdp");
        idps.MapGet("", static (HttpContext http, [FromQuery] string? tenantId, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (await s.ListAsync(tenantId, ct)).Select(IdpJson).ToList()));
        idps.MapGet("/{id}", static (HttpContext http, string id, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => IdpJson(await s.GetAsync(id, ct))));
        idps.MapPost("", static (HttpContext http, RestBody<IdpBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                return IdpJson(await s.CreateAsync(b.Name, b.Type, b.TenantId, b.Connections?.Select(c => c.ToInput()).ToList(), ct));
            }));
        idps.MapPut("/{id}", static (HttpContext http, string id, RestBody<IdpBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => IdpJson(await s.UpdateAsync(id, body.Value.Name, ct))));
        idps.MapDelete("/{id}", static (HttpContext http, string id, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await s.DeleteAsync(id, ct);
                return null;
            }));
        // The SDK's batchChangeExtIdpConnectionState: every connection of the source, for the app and/or tenant the body
        // names (neither: the pool-wide switch).
        idps.MapPut("/{id}/connState", static (HttpContext http, string id, RestBody<StateBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await s.SetIdpStateAsync(id, body.Value.Enabled, ct, body.Value.AppId, body.Value.TenantId);
                return null;
            }));

        var conns = app.MapGroup("/api/v2/extIdpConn");
        conns.MapPost("", static (HttpContext http, RestBody<ConnBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => ConnJson(await s.CreateConnAsync(body.Value.ExtIdpId, body.Value.ToInput(), ct))));
        conns.MapPut("/{id}", static (HttpContext http, string id, RestBody<ConnBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => ConnJson(await s.UpdateConnAsync(id, body.Value.ToInput(), ct))));
        conns.MapDelete("/{id}", static (HttpContext http, string id, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await s.DeleteConnAsync(id, ct);
                return null;
            }));
        conns.MapPut("/{id}/state", static (HttpContext http, string id, RestBody<StateBody> body, ExtIdpService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await s.SetConnStateAsync(id, body.Value.Enabled, ct, body.Value.AppId, body.Value.TenantId);
                return null;
            }));
        // Directory logins (the SDK's loginByLdap, and loginByAd on its websocketHost): the user with a token.
        foreach (var (path, type) in new[] { ("/api/v2/ldap/verify-user", ConnTypes.Ldap), ("/api/v2/ad/verify-user", ConnTypes.Ad) })
            app.MapPost(path, (HttpContext http, RestBody<VerifyUserBody> body, DirectorySignInService s, CancellationToken ct) =>
                Rest.RunAsync(http, async _ =>
                {
                    var b = body.Value;
                    return UserJson.From(await s.LoginAsync(type, b.Username, b.Password, b.Connection, ct).RequireSignedIn());
                }));
        // Linked identities: the signed-in user's own (SocialAuthenticationClient) and an admin's (users.link/unlinkIdentity).
        app.MapGet("/api/v3/get-identities", static (HttpContext http, IdentityLinkService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (await s.MineAsync(ct)).Select(IdentityJson).ToList()));
        app.MapPost("/api/v3/unlink-extidp", static (HttpContext http, RestBody<UnlinkExtIdpBody> body, IdentityLinkService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await s.UnlinkMineAsync(body.Value.ExtIdpId, ct);
                return null;
            }));
        app.MapPost("/api/v2/users/identity/link", static (HttpContext http, RestBody<IdentityBody> body, IdentityLinkService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                await s.AdminLinkAsync(b.UserId, b.ExtIdpId, b.Identifier, b.UserIdInIdp, ct);
                return null;
            }));
        app.MapPost("/api/v2/users/identity/unlink", static (HttpContext http, RestBody<IdentityBody> body, IdentityLinkService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                await s.AdminUnlinkAsync(b.UserId, b.ExtIdpId, b.Identifier, ct);
                return null;
            }));
        // The SDK reads success as "the identifier is free" and an error (2702) as a conflict.
        app.MapPost("/api/v2/check/extIdpConn/identifier", static (HttpContext http, RestBody<IdentifierBody> body, ExtIdpService s,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            await s.RequireIdentifierFreeAsync(body.Value.Identifier, ct);
            return null;
        }));
        return app;
    }

    private static object IdpJson(ExtIdpView v) => new
    {
        id = v.Idp.Id, name = v.Idp.Name, type = v.Idp.Type, tenantId = v.Idp.TenantId, userPoolId = v.Idp.UserPoolId,
        connections = v.Connections.Select(ConnJson).ToList(),
        createdAt = IsoTime.Format(v.Idp.CreatedAt), updatedAt = IsoTime.Format(v.Idp.UpdatedAt),
    };

    private static object ConnJson(ExtIdpConnView v) => new
    {
        id = v.Conn.Id, extIdpId = v.Conn.ExtIdpId, type = v.Conn.Type, identifier = v.Conn.Identifier, displayName = v.Conn.DisplayName,
        logo = v.Conn.Logo, fields = v.Fields, userMatchFields = v.UserMatchFields, enabled = v.Conn.Enabled, userPoolId = v.Conn.UserPoolId,
        createdAt = IsoTime.Format(v.Conn.CreatedAt), updatedAt = IsoTime.Format(v.Conn.UpdatedAt),
    };
}
