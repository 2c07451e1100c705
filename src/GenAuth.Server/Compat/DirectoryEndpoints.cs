using System.Text.Json;
using GenAuth.Core.Admin;
using GenAuth.Core.Common;
using GenAuth.Core.Orgs;
using GenAuth.Core.Roles;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>
/// Issue 15's remaining users/roles/orgs REST paths of the SDK: users/filter, users/{id}/orgs, resign-user(-batch),
/// analysis/exist-defined-field-count, roles/roleUsers, orgs/export and orgs/import. Every one checks the caller
/// (management token of the pool) before it reads the body, so outsiders learn nothing from validation errors.
/// </summary>
public static class DirectoryEndpoints
{
    public sealed record FilterBody(int? Page, int? Limit, JsonElement? Filter);

    public sealed record ResignBody(string? UserId, List<string>? UserIds);

    public sealed record RoleUsersBody(string? Namespace, string? Code, string? Search, int? Page, int? Limit);

    public sealed record ImportBody(string? Filetype, JsonElement? File);

    public static IEndpointRouteBuilder MapGenAuthDirectoryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/users/filter", static (HttpContext http, RestBody<FilterBody> body, UserAdminService admin, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var b = body.Value;
                var found = await admin.FilterAsync(Clauses(b.Filter), b.Page ?? 1, b.Limit ?? Paging.DefaultLimit, ct);
                return new { totalCount = found.TotalCount, list = found.List.Select(u => UserJson.Of(u)).ToList() };
            }));
        app.MapGet("/api/v2/users/" + ManagementEndpoints.Id + "/orgs", static (HttpContext http, string id, OrgService orgs, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (object?)await orgs.UserOrgPathsAsync(id, ct)));
        app.MapPost("/api/v3/resign-user", static (HttpContext http, RestBody<ResignBody> body, UserAdminService admin, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                await admin.ResignAsync([body.Value.UserId ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "userId is required")], ct);
                return null;
            }));
        app.MapPost("/api/v3/resign-user-batch", static (HttpContext http, RestBody<ResignBody> body, UserAdminService admin, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                await admin.ResignAsync(body.Value.UserIds ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "userIds must be a list"), ct);
                return null;
            }));
        app.MapGet("/api/v2/analysis/exist-defined-field-count", static (HttpContext http, [FromQuery] string? definedFieldKey,
            [FromQuery] string? appId, UserAdminService admin, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            new { count = await admin.DefinedFieldUserCountAsync(definedFieldKey, appId, ct) }));
        app.MapPost("/api/v2/roles/roleUsers", static (HttpContext http, RestBody<RoleUsersBody> body, RoleService roles, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var b = body.Value;
                var found = await roles.FindUsersAsync(b.Namespace, b.Code, b.Search, b.Page, b.Limit, ct);
                return new { totalCount = found.TotalCount, list = found.List.Select(u => UserJson.Of(u)).ToList() };
            }));
        app.MapGet("/api/v2/orgs/export", static (HttpContext http, [FromQuery(Name = "org_id")] string? orgId, OrgService orgs,
            CancellationToken ct) => Rest.RunAsync(http, async _ => (await orgs.ExportAsync(orgId, ct)).Select(TreeJson).ToList()));
        app.MapPost("/api/v2/orgs/import", static (HttpContext http, RestBody<ImportBody> body, OrgService orgs, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var b = body.Value;
                if (!string.IsNullOrEmpty(b.Filetype) && !b.Filetype.Equals("json", StringComparison.OrdinalIgnoreCase))
                    throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "only filetype json is imported");
                var org = await orgs.ImportAsync(Tree(b.File ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "file must be the org tree"), 0), ct);
                return (await orgs.ExportAsync(org.Id, ct)).Select(TreeJson).Single();
            }));
        return app;
    }

    private static List<UserFilterClause> Clauses(JsonElement? filter)
    {
        if (filter is not { } f || f.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return [];
        if (f.ValueKind != JsonValueKind.Array)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "filter must be a list of { key, op, value }");
        if (f.GetArrayLength() > UserAdminService.MaxFilterClauses)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {UserAdminService.MaxFilterClauses} filter conditions");
        return f.EnumerateArray().Select(item =>
        {
            if (item.ValueKind != JsonValueKind.Object || Text(item, "key") is not { Length: > 0 } key)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "each filter is { key, op, value }");
            return new UserFilterClause(key, Text(item, "op"), Text(item, "value"));
        }).ToList();
    }

    /// <summary>A string, number or boolean member as text; anything else (objects, lists) reads as absent.</summary>
    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;

    private static OrgTreeNode Tree(JsonElement e, int depth)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "every node of the tree is an object { name, code, description, children }");
        if (depth > OrgService.MaxImportDepth)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"the tree is deeper than {OrgService.MaxImportDepth} levels");
        int? order = e.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.Number && o.TryGetInt32(out var n) ? n : null;
        var members = e.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()!
                : x.ValueKind == JsonValueKind.Object && Text(x, "userId") is { } userId ? userId
                : throw new GenAuthException(ErrorCodes.BadRequest, detail: "members are user ids")).ToList()
            : [];
        var children = e.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(x => Tree(x, depth + 1)).ToList()
            : [];
        return new OrgTreeNode(Text(e, "name") ?? "", Text(e, "code"), Text(e, "description"), order, members, children);
    }

    private static object TreeJson(OrgTreeNode n) => new
    {
        id = n.Id, orgId = n.OrgId, name = n.Name, code = n.Code, description = n.Description, order = n.Order, members = n.Members,
        children = n.Children.Select(TreeJson).ToList(),
    };
}
