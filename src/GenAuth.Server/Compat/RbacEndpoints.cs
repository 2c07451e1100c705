using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;

using static GenAuth.Server.Compat.RestBody;

namespace GenAuth.Server.Compat;

/// <summary>REST paths of GenAuth's roles, permissions and org clients (the SDK calls these beside GraphQL).</summary>
public static class RbacEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthRbacApi(this IEndpointRouteBuilder app)
    {
        // AuthenticationClient.listOrgs: per department, [org, root node, ..., department].
        app.MapGet("/api/v2/users/me/orgs", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            await http.RequestServices.GetRequiredService<OrgService>().MyOrgPathsAsync(http.RequestAborted))));

        // AclManagementClient.isAllowed.
        app.MapPost("/api/v2/acl/is-allowed", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var allowed = await http.RequestServices.GetRequiredService<PermissionService>().IsAllowedAsync(
                Str(body, "resource") ?? "", Str(body, "action") ?? "", Str(body, "userId") ?? "", Str(body, "namespace"), http.RequestAborted);
            return new { allowed };
        })));

        // OrgManagementClient.getAllOrgs.
        app.MapGet("/api/v2/orgs/count", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var page = await http.RequestServices.GetRequiredService<OrgService>().ListOrgsAsync(1, 1, null, http.RequestAborted);
            return new { count = page.TotalCount };
        })));
        app.MapGet("/api/v2/orgs", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var q = http.Request.Query;
            var orgs = http.RequestServices.GetRequiredService<OrgService>();
            var page = await orgs.ListOrgsAsync(Int(q["page"]), Int(q["limit"]), null, http.RequestAborted);
            return page.List.Select(o => new
            {
                id = o.Id, userPoolId = o.UserPoolId, rootNodeId = o.RootNodeId, tenantId = o.TenantId, logo = o.Logo,
                createdAt = o.CreatedAt, updatedAt = o.UpdatedAt,
            }).ToList();
        })));
        return app;
    }



    private static int? Int(string? value) => int.TryParse(value, out var i) ? i : null;
}
