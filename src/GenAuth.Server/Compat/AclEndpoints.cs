using GenAuth.Core.Applications;
using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>
/// The REST paths of GenAuth's AclManagementClient beside GraphQL: batch grants and revocations, batch listing,
/// permission namespaces, bulk resource creation, and the policy assignments of a target type.
/// </summary>
public static class AclEndpoints
{
    public sealed record TargetBody(string? TargetType, string? TargetIdentifier);

    public sealed record BatchResourceBody(string? Code, List<string>? Actions, string? ResourceType);

    public sealed record BatchGrantBody(string? TargetType, List<string>? TargetIdentifiers, List<BatchResourceBody>? Resources);

    public sealed record BatchBody(string? Namespace, List<BatchGrantBody>? Opts);

    public sealed record RevokeBody(string? Namespace, string? Resource, List<TargetBody>? Opts);

    public sealed record ListBatchBody(string? Namespace, string? ResourceType, List<TargetBody>? Targets);

    public sealed record NamespaceBody(string? Code, string? Name, string? Description);

    public sealed record BulkBody(List<RbacEndpoints.ResourceBody>? Bulk);

    public sealed record AppPolicyBody(string? TargetType, List<string>? TargetIdentifiers, string? Namespace, bool? InheritByChildren);

    public sealed record AccountBody(int? TokenLifetime, string? Remarks);

    public sealed record AccountPatchBody(string? Id, string? Secret, bool? Enabled);

    /// <summary>At most this many targets in one list-authorized-resources-batch call.</summary>
    public const int MaxBatchTargets = 50;

    /// <summary>
    /// Every path here is an admin's: the caller is checked before the body is, so a caller without the pool's
    /// management token learns nothing from validation answers (2020/403, never 400).
    /// </summary>
    private static Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RestEnvelope>> AdminAsync(HttpContext http,
        Func<GenAuth.Core.Callers.CallerContext, Task<object?>> action) =>
        Rest.RunAsync(http, caller =>
        {
            caller.RequireAdmin();
            return action(caller);
        });

