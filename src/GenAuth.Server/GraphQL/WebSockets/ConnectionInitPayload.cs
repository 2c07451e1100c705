using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Tokens;
using GenAuth.Server.Callers;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>
/// What a connection_init says about the caller. Browsers can't set headers on a WebSocket, so the payload carries
/// them: <c>{ "Authorization": "Bearer t" }</c>, <c>{ "token": "t" }</c>, <c>{ "headers": { "Authorization": ... } }</c>,
/// plus x-authing-userpool-id / x-authing-app-id / x-authing-lang at either level (names case-insensitive; the
/// upgrade's Accept-Language stands in for a missing x-authing-lang).
/// The upgrade request's headers (and app_id / appId in its query) fill in whatever the payload leaves out.
/// </summary>
public static class ConnectionInitPayload
{
    private const string PoolHeader = "x-authing-userpool-id";
    private const string AppHeader = "x-authing-app-id";
    private const string LangHeader = "x-authing-lang";
    private const string SdkHeader = "x-authing-sdk-version";

    /// <summary>The caller's headers, and whether the client is the official SDK (which wants the legacy error shape).</summary>
    public static (CallerHeaders Headers, bool FromSdk) Read(JsonElement payload, HttpContext http)
    {
        var nested = payload.ValueKind == JsonValueKind.Object && TryGetIgnoreCase(payload, "headers", out var h)
                     && h.ValueKind == JsonValueKind.Object
            ? h
            : default;
        string? Find(string name) => StringOf(payload, name) ?? StringOf(nested, name);

        var request = http.Request;
        // Note: tokens are never read from the query string: URLs end up in access logs and browser history.
        var bearer = HttpCaller.BearerOf(Find("authorization") ?? Find("token"))
                     ?? HttpCaller.BearerOf(request.Headers.Authorization.ToString());
        var headers = new CallerHeaders(
            Find(PoolHeader) ?? Header(request, PoolHeader),
            Find(AppHeader) ?? Header(request, AppHeader) ?? NullIfEmpty(request.Query["app_id"]) ?? NullIfEmpty(request.Query["appId"]),
            bearer,
            Find(LangHeader) ?? Header(request, LangHeader) ?? HttpCaller.PreferredLanguage(request.Headers.AcceptLanguage.ToString()),
            http.Connection.RemoteIpAddress?.ToString(),
            NullIfEmpty(request.Headers.UserAgent));
        return (headers, Find(SdkHeader) is not null || request.IsFromSdk());
    }

    private static string? Header(HttpRequest request, string name) => NullIfEmpty(request.Headers[name]);

    private static string? StringOf(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && TryGetIgnoreCase(obj, name, out var value) && value.ValueKind == JsonValueKind.String
            ? NullIfEmpty(value.GetString())
            : null;

    private static bool TryGetIgnoreCase(JsonElement obj, string name, out JsonElement value)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
