using System.Net;
using System.Text.Json.Nodes;

namespace GenAuth.Core.ExtIdps;

/// <summary>Connection types this server signs in with; other types are stored (for later versions) but can't sign in yet.</summary>
public static class ConnTypes
{
    public const string Oidc = "oidc";
    public const string OAuth2 = "oauth2";
    public const string GitHub = "github";
    public const string Apple = "apple";
    public const string Line = "line";
    public const string Facebook = "facebook";
    public const string Feishu = "feishu";
    public const string Ldap = "ldap";
    public const string Ad = "ad";

    /// <summary>Directory types: they sign in with a user name and password (loginByLdap / loginByAD), not a redirect.</summary>
    public static bool IsDirectory(string type) => type is Ldap or Ad;

    /// <summary>Types that sign in with the OAuth 2.0 code flow and a userinfo mapping (generic, or a preset).</summary>
    public static bool IsOAuth2(string type) => type is OAuth2 or GitHub or Facebook or Feishu;

    /// <summary>Types that sign in with OpenID Connect (an id token checked against the provider's keys): generic, or a preset.</summary>
    public static bool IsOidc(string type) => type is Oidc or Apple or Line;

    public static bool CanSignIn(string type) => IsOidc(type) || IsOAuth2(type);

    /// <summary>
    /// Whether the client id and secret go in the token request's form (client_secret_post) rather than a Basic header:
    /// Apple, LINE, Facebook and Feishu accept only the form; a connection's tokenEndpointAuthMethod overrides.
    /// </summary>
    public static bool SecretInForm(string type, IReadOnlyDictionary<string, string> fields) =>
        fields.GetValueOrDefault("tokenEndpointAuthMethod") switch
        {
            "client_secret_post" => true,
            "client_secret_basic" => false,
            _ => type is Apple or Line or Facebook or Feishu,
        };

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
        // Apple: the callback is a POST (response_mode=form_post, required with the name and email scopes); its client
        // secret is the ES256 JWT the developer signs with their key, entered as clientSecret.
        Apple => new Dictionary<string, string>
        {
            ["issuerUrl"] = "https://appleid.apple.com",
            ["scopes"] = "openid name email",
            ["responseMode"] = "form_post",
        },
        // LINE Login v2.1: id tokens of web logins are HS256, signed with the channel secret (the clientSecret).
        Line => new Dictionary<string, string>
        {
            ["issuerUrl"] = "https://access.line.me",
            ["scopes"] = "openid profile email",
        },
        Facebook => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://www.facebook.com/v19.0/dialog/oauth",
            ["tokenEndpoint"] = "https://graph.facebook.com/v19.0/oauth/access_token",
            ["userInfoEndpoint"] = "https://graph.facebook.com/v19.0/me?fields=id,name,email,picture",
            ["scope"] = "email public_profile",
        },
        Feishu => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://passport.feishu.cn/suite/passport/oauth/authorize",
            ["tokenEndpoint"] = "https://passport.feishu.cn/suite/passport/oauth/token",
            ["userInfoEndpoint"] = "https://passport.feishu.cn/suite/passport/oauth/userinfo",
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
                if (Text(open, "responseMode") is { } oidcMode && oidcMode is not ("form_post" or "query"))
                    throw ExtIdpService.Invalid("responseMode");
                if (Text(open, "tokenEndpointAuthMethod") is { } oidcMethod && oidcMethod is not ("client_secret_post" or "client_secret_basic"))
                    throw ExtIdpService.Invalid("tokenEndpointAuthMethod");
                break;
            case ConnTypes.OAuth2:
                RequireUrl(Text(open, "authorizationEndpoint"), "authorizationEndpoint");
                RequireUrl(Text(open, "tokenEndpoint"), "tokenEndpoint");
                RequireUrl(Text(open, "userInfoEndpoint"), "userInfoEndpoint");
                Require(Text(open, "clientId"), "clientId");
                if (Text(open, "tokenEndpointAuthMethod") is { } method && method is not ("client_secret_post" or "client_secret_basic"))
                    throw ExtIdpService.Invalid("tokenEndpointAuthMethod");
                if (open["mapping"] is { } mapping && mapping is not JsonObject)
                    throw ExtIdpService.Invalid("mapping");
                break;
            case ConnTypes.Apple:
            case ConnTypes.Line:
                if (Text(open, "issuerUrl") is { } issuer)
                    RequireUrl(issuer, "issuerUrl");
                Require(Text(open, "clientId"), "clientId");
                if (Text(open, "responseMode") is { } mode && mode is not ("form_post" or "query"))
                    throw ExtIdpService.Invalid("responseMode");
                break;
            case ConnTypes.GitHub:
            case ConnTypes.Facebook:
            case ConnTypes.Feishu:
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
