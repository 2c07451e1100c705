using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;

namespace GenAuth.Server.Compat;

/// <summary>
/// Admin changes through GenAuth's REST paths (any method but GET) leave one event, like admin GraphQL mutations:
/// GenAuth's name where it has one, else "rest:" and the route; the route's id as target; no body values.
/// </summary>
public static class AuditedRest
{
    public static AuditEvent? Record(HttpContext http, CallerContext caller)
    {
        if (caller.Kind != PrincipalKind.Admin || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            return null;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var type = route.EndsWith("/refresh-secret", StringComparison.Ordinal) ? AuditEventTypes.RefreshSecret
            : TextCut.Clip("rest:" + http.Request.Method + " " + route, 64);
        var id = http.Request.RouteValues.TryGetValue("id", out var v) && v is string s && s.Length <= 128 ? s : null;
        var userRoute = route.Contains("/users", StringComparison.Ordinal);
        return http.RequestServices.GetRequiredService<AuditTrail>().Record(type, userRoute ? id : null,
            new { method = http.Request.Method, route }, target: !userRoute && id is not null ? "id:" + id : null);
    }

    public static async Task EnsureSavedAsync(HttpContext http, AuditEvent? e)
    {
        if (e is not null)
            await http.RequestServices.GetRequiredService<AuditTrail>().EnsureSavedAsync(e, http.RequestAborted);
    }

    public static void Discard(HttpContext http, AuditEvent? e)
    {
        if (e is not null)
            http.RequestServices.GetRequiredService<AuditTrail>().Discard(e);
    }
}
