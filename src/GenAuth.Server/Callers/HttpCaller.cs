using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.Tokens;

namespace GenAuth.Server.Callers;

/// <summary>Builds the request's <see cref="CallerContext"/> from its headers, once.</summary>
public static class HttpCaller
{
    private const string ResolvedKey = "genauth.caller.resolved";

    public static bool IsFromSdk(this HttpRequest request) => request.Headers.ContainsKey("x-authing-sdk-version");

    public static async Task<CallerContext> ResolveCallerAsync(this HttpContext http, string? tokenOverride = null)
    {
        var caller = http.RequestServices.GetRequiredService<CallerContext>();
        if (http.Items.ContainsKey(ResolvedKey))
            return caller;
        http.Items[ResolvedKey] = true;
        var h = http.Request.Headers;
        var bearer = tokenOverride ?? BearerOf(h.Authorization.ToString());
        var headers = new CallerHeaders(
            NullIfEmpty(h["x-authing-userpool-id"]),
            NullIfEmpty(h["x-authing-app-id"]) ?? NullIfEmpty(http.Request.Query["app_id"]) ?? NullIfEmpty(http.Request.Query["appId"]),
            bearer,
            NullIfEmpty(h["x-authing-lang"]),
            http.Connection.RemoteIpAddress?.ToString(),
            NullIfEmpty(h.UserAgent));
        await http.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(
            http.RequestServices.GetRequiredService<GenAuthDbContext>(), caller, headers, http.RequestAborted);
        return caller;
    }

    public static string? BearerOf(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
            return null;
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : authorization.Trim();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
