using System.Net;
using System.Text.Json.Nodes;

namespace GenAuth.Core.ExtIdps;

/// <summary>Connection types this server signs in with; other types are stored (for later versions) but can't sign in yet.</summary>
public static class ConnTypes
{
    public const string Oidc = "oidc";
    public const string OAuth2 = "oauth2";
}

/// <summary>
/// The fields of a connection, by GenAuth's names. OIDC: issuerUrl, clientId, clientSecret, scopes (default
/// "openid profile email"). OAuth 2.0: authorizationEndpoint, tokenEndpoint, userInfoEndpoint, clientId, clientSecret,
/// scope, and a mapping (our field → a path in the userinfo JSON).
/// </summary>
public static class ConnFields
{
    public static void Validate(string type, JsonObject open, IReadOnlyDictionary<string, string> secrets)
    {
        switch (type)
        {
            case ConnTypes.Oidc:
                RequireUrl(Text(open, "issuerUrl"), "issuerUrl");
                Require(Text(open, "clientId"), "clientId");
                break;
            case ConnTypes.OAuth2:
                RequireUrl(Text(open, "authorizationEndpoint"), "authorizationEndpoint");
                RequireUrl(Text(open, "tokenEndpoint"), "tokenEndpoint");
                RequireUrl(Text(open, "userInfoEndpoint"), "userInfoEndpoint");
                Require(Text(open, "clientId"), "clientId");
                if (open["mapping"] is { } mapping && mapping is not JsonObject)
                    throw ExtIdpService.Invalid("mapping");
                break;
        }
    }

    public static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static void Require(string? value, string name)
    {
        if (value is null || value.Length > 512)
            throw ExtIdpService.Invalid(name);
    }

    /// <summary>An absolute https URL; plain http only to a loopback host (a provider on the same machine, tests).</summary>
    public static void RequireUrl(string? value, string name)
    {
        if (value is null || value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || !IsAllowed(uri))
            throw ExtIdpService.Invalid(name);
    }

    public static bool IsAllowed(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip))));
}
