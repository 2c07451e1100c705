using GenAuth.Core.Tokens;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using Microsoft.Net.Http.Headers;

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
            LangOf(http.Request),
            http.Connection.RemoteIpAddress?.ToString(),
            NullIfEmpty(h.UserAgent));
        await http.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(
            http.RequestServices.GetRequiredService<GenAuthDbContext>(), caller, headers, http.RequestAborted);
        caller.CaptchaToken = NullIfEmpty(h["x-captcha-token"]);
        caller.TenantId = Bounded(NullIfEmpty(h["x-authing-app-tenant-id"]) ?? NullIfEmpty(http.Request.Query["tenant_id"]), 64);
        caller.DeviceFingerprint = Bounded(NullIfEmpty(h["x-authing-device-id"]), 128);
        return caller;
    }

    /// <summary>
    /// The language messages are written in: x-authing-lang, else the most preferred Accept-Language this server has
    /// messages for (English or Chinese), else null (the pool's default: zh-CN, GenAuth's own default).
    /// </summary>
    public static string? LangOf(HttpRequest request) =>
        NullIfEmpty(request.Headers["x-authing-lang"]) ?? PreferredLanguage(request.Headers.AcceptLanguage.ToString());

    public static string? PreferredLanguage(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage)
            || !StringWithQualityHeaderValue.TryParseList([acceptLanguage], out var accepted))
            return null;
        // Note: OrderByDescending is stable, so equal weights keep the header's order.
        foreach (var language in accepted.Where(l => l.Quality is not 0).OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
                return "zh-CN";
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
                return "en-US";
        }
        return null;
    }

    public static string? BearerOf(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
            return null;
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : authorization.Trim();
    }

    /// <summary>An over-long value names nothing (so it can't be stored or compared at any length).</summary>
    private static string? Bounded(string? s, int max) => s is { Length: > 0 } && s.Length > max ? null : s;

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
