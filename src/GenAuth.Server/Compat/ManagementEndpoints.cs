using GenAuth.Core.Admin;
using GenAuth.Core.Profile;
using GenAuth.Core.Applications;
using GenAuth.Core.Common;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Passwords;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>The management and account REST paths of the SDK (lib/management/*.ts, AuthenticationClient): thin adapters.</summary>
public static class ManagementEndpoints
{
    public sealed record KickBody(List<string>? UserIds, string? AppId);

    /// <summary>ids are user ids, or usernames/emails/phones as type says.</summary>
    public sealed record BatchBody(List<string>? Ids, string? Type, bool WithCustomData);

    public sealed record PasswordBody(string? Password);

    public sealed record LinkBody(string? PrimaryUserToken, string? SecondaryUserToken);

    public sealed record UnlinkBody(string? PrimaryUserToken, string? Provider);

    /// <summary>
    /// redirectUris absent (or no list) leaves them as they are on an update. The OIDC client settings are Core's
    /// <see cref="OidcClientInput"/> itself (same names and meaning as the GraphQL arguments), so REST and GraphQL
    /// map through one property list.
    /// </summary>
    public sealed record ApplicationBody(string? Name, string? Identifier, List<string>? RedirectUris, string? Logo, string? Description,
        string? DefaultStrategy) : OidcClientInput
    {
        /// <summary>changeApplicationType: INDIVIDUAL only (no tenants).</summary>
        public string? AppType { get; init; }

        public ApplicationInput ToInput() => new(Name, Identifier, RedirectUris, Logo, Description, DefaultStrategy) { Oidc = this };
    }

    /// <summary>An id route parameter: GenAuth ids are 24 hex digits, so literal siblings (batch, filter, …) are never ids.</summary>
    public const string Id = "{id:regex(^[0-9a-fA-F]{{24}}$)}";

    public static IEndpointRouteBuilder MapGenAuthManagementApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v2/users");
        users.MapGet("/me/applications/allowed", static (HttpContext http, ApplicationService apps, CancellationToken ct,
            QueryInt? page, QueryInt? limit) => Rest.RunAsync(http, async _ =>
            PageJson(await apps.AllowedForAsync(null, page.Or(1), limit.Or(10), ct), AppJson)));
        users.MapGet("/login-status", static (HttpContext http, [FromQuery] string? userId, [FromQuery] string? appId,
            UserAdminService admin, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var status = await admin.LoginStatusAsync(userId ?? "", appId is { Length: > 0 } ? appId : null, ct);
            return new { isLogin = status.IsLogin, user = status.User is null ? null : UserJson.Of(status.User), application = status.Applications.Select(AppJson) };
        }));
        users.MapPost("/kick", static (HttpContext http, RestBody<KickBody> body, UserAdminService admin, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                await admin.KickAsync(Required(b.UserIds, "userIds"), b.AppId, ct);
                return null;
            }));
        users.MapPost("/batch", static (HttpContext http, RestBody<BatchBody> body, UserAdminService admin, CustomFieldService fields,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            var found = await admin.BatchAsync(Required(b.Ids, "ids"), b.Type, ct);
            var custom = b.WithCustomData ? await fields.LoadAsync("USER", found.Select(u => u.Id).ToList(), ct) : null;
            return found.Select(u => UserJson.Of(u, custom?[u.Id])).ToList();
        }));
        foreach (var group in new[] { users, app.MapGroup("/api/users") })
            group.MapPost("/link", static (HttpContext http, RestBody<LinkBody> body, AccountLinkService links, CancellationToken ct) =>
                Rest.RunAsync(http, async _ =>
                {
                    await links.LinkAsync(body.Value.PrimaryUserToken, body.Value.SecondaryUserToken, ct);
                    return null;
                }));
        users.MapPost("/unlink", static (HttpContext http, RestBody<UnlinkBody> body, AccountLinkService links, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await links.UnlinkAsync(body.Value.PrimaryUserToken, body.Value.Provider, ct);
                return null;
            }));
        // Principal (real-name) authentication needs a government identity service this server can't reach: its calls
        // answer FeatureNotSupported (2651) instead of falling through to the id template below.
        users.MapMethods("/principal_authentication", ["GET", "POST"], static (HttpContext http, CancellationToken ct) =>
            Rest.RunAsync(http, caller => NotSupported(caller.RequireUserId())));
        users.MapMethods("/" + Id + "/management/principal_authentication", ["GET", "POST"], static (HttpContext http, CancellationToken ct) =>
            Rest.RunAsync(http, caller => NotSupported(caller.RequireAdmin())));
        // Note: literal /api/v2/users/* paths win over this template in routing, and the template only takes a 24-hex id,
        // so a literal path served for another method (or not at all) never reads as a user id ("principal_authentication"
        // is 24 characters long).
        users.MapGet("/" + Id, static (HttpContext http, string id, [FromQuery(Name = "with_custom_data")] QueryFlag? withCustomData,
            UserAdminService admin, CustomFieldService fields, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var user = await admin.RawAsync(id, ct);
            var custom = withCustomData?.Value == true ? (await fields.LoadAsync("USER", [id], ct))[id] : null;
            return UserJson.Of(user, custom);
        }));

        // The SDK's managementClient.isPasswordValid (admin): the pool's password policy, as checkPasswordStrength answers it.
        app.MapPost("/api/v2/password/check", static (HttpContext http, RestBody<PasswordBody> body, PasswordPolicy policy) =>
            Rest.RunAsync(http, caller =>
            {
                var (valid, reason) = policy.Check(caller.RequireAdmin(), body.Value.Password, caller.Lang);
                var en = caller.Lang?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
                return Task.FromResult<object?>(new { valid, message = reason ?? (en ? "The password meets the policy" : "密码强度符合要求") });
            }));
        // The SDK's userpool.detail: the pool's settings for its admin (the secret only through GraphQL userpool.secret).
        app.MapGet("/api/v2/userpools/detail", static (HttpContext http, CancellationToken _) => Rest.RunAsync(http, caller =>
        {
            var p = caller.RequireAdmin();
            return Task.FromResult<object?>(new
            {
                id = p.Id, name = p.Name, domain = p.Domain, description = p.Description, logo = p.Logo,
                registerDisabled = p.RegisterDisabled, emailVerifiedDefault = p.EmailVerifiedDefault, sendWelcomeEmail = p.SendWelcomeEmail,
                appSsoEnabled = p.AppSsoEnabled, allowedOrigins = p.AllowedOrigins, tokenExpiresAfter = p.TokenExpiresAfter,
                loginRequireEmailVerified = p.LoginRequireEmailVerified, mfaRequired = p.MfaRequired, passwordStrength = p.PasswordStrength,
                passwordMinLength = p.PasswordMinLength, defaultLanguage = p.DefaultLanguage ?? "zh-CN", packageType = "self-hosted",
                createdAt = IsoTime.Format(p.CreatedAt), updatedAt = IsoTime.Format(p.UpdatedAt),
            });
        }));

        var apps = app.MapGroup("/api/v2/applications");
        apps.MapGet("", static (HttpContext http, ApplicationService service, CancellationToken ct, QueryInt? page,
            QueryInt? limit) => Rest.RunAsync(http, async _ =>
            PageJson(await service.ListAsync(page.Or(1), limit.Or(10), ct), AppJson)));
        apps.MapPost("", static (HttpContext http, RestBody<ApplicationBody> body, ApplicationService service, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => AppJson(await service.CreateAsync(body.Value.ToInput(), ct))));
        apps.MapGet("/" + Id, static (HttpContext http, string id, ApplicationService service, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => AppJson(await service.GetAsync(id, ct))));
        apps.MapMethods("/" + Id, ["PUT", "PATCH"], static (HttpContext http, string id, RestBody<ApplicationBody> body,
            ApplicationService service, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            AppJson(await service.UpdateAsync(id, body.Value.ToInput(), ct))));
        apps.MapDelete("/" + Id, static (HttpContext http, string id, ApplicationService service, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await service.DeleteAsync(id, ct);
                return null;
            }));
        // The SDK's changeApplicationType posts { appType } here: INDIVIDUAL, TENANT or BOTH (Core/Tenants: a tenant-enabled
        // app signs users in under a tenant). Other fields update the app as PUT does.
        apps.MapPost("/" + Id, static (HttpContext http, string id, RestBody<ApplicationBody> body, ApplicationService service,
            GenAuth.Core.Tenants.TenantService tenants, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            // The type is checked before anything is written, and set only once the rest of the update held.
            var type = body.Value.AppType is { } t
                ? GenAuth.Core.Tenants.AppTypes.Normalize(t) ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "appType is INDIVIDUAL, TENANT or BOTH")
                : null;
            var updated = await service.UpdateAsync(id, body.Value.ToInput(), ct);
            if (type is not null)
            {
                await tenants.SetAppTypeAsync(id, type, ct);
                updated.AppType = type;
            }
            return AppJson(updated);
        }));
        // The SDK's refreshApplicationSecret: the new secret is in this answer only.
        app.MapPatch("/api/v2/application/{id}/refresh-secret", static (HttpContext http, string id, ApplicationService service,
            CancellationToken ct) => Rest.RunAsync(http, async _ => AppJson(await service.RefreshSecretAsync(id, ct))));
        apps.MapGet("/" + Id + "/active-users", static (HttpContext http, string id, ApplicationService service, CancellationToken ct,
            QueryInt? page, QueryInt? limit) => Rest.RunAsync(http, async _ =>
            PageJson(await service.ActiveUsersAsync(id, page.Or(1), limit.Or(10), ct), a => UserJson.Of(a.User))));
        return app;
    }

    // Note: the caller is checked first (user, or admin for the management path), so the refusal tells nobody more than
    // the path would. The CancellationToken parameters above keep those lambdas route handlers (an HttpContext-only
    // lambda would be a RequestDelegate whose answer is discarded).
    private static Task<object?> NotSupported(object _) =>
        throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "principal authentication");

    private static object PageJson<T>(Page<T> page, Func<T, object> item) =>
        new { totalCount = page.TotalCount, list = page.List.Select(item) };

    private static object AppJson(Application a) => new
    {
        id = a.Id, userPoolId = a.UserPoolId, name = a.Name, identifier = a.Identifier, description = a.Description, logo = a.Logo,
        redirectUris = a.RedirectUris?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [], defaultStrategy = a.DefaultAccess,
        secret = a.ShownSecret, postLogoutRedirectUris = OidcClientSettings.Lines(a.PostLogoutRedirectUris),
        grantTypes = OidcClientSettings.GrantTypesOf(a), tokenEndpointAuthMethod = a.TokenEndpointAuthMethod,
        idTokenLifetime = a.IdTokenLifetime, accessTokenLifetime = a.AccessTokenLifetime, refreshTokenLifetime = a.RefreshTokenLifetime,
        thirdParty = a.ThirdParty, implicitAllowed = a.ImplicitAllowed, corsOrigins = OidcClientSettings.Lines(a.CorsOrigins),
        backchannelLogoutUri = a.BackchannelLogoutUri, frontchannelLogoutUri = a.FrontchannelLogoutUri,
        frontchannelLogoutSessionRequired = a.FrontchannelLogoutSessionRequired, appType = a.AppType,
        createdAt = IsoTime.Format(a.CreatedAt), updatedAt = IsoTime.Format(a.UpdatedAt),
    };

    private static List<string> Required(List<string>? list, string name) =>
        list ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{name} must be a list of strings");
}
