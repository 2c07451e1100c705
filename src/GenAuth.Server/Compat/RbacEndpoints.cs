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
        // AclManagementClient resources: list, detail (by id or namespace+code), create, update, delete.
        app.MapGet("/api/v2/resources", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var q = http.Request.Query;
            var page = await http.RequestServices.GetRequiredService<ResourceService>().ListAsync(q["namespace"].ToString(),
                ParseType(q["type"].ToString()), Int(q["page"]) ?? 1, Int(q["limit"]) ?? 10, http.RequestAborted);
            return new { totalCount = page.TotalCount, list = page.List.Select(ResourceJson).ToList() };
        })));
        app.MapGet("/api/v2/resources/detail", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var q = http.Request.Query;
            var resources = http.RequestServices.GetRequiredService<ResourceService>();
            var resource = q["id"].ToString() is { Length: > 0 } id
                ? await resources.GetByIdAsync(id, http.RequestAborted)
                : await resources.GetAsync(q["namespace"].ToString(), q["code"].ToString(), http.RequestAborted);
            return ResourceJson(resource);
        })));
        app.MapPost("/api/v2/resources", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var resource = await http.RequestServices.GetRequiredService<ResourceService>().CreateAsync(Str(body, "namespace"),
                Str(body, "code") ?? "", ResourceInputOf(body), http.RequestAborted);
            return ResourceJson(resource);
        })));
        app.MapPost("/api/v2/resources/{code}", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var code = http.Request.RouteValues["code"] as string ?? "";
            var body = await RestBody.ReadAsync(http);
            var resource = await http.RequestServices.GetRequiredService<ResourceService>().UpdateAsync(Str(body, "namespace"),
                code, ResourceInputOf(body), http.RequestAborted);
            return ResourceJson(resource);
        })));
        app.MapDelete("/api/v2/resources/{code}", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var code = http.Request.RouteValues["code"] as string ?? "";
            await http.RequestServices.GetRequiredService<ResourceService>().DeleteAsync(http.Request.Query["namespace"].ToString(),
                code, http.RequestAborted);
            return true;
        })));
        return app;
    }



    private static ResourceType? ParseType(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<ResourceType>(value, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t
        : throw new GenAuthException(ErrorCodes.BadRequest, detail: "type must be DATA, API, MENU, UI or BUTTON");

    private static ResourceInput ResourceInputOf(JsonElement body) => new(
        ParseType(Str(body, "type")),
        Str(body, "description"),
        Prop(body, "actions") is { ValueKind: JsonValueKind.Array } actions
            ? actions.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object)
                .Select(a => new ResourceAction { Name = Str(a, "name") ?? "", Description = Str(a, "description") }).ToList()
            : null,
        Str(body, "apiIdentifier"));

    private static object ResourceJson(Resource r) => new
    {
        id = r.Id, userPoolId = r.UserPoolId, @namespace = r.Namespace, code = r.Code, type = r.Type.ToString().ToUpperInvariant(),
        description = r.Description, actions = r.Actions.Select(a => new { name = a.Name, description = a.Description }).ToList(),
        apiIdentifier = r.ApiIdentifier, createdAt = r.CreatedAt, updatedAt = r.UpdatedAt,
    };

    private static int? Int(string? value) => int.TryParse(value, out var i) ? i : null;
}
