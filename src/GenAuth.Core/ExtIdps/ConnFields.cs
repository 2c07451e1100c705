using System.Net;
using System.Text.Json.Nodes;

namespace GenAuth.Core.ExtIdps;

/// <summary>Connection types this server signs in with; other types are stored (for later versions) but can't sign in yet.</summary>
public static class ConnTypes
{
    public const string Oidc = "oidc";
    public const string OAuth2 = "oauth2";
    public const string GitHub = "github";
    public const string Ldap = "ldap";
    public const string Ad = "ad";

    /// <summary>Directory types: they sign in with a user name and password (loginByLdap / loginByAD), not a redirect.</summary>
    public static bool IsDirectory(string type) => type is Ldap or Ad;

    /// <summary>Types that sign in with the OAuth 2.0 code flow and a userinfo mapping (generic, or a preset).</summary>
    public static bool IsOAuth2(string type) => type is OAuth2 or GitHub;

    public static bool CanSignIn(string type) => type == Oidc || IsOAuth2(type);

    /// <summary>A preset's endpoints and scope: the admin enters only the client id and secret (and may override any).</summary>
    public static IReadOnlyDictionary<string, string> Defaults(string type) => type switch
    {
        GitHub => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://github.com/login/oauth/authorize",
            ["tokenEndpoint"] = "https://github.com/login/oauth/access_token",
            ["userInfoEndpoint"] = "https://api.github.com/user",
            ["scope"] = "read:user user:email",
        },
        Ldap or Ad => DirectoryFields.Defaults(type),
        _ => new Dictionary<string, string>(),
    };
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
            case ConnTypes.GitHub:
                foreach (var name in new[] { "authorizationEndpoint", "tokenEndpoint", "userInfoEndpoint" })
                    if (Text(open, name) is { } url)
                        RequireUrl(url, name);
                Require(Text(open, "clientId"), "clientId");
                break;
            case ConnTypes.Ldap:
            case ConnTypes.Ad:
                DirectoryFields.Validate(open, secrets);
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
