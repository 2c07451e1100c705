using System.Text.Json;
using GenAuth.Core.Admin;
using GenAuth.Core.Applications;
using GenAuth.Core.Common;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Pools;
using GenAuth.Core.Profile;
using GenAuth.Core.Users;

using static GenAuth.Server.Compat.RestBody;

namespace GenAuth.Server.Compat;

/// <summary>The management and account REST paths of the SDK (lib/management/*.ts, AuthenticationClient): thin adapters.</summary>
public static class ManagementEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/users/me/applications/allowed", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            await Svc<ApplicationService>(http).AllowedForAsync(null, Int(http, "page", 1), Int(http, "limit", 10), http.RequestAborted))));
        app.MapGet("/api/v2/users/login-status", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var status = await Svc<UserAdminService>(http).LoginStatusAsync(http.Request.Query["userId"].ToString(),
                NullIfEmpty(http.Request.Query["appId"]), http.RequestAborted);
            return new { isLogin = status.IsLogin, user = status.User is null ? null : UserJson.Of(status.User), application = status.Applications.Select(AppJson) };
        })));
        app.MapPost("/api/v2/users/kick", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            await Svc<UserAdminService>(http).KickAsync(Strings(body, "userIds"), Str(body, "appId"), http.RequestAborted);
            return null;
        })));
        app.MapPost("/api/v2/users/batch", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var users = await Svc<UserAdminService>(http).BatchAsync(Strings(body, "ids"), Str(body, "type"), http.RequestAborted);
            var custom = Bool(body, "withCustomData")
                ? await Svc<CustomFieldService>(http).LoadAsync("USER", users.Select(u => u.Id).ToList(), http.RequestAborted)
                : null;
            return users.Select(u => UserJson.Of(u, custom?[u.Id])).ToList();
        })));
        foreach (var path in new[] { "/api/v2/users/link", "/api/users/link" })
            app.MapPost(path, (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            {
                var body = await RestBody.ReadAsync(http);
                await Svc<AccountLinkService>(http).LinkAsync(Str(body, "primaryUserToken"), Str(body, "secondaryUserToken"), http.RequestAborted);
                return null;
            })));
        app.MapPost("/api/v2/users/unlink", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            await Svc<AccountLinkService>(http).UnlinkAsync(Str(body, "primaryUserToken"), Str(body, "provider"), http.RequestAborted);
            return null;
        })));
        // Note: registered after the literal /api/v2/users/* paths; ids are 24 hex, so "batch" or "kick" never match here.
        app.MapGet("/api/v2/users/{id}", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            var view = await Svc<UserAdminService>(http).RawAsync(Id(http), http.RequestAborted);
            var custom = QueryBool(http, "with_custom_data")
                ? (await Svc<CustomFieldService>(http).LoadAsync("USER", [Id(http)], http.RequestAborted))[Id(http)]
                : null;
            return UserJson.Of(view, custom);
        })));

        app.MapGet("/api/v2/applications", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var page = await Svc<ApplicationService>(http).ListAsync(Int(http, "page", 1), Int(http, "limit", 10), http.RequestAborted);
            return new { totalCount = page.TotalCount, list = page.List.Select(AppJson) };
        })));
        app.MapPost("/api/v2/applications", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            AppJson(await Svc<ApplicationService>(http).CreateAsync(AppInput(await RestBody.ReadAsync(http)), http.RequestAborted)))));
        app.MapGet("/api/v2/applications/{id}", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            AppJson(await Svc<ApplicationService>(http).GetAsync(Id(http), http.RequestAborted)))));
        app.MapMethods("/api/v2/applications/{id}", ["PUT", "PATCH"], (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
            AppJson(await Svc<ApplicationService>(http).UpdateAsync(Id(http), AppInput(await RestBody.ReadAsync(http)), http.RequestAborted)))));
        app.MapGet("/api/v2/applications/{id}/active-users", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var page = await Svc<ApplicationService>(http).ActiveUsersAsync(Id(http), Int(http, "page", 1), Int(http, "limit", 10), http.RequestAborted);
            return new { totalCount = page.TotalCount, list = page.List.Select(a => UserJson.Of(a.User)) };
        })));
        return app;
    }

    private static object AppJson(Application a) => new
    {
        id = a.Id, userPoolId = a.UserPoolId, name = a.Name, identifier = a.Identifier, description = a.Description, logo = a.Logo,
        redirectUris = a.RedirectUris?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [], defaultStrategy = a.DefaultAccess,
        createdAt = a.CreatedAt, updatedAt = a.UpdatedAt,
    };

    private static ApplicationInput AppInput(JsonElement b) => new(Str(b, "name"), Str(b, "identifier"),
        b.TryGetProperty("redirectUris", out var r) && r.ValueKind == JsonValueKind.Array ? Strings(b, "redirectUris") : null,
        Str(b, "logo"), Str(b, "description"), Str(b, "defaultStrategy"));

    private static string Id(HttpContext http) => http.Request.RouteValues["id"]?.ToString() ?? "";

    private static T Svc<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();




    private static bool QueryBool(HttpContext http, string name) => http.Request.Query[name].ToString() == "true";

    private static List<string> Strings(JsonElement b, string name) =>
        b.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{name} must be a list of strings");

    private static int Int(HttpContext http, string name, int fallback) =>
        int.TryParse(http.Request.Query[name], out var v) ? v : fallback;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
