using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>REST paths of GenAuth's roles, permissions and org clients (the SDK calls these beside GraphQL).</summary>
public static class RbacEndpoints
{
    public sealed record IsAllowedBody(string? Resource, string? Action, string? UserId, string? Namespace);

    /// <summary>actions: a list of { name, description }; items that are no object are skipped.</summary>
    public sealed record ResourceBody(string? Namespace, string? Code, string? Type, string? Description, JsonElement? Actions,
        string? ApiIdentifier)
    {
        public ResourceInput ToInput() => new(ParseType(Type), Description,
            Actions is { ValueKind: JsonValueKind.Array } actions
                ? actions.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(RestBody.Read<ResourceActionBody>)
                    .Select(a => new ResourceAction { Name = a.Name ?? "", Description = a.Description }).ToList()
                : null,
            ApiIdentifier);
    }

    public sealed record ResourceActionBody(string? Name, string? Description);

    public static IEndpointRouteBuilder MapGenAuthRbacApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        // AuthenticationClient.listOrgs: per department, [org, root node, ..., department].
        v2.MapGet("/users/me/orgs", static (HttpContext http, OrgService orgs, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (object?)await orgs.MyOrgPathsAsync(ct)));

        // AclManagementClient.isAllowed.
        v2.MapPost("/acl/is-allowed", static (HttpContext http, RestBody<IsAllowedBody> body, PermissionService permissions,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            var allowed = await permissions.IsAllowedAsync(b.Resource ?? "", b.Action ?? "", b.UserId ?? "", b.Namespace, ct);
            return new { allowed };
        }));

        // OrgManagementClient.getAllOrgs.
        var orgs = v2.MapGroup("/orgs");
        orgs.MapGet("/count", static (HttpContext http, OrgService orgs, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var page = await orgs.ListOrgsAsync(1, 1, null, ct);
            return new { count = page.TotalCount };
        }));
        orgs.MapGet("", static (HttpContext http, OrgService orgs, CancellationToken ct, QueryInt? page, QueryInt? limit) =>
            Rest.RunAsync(http, async _ =>
            {
                var found = await orgs.ListOrgsAsync(page?.Value, limit?.Value, null, ct);
                return found.List.Select(o => new
                {
                    id = o.Id, userPoolId = o.UserPoolId, rootNodeId = o.RootNodeId, tenantId = o.TenantId, logo = o.Logo,
                    createdAt = IsoTime.Format(o.CreatedAt), updatedAt = IsoTime.Format(o.UpdatedAt),
                }).ToList();
            }));

        // AclManagementClient resources: list, detail (by id or namespace+code), create, update, delete.
        var resources = v2.MapGroup("/resources");
        resources.MapGet("", static (HttpContext http, [FromQuery(Name = "namespace")] string? ns, [FromQuery] string? type,
            ResourceService resources, CancellationToken ct, QueryInt? page, QueryInt? limit) => Rest.RunAsync(http, async _ =>
        {
            var found = await resources.ListAsync(ns ?? "", ParseType(type), page.Or(1), limit.Or(10), ct);
            return new { totalCount = found.TotalCount, list = found.List.Select(ResourceJson).ToList() };
        }));
        resources.MapGet("/detail", static (HttpContext http, [FromQuery] string? id, [FromQuery(Name = "namespace")] string? ns,
            [FromQuery] string? code, ResourceService resources, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            ResourceJson(id is { Length: > 0 }
                ? await resources.GetByIdAsync(id, ct)
                : await resources.GetAsync(ns ?? "", code ?? "", ct))));
        resources.MapPost("", static (HttpContext http, RestBody<ResourceBody> body, ResourceService resources, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                return ResourceJson(await resources.CreateAsync(b.Namespace, b.Code ?? "", b.ToInput(), ct));
            }));
        resources.MapPost("/{code}", static (HttpContext http, string code, RestBody<ResourceBody> body, ResourceService resources,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            return ResourceJson(await resources.UpdateAsync(b.Namespace, code, b.ToInput(), ct));
        }));
        resources.MapDelete("/{code}", static (HttpContext http, string code, [FromQuery(Name = "namespace")] string? ns,
            ResourceService resources, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            await resources.DeleteAsync(ns ?? "", code, ct);
            return true;
        }));
        return app;
    }

    private static ResourceType? ParseType(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<ResourceType>(value, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t
        : throw new GenAuthException(ErrorCodes.BadRequest, detail: "type must be DATA, API, MENU, UI or BUTTON");

    private static object ResourceJson(Resource r) => new
    {
        id = r.Id, userPoolId = r.UserPoolId, @namespace = r.Namespace, code = r.Code, type = r.Type.ToString().ToUpperInvariant(),
        description = r.Description, actions = r.Actions.Select(a => new { name = a.Name, description = a.Description }).ToList(),
        apiIdentifier = r.ApiIdentifier, createdAt = IsoTime.Format(r.CreatedAt), updatedAt = IsoTime.Format(r.UpdatedAt),
    };
}