    public static IEndpointRouteBuilder MapGenAuthAclApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        var acl = v2.MapGroup("/acl");
        acl.MapPost("/authorize-resources", static (HttpContext http, RestBody<BatchBody> body, PermissionService permissions, CancellationToken ct) =>
            AdminAsync(http, async _ =>
            {
                await permissions.ChangeManyAsync(body.Value.Namespace, Grants(body.Value), grant: true, ct);
                return true;
            }));
        acl.MapPost("/revoke-resources", static (HttpContext http, RestBody<BatchBody> body, PermissionService permissions, CancellationToken ct) =>
            AdminAsync(http, async _ =>
            {
                await permissions.ChangeManyAsync(body.Value.Namespace, Grants(body.Value), grant: false, ct);
                return true;
            }));
        acl.MapPost("/revoke-resource", static (HttpContext http, RestBody<RevokeBody> body, PermissionService permissions, CancellationToken ct) =>
            AdminAsync(http, async _ =>
            {
                var b = body.Value;
                var targets = (b.Opts ?? []).Select(o => (Target(o.TargetType), o.TargetIdentifier ?? "")).ToList();
                if (targets.Count is 0 or > MaxBatchTargets)
                    throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxBatchTargets} opts");
                await permissions.RevokeAsync(b.Namespace, b.Resource ?? "", targets, ct);
                return true;
            }));
        acl.MapPost("/list-authorized-resources-batch", static (HttpContext http, RestBody<ListBatchBody> body, PermissionService permissions,
            CancellationToken ct) => AdminAsync(http, async _ =>
        {
            var b = body.Value;
            var targets = b.Targets ?? [];
            if (targets.Count is 0 or > MaxBatchTargets)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxBatchTargets} targets");
            var type = ResourceTypeOf(b.ResourceType);
            var list = new List<object>();
            foreach (var t in targets)
            {
                var page = await permissions.ForTargetAsync(Target(t.TargetType), t.TargetIdentifier ?? "", b.Namespace, type, ct);
                list.Add(new
                {
                    targetType = t.TargetType?.ToUpperInvariant(), targetIdentifier = t.TargetIdentifier, totalCount = page.TotalCount,
                    list = page.List.Select(r => new { code = r.Code, type = r.Type.ToString().ToUpperInvariant(), actions = r.Actions, apiIdentifier = r.ApiIdentifier }),
                });
            }
            return new { list };
        }));

        // PoliciesManagementClient's getPoliciesAssignmentsCondition: the assignments of one policy to one kind of target.
        v2.MapGet("/policies/assignments/by-target", static (HttpContext http, [FromQuery(Name = "namespace")] string? ns,
            [FromQuery(Name = "policy_code")] string? code, [FromQuery(Name = "target_type")] string? targetType, PolicyService policies,
            CancellationToken ct, QueryInt? page, QueryInt? limit) => AdminAsync(http, async _ =>
        {
            if (string.IsNullOrEmpty(code))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "policy_code is required");
            var found = await policies.AssignmentsAsync(ns, code, string.IsNullOrEmpty(targetType) ? null : Target(targetType), null,
                page.Or(1), limit.Or(10), ct);
            return new
            {
                totalCount = found.TotalCount,
                list = found.List.Select(a => new
                {
                    code = a.Code, @namespace = a.Namespace, targetType = a.TargetType.ToString().ToUpperInvariant(), targetIdentifier = a.TargetIdentifier,
                    enabled = a.Enabled, inheritByChildren = a.InheritByChildren,
                }),
            };
        }));

        // Permission namespaces of a pool (the path's pool must be the admin's own).
        var namespaces = v2.MapGroup("/resource-namespace/{userPoolId}");
        namespaces.MapGet("", static (HttpContext http, string userPoolId, NamespaceService service, CancellationToken ct, QueryInt? page,
            QueryInt? limit) => AdminAsync(http, async _ =>
        {
            var found = await service.ListAsync(userPoolId, page.Or(1), limit.Or(10), ct);
            return new { total = found.TotalCount, list = found.List.Select(NamespaceJson) };
        }));
        namespaces.MapPost("", static (HttpContext http, string userPoolId, RestBody<NamespaceBody> body, NamespaceService service,
            CancellationToken ct) => AdminAsync(http, async _ =>
            NamespaceJson(await service.CreateAsync(userPoolId, body.Value.Code, body.Value.Name, body.Value.Description, ct))));
        namespaces.MapPut("/code/{code}", static (HttpContext http, string userPoolId, string code, RestBody<NamespaceBody> body,
            NamespaceService service, CancellationToken ct) => AdminAsync(http, async _ =>
            NamespaceJson(await service.UpdateAsync(userPoolId, code, body.Value.Code, body.Value.Name, body.Value.Description, ct))));
        namespaces.MapDelete("/code/{code}", static (HttpContext http, string userPoolId, string code, NamespaceService service,
            CancellationToken ct) => AdminAsync(http, async _ =>
        {
            await service.DeleteAsync(userPoolId, code, ct);
            return true;
        }));

        // TenantManagementClient.batchInsertResource: all or nothing (a code that exists creates none, 2541). A literal
        // segment, so it wins over POST /resources/{code} (updateResource).
        v2.MapPost("/resources/bulk", static (HttpContext http, RestBody<BulkBody> body, ResourceService resources, CancellationToken ct) =>
            AdminAsync(http, async _ =>
            {
                var items = body.Value.Bulk ?? [];
                var created = await resources.CreateManyAsync(items.Select(b => (b.Namespace, b.Code ?? "", b.ToInput())).ToList(), ct);
                return created.Select(r => new { id = r.Id, code = r.Code, @namespace = r.Namespace, type = r.Type.ToString().ToUpperInvariant() });
            }));
        // Application-level authorization (checked at sign-in through the app) and programmatic access accounts.
        var apps = v2.MapGroup("/applications");
        foreach (var (path, change) in new (string, Func<AppAuthorizationService, string, AppPolicyBody, CancellationToken, Task>)[]
                 {
                     ("allow", (s, id, b, ct) => s.SetAsync(id, b.Namespace, Target(b.TargetType), b.TargetIdentifiers ?? [], allow: true, b.InheritByChildren ?? false, ct)),
                     ("deny", (s, id, b, ct) => s.SetAsync(id, b.Namespace, Target(b.TargetType), b.TargetIdentifiers ?? [], allow: false, b.InheritByChildren ?? false, ct)),
                     ("enable-effect", (s, id, b, ct) => s.SetEnabledAsync(id, b.Namespace, Target(b.TargetType), b.TargetIdentifiers ?? [], true, ct)),
                     ("disable-effect", (s, id, b, ct) => s.SetEnabledAsync(id, b.Namespace, Target(b.TargetType), b.TargetIdentifiers ?? [], false, ct)),
                     ("revoke", (s, id, b, ct) => s.RevokeAsync(id, b.Namespace, Target(b.TargetType), b.TargetIdentifiers ?? [], ct)),
                 })
        {
            apps.MapPost("/" + ManagementEndpoints.Id + "/authorization/" + path, (HttpContext http, string id, RestBody<AppPolicyBody> body,
                AppAuthorizationService service, CancellationToken ct) => AdminAsync(http, async _ =>
            {
                await change(service, id, body.Value, ct);
                return true;
            }));
        }
        apps.MapGet("/" + ManagementEndpoints.Id + "/authorization/records", static (HttpContext http, string id, AppAuthorizationService service,
            CancellationToken ct, QueryInt? page, QueryInt? limit) => AdminAsync(http, async _ =>
        {
            var found = await service.RecordsAsync(id, page.Or(1), limit.Or(10), ct);
            return new
            {
                totalCount = found.TotalCount,
                list = found.List.Select(r => new
                {
                    appId = r.Record.AppId, @namespace = r.Record.Namespace, targetType = r.Record.TargetType.ToString().ToUpperInvariant(),
                    targetIdentifier = r.TargetIdentifier, effect = r.Record.Allow ? "ALLOW" : "DENY", enabled = r.Record.Enabled,
                    inheritByChildren = r.Record.InheritByChildren, createdAt = IsoTime.Format(r.Record.CreatedAt),
                }),
            };
        }));
        apps.MapGet("/" + ManagementEndpoints.Id + "/programmatic-access-accounts", static (HttpContext http, string id, AppAuthorizationService service,
            CancellationToken ct, QueryInt? page, QueryInt? limit) => AdminAsync(http, async _ =>
        {
            var found = await service.AccountsAsync(id, page.Or(1), limit.Or(10), ct);
            return new { totalCount = found.TotalCount, list = found.List.Select(AccountJson) };
        }));
        apps.MapPost("/" + ManagementEndpoints.Id + "/programmatic-access-accounts", static (HttpContext http, string id, RestBody<AccountBody> body,
            AppAuthorizationService service, CancellationToken ct) => AdminAsync(http, async _ =>
            AccountJson(await service.CreateAccountAsync(id, body.Value.TokenLifetime, body.Value.Remarks, ct))));
        apps.MapDelete("/programmatic-access-accounts", static (HttpContext http, [FromQuery] string? id, AppAuthorizationService service,
            CancellationToken ct) => AdminAsync(http, async _ =>
        {
            await service.DeleteAccountAsync(id ?? "", ct);
            return true;
        }));
        // enable/disable ({ id, enabled }), or a new secret ({ id, secret? }: the given one or a generated one).
        apps.MapPatch("/programmatic-access-accounts", static (HttpContext http, RestBody<AccountPatchBody> body, AppAuthorizationService service,
            CancellationToken ct) => AdminAsync(http, async _ =>
        {
            var b = body.Value;
            return AccountJson(await service.UpdateAccountAsync(b.Id ?? "", b.Enabled, b.Secret, refresh: b.Enabled is null, ct));
        }));
        return app;
    }

    private static object AccountJson(AccessAccountView v) => new
    {
        id = v.Account.Id, appId = v.Account.AppId, secret = v.Secret, remarks = v.Account.Remarks, tokenLifetime = v.Account.TokenLifetime,
        enabled = v.Account.Enabled, userId = (string?)null, createdAt = IsoTime.Format(v.Account.CreatedAt), updatedAt = IsoTime.Format(v.Account.UpdatedAt),
    };

    private static List<PermissionService.BatchGrant> Grants(BatchBody b)
    {
        var opts = b.Opts ?? [];
        if (opts.Count == 0)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "opts is required");
        return opts.Select(o => new PermissionService.BatchGrant(Target(o.TargetType), o.TargetIdentifiers ?? [],
            (o.Resources ?? []).Select(r => new PermissionService.BatchResource(r.Code ?? "", r.Actions, ResourceTypeOf(r.ResourceType))).ToList())).ToList();
    }

    internal static PermissionTargetType Target(string? value) => value?.ToUpperInvariant() switch
    {
        "USER" => PermissionTargetType.User,
        "ROLE" => PermissionTargetType.Role,
        "GROUP" => PermissionTargetType.Group,
        "ORG" => PermissionTargetType.Org,
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "targetType must be USER, ROLE, GROUP or ORG"),
    };

    private static ResourceType? ResourceTypeOf(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<ResourceType>(value, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t
        : throw new GenAuthException(ErrorCodes.BadRequest, detail: "resourceType must be DATA, API, MENU, UI or BUTTON");

    private static object NamespaceJson(ResourceNamespace n) => new
    {
        id = n.Id, userPoolId = n.UserPoolId, code = n.Code, name = n.Name, description = n.Description, status = 1,
        createdAt = IsoTime.Format(n.CreatedAt), updatedAt = IsoTime.Format(n.UpdatedAt),
    };
}
