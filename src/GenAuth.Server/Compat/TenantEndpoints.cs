using System.Text.Json;
using GenAuth.Core.Applications;
using GenAuth.Core.Common;
using GenAuth.Core.Tenants;

namespace GenAuth.Server.Compat;

/// <summary>
/// GenAuth's tenants as the SDK's ManagementClient.tenant calls them (lib/management/TenantManagementClient.ts, all but
/// the identity sources, which are ExtIdpEndpoints), plus applicationTenants, getOrgByTenantId and getUserTenants.
/// The pool's admin token manages every tenant; a tenant admin's user token manages only that tenant (TenantService).
/// </summary>
public static class TenantEndpoints
{
    public sealed record TenantBody(string? Name, string? AppIds, string? Logo, string? Description, string? Css,
        JsonElement? SsoPageCustomizationSettings);

    public sealed record UserIdsBody(List<string>? UserIds);

    public sealed record MemberBody(bool IsEnabled);

    public static IEndpointRouteBuilder MapGenAuthTenantApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        v2.MapGet("/tenants", static (HttpContext http, TenantService tenants, CancellationToken ct, QueryInt? page, QueryInt? limit) =>
            Rest.RunAsync(http, async _ =>
            {
                var found = await tenants.ListAsync(page.Or(1), limit.Or(10), ct);
                return new { totalCount = found.TotalCount, list = found.List.Select(Json) };
            }));
        v2.MapPost("/tenant", static (HttpContext http, RestBody<TenantBody> body, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var b = body.Value;
                return Json(await tenants.CreateAsync(b.Name, b.AppIds, b.Logo, b.Description, ct));
            }));

        var tenant = v2.MapGroup("/tenant/{id}");
        tenant.MapGet("", static (HttpContext http, string id, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => Json(await tenants.GetAsync(id, ct))));
        // update and config share this path: each sends the fields it changes.
        tenant.MapPost("", static (HttpContext http, string id, RestBody<TenantBody> body, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                return Json(await tenants.UpdateAsync(id, b.Name, b.AppIds, b.Logo, b.Description, b.Css, b.SsoPageCustomizationSettings, ct));
            }));
        tenant.MapDelete("", static (HttpContext http, string id, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await tenants.DeleteAsync(id, ct);
                return true;
            }));
        tenant.MapGet("/users", static (HttpContext http, string id, TenantService tenants, CancellationToken ct, QueryInt? page,
            QueryInt? limit) => Rest.RunAsync(http, async _ =>
        {
            var found = await tenants.MembersAsync(id, page.Or(1), limit.Or(10), ct);
            return new
            {
                list = found.List.Select(m => new
                {
                    id = m.Member.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), tenantId = m.Member.TenantId,
                    isAdmin = m.Member.IsAdmin, enabled = m.Member.Enabled, user = UserJson.Of(m.User),
                }),
                listTotal = found.TotalCount,
            };
        }));
        tenant.MapPost("/user", static async (HttpContext http, string id, RestBody<UserIdsBody> body, TenantService tenants,
            CancellationToken ct) =>
        {
            var added = (0, 0);
            var result = await Rest.RunAsync(http, async _ =>
            {
                added = await tenants.AddMembersAsync(id, body.Value.UserIds, ct);
                return Json(await tenants.GetAsync(id, ct));
            });
            // The message says what happened, as GenAuth's does (new members, members already there).
            return result.Value is { Code: 200 } ok
                ? Rest.Ok(ok.Data, $"added {added.Item1} member(s), {added.Item2} already member(s)")
                : result;
        });
        tenant.MapDelete("/user", static (HttpContext http, string id, [Microsoft.AspNetCore.Mvc.FromQuery] string? userId,
            TenantService tenants, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            await tenants.RemoveMemberAsync(id, userId, ct);
            return true;
        }));
        tenant.MapPut("/admin", static (HttpContext http, string id, RestBody<UserIdsBody> body, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                await tenants.SetAdminsAsync(id, body.Value.UserIds, ct);
                return true;
            }));
        tenant.MapDelete("/admin/{userId}", static (HttpContext http, string id, string userId, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await tenants.RemoveAdminAsync(id, userId, ct);
                return true;
            }));
        // updateTenantMember: a literal segment (admin) wins over this template.
        tenant.MapPut("/{userId}", static (HttpContext http, string id, string userId, RestBody<MemberBody> body, TenantService tenants,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var enabled = body.Value.IsEnabled;
            await tenants.SetMemberEnabledAsync(id, userId, enabled, ct);
            return true;
        }));

        v2.MapGet("/application/{id}/tenants", static (HttpContext http, string id, TenantService tenants, ApplicationService apps,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var list = await tenants.OfAppAsync(id, ct);
            var a = await apps.GetAsync(id, ct);
            return new
            {
                id = a.Id, name = a.Name, logo = a.Logo, description = a.Description, appType = a.AppType,
                createdAt = IsoTime.Format(a.CreatedAt), updatedAt = IsoTime.Format(a.UpdatedAt), tenants = list.Select(Json),
            };
        }));
        v2.MapGet("/orgs/by-tenant", static (HttpContext http, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "tenant_id")] string? tenantId,
            TenantService tenants, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            (await tenants.OrgsAsync(tenantId, ct)).Select(o => new
            {
                id = o.Id, userPoolId = o.UserPoolId, rootNodeId = o.RootNodeId, tenantId = o.TenantId, logo = o.Logo,
                createdAt = IsoTime.Format(o.CreatedAt), updatedAt = IsoTime.Format(o.UpdatedAt),
            }).ToList()));
        v2.MapGet("/users/{id}/tenants", static (HttpContext http, string id, TenantService tenants, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (await tenants.OfUserAsync(id, ct))
                .Select(r => new { tenant = Json(r.Tenant), isAdmin = r.Member.IsAdmin, enabled = r.Member.Enabled }).ToList()));
        return app;
    }

    private static object Json(Tenant t) => new
    {
        id = t.Id, userPoolId = t.UserPoolId, name = t.Name, logo = t.Logo, description = t.Description, css = t.Css,
        ssoPageCustomizationSettings = t.SsoPageCustomizationSettings is { } s ? JsonSerializer.Deserialize<JsonElement>(s) : (JsonElement?)null,
        appIds = t.AppIds, createdAt = IsoTime.Format(t.CreatedAt), updatedAt = IsoTime.Format(t.UpdatedAt),
    };
}
