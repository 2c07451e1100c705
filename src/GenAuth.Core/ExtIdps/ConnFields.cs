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
    public const string Google = "google";
    public const string GitLab = "gitlab";
    public const string Microsoft = "microsoft";
    public const string Slack = "slack";
    public const string LinkedIn = "linkedin";
    public const string Gitee = "gitee";
    /// <summary>WeChat web QR login (open.weixin.qq.com qrconnect): WeChat's own protocol, not standard OAuth 2.0.</summary>
    public const string WeChatPc = "wechat:pc";
    /// <summary>DingTalk's OAuth 2.0 login (login.dingtalk.com, api.dingtalk.com v1.0): JSON token call, header-borne token.</summary>
    public const string DingTalk = "dingtalk";
    public const string Ldap = "ldap";
    public const string Ad = "ad";

    /// <summary>Directory types: they sign in with a user name and password (loginByLdap / loginByAD), not a redirect.</summary>
    public static bool IsDirectory(string type) => type is Ldap or Ad;

    /// <summary>Types that sign in with the OAuth 2.0 code flow and a userinfo mapping (generic, or a preset).</summary>
    public static bool IsOAuth2(string type) => type is OAuth2 or GitHub or Facebook or Feishu or Gitee;

    /// <summary>Types that sign in with OpenID Connect (an id token checked against the provider's keys): generic, or a preset.</summary>
    public static bool IsOidc(string type) => type is Oidc or Apple or Line or Google or GitLab or Microsoft or Slack or LinkedIn;

    /// <summary>Types with a client of their own (a code flow whose token and user calls aren't standard OAuth 2.0).</summary>
    public static bool IsOwnProtocol(string type) => type is WeChatPc or DingTalk;

    public static bool CanSignIn(string type) => IsOidc(type) || IsOAuth2(type) || IsOwnProtocol(type);

    /// <summary>
    /// The family whose connections share one user id space (WeChat's unionid spans every app of one Open Platform
    /// account: web QR, mobile, official account, mini program; DingTalk's unionId every app of one developer), or null.
    /// An identity keyed by such an id, linked through one connection, signs the same user in through its siblings.
    /// WeChat Work (wechatwork…) has ids of its own and is not in the WeChat family.
    /// </summary>
    public static string? UnionFamily(string type) =>
        type.StartsWith("wechat:", StringComparison.Ordinal) || type is "wechatmp-qrcode" or "wechat-miniprogram-qrcode" ? "wechat"
        : type == DingTalk ? DingTalk
        : null;

    /// <summary>
    /// Whether the client id and secret go in the token request's form (client_secret_post) rather than a Basic header:
    /// Apple, LINE, Facebook, Feishu, Slack, LinkedIn and Gitee accept only the form (Slack's and LinkedIn's discovery
    /// documents list only client_secret_post; Gitee's token endpoint reads client_secret from the form); a connection's
    /// tokenEndpointAuthMethod overrides.
    /// </summary>
    public static bool SecretInForm(string type, IReadOnlyDictionary<string, string> fields) =>
        fields.GetValueOrDefault("tokenEndpointAuthMethod") switch
        {
            "client_secret_post" => true,
            "client_secret_basic" => false,
            _ => type is Apple or Line or Facebook or Feishu or Slack or LinkedIn or Gitee,
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
        Google => new Dictionary<string, string> { ["issuerUrl"] = "https://accounts.google.com", ["scopes"] = "openid profile email" },
        // gitlab.com; a self-hosted GitLab sets issuerUrl to its own URL.
        GitLab => new Dictionary<string, string> { ["issuerUrl"] = "https://gitlab.com", ["scopes"] = "openid profile email" },
        // Microsoft identity platform v2.0: issuerUrl is derived from authority and tenant (see Derive).
        Microsoft => new Dictionary<string, string>
        {
            ["authority"] = "https://login.microsoftonline.com", ["tenant"] = "common", ["scopes"] = "openid profile email",
        },
        Slack => new Dictionary<string, string> { ["issuerUrl"] = "https://slack.com", ["scopes"] = "openid profile email" },
        LinkedIn => new Dictionary<string, string> { ["issuerUrl"] = "https://www.linkedin.com/oauth", ["scopes"] = "openid profile email" },
        // Gitee's API v5: the user's public email, never marked verified (mapping in ClaimMapping).
        Gitee => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://gitee.com/oauth/authorize",
            ["tokenEndpoint"] = "https://gitee.com/oauth/token",
            ["userInfoEndpoint"] = "https://gitee.com/api/v5/user",
            ["scope"] = "user_info",
        },
        // WeChat web QR login (WeChat Open Platform "网站应用"): clientId is the AppID, clientSecret the AppSecret.
        WeChatPc => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://open.weixin.qq.com/connect/qrconnect",
            ["tokenEndpoint"] = "https://api.weixin.qq.com/sns/oauth2/access_token",
            ["userInfoEndpoint"] = "https://api.weixin.qq.com/sns/userinfo",
            ["scope"] = "snsapi_login",
        },
        // DingTalk's new login: clientId is the app's AppKey (Client ID), clientSecret its AppSecret.
        DingTalk => new Dictionary<string, string>
        {
            ["authorizationEndpoint"] = "https://login.dingtalk.com/oauth2/auth",
            ["tokenEndpoint"] = "https://api.dingtalk.com/v1.0/oauth2/userAccessToken",
            ["userInfoEndpoint"] = "https://api.dingtalk.com/v1.0/contact/users/me",
            ["scope"] = "openid",
        },
        Ldap or Ad => DirectoryFields.Defaults(type),
        _ => new Dictionary<string, string>(),
    };

    /// <summary>
    /// Fields a preset computes from others once the stored ones are merged over its defaults: Microsoft's issuer is
    /// {authority}/{tenant}/v2.0 unless the connection names an issuerUrl itself.
    /// </summary>
    public static void Derive(string type, Dictionary<string, string> fields)
    {
        if (type == Microsoft && !fields.ContainsKey("issuerUrl"))
            fields["issuerUrl"] = $"{fields["authority"].TrimEnd('/')}/{fields["tenant"]}/v2.0";
    }
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
            case ConnTypes.Microsoft:
                if (Text(open, "authority") is { } authority)
                    RequireUrl(authority, "authority");
                // A GUID, a verified domain, or common / organizations / consumers: it becomes a path segment of the issuer.
                if (Text(open, "tenant") is { } tenant && !IsTenant(tenant))
                    throw ExtIdpService.Invalid("tenant");
                goto case ConnTypes.Apple;
            case ConnTypes.Google:
            case ConnTypes.GitLab:
            case ConnTypes.Slack:
            case ConnTypes.LinkedIn:
            case ConnTypes.Apple:
            case ConnTypes.Line:
                if (Text(open, "issuerUrl") is { } issuer)
                    RequireUrl(issuer, "issuerUrl");
                Require(Text(open, "clientId"), "clientId");
                if (Text(open, "responseMode") is { } mode && mode is not ("form_post" or "query"))
                    throw ExtIdpService.Invalid("responseMode");
                RequireAuthMethod(open);
                break;
            case ConnTypes.GitHub:
            case ConnTypes.Facebook:
            case ConnTypes.Feishu:
            case ConnTypes.Gitee:
                foreach (var name in new[] { "authorizationEndpoint", "tokenEndpoint", "userInfoEndpoint" })
                    if (Text(open, name) is { } url)
                        RequireUrl(url, name);
                Require(Text(open, "clientId"), "clientId");
                RequireAuthMethod(open);
                break;
            case ConnTypes.WeChatPc:
            case ConnTypes.DingTalk:
                foreach (var name in new[] { "authorizationEndpoint", "tokenEndpoint", "userInfoEndpoint" })
                    if (Text(open, name) is { } url)
                        RequireUrl(url, name);
                Require(Text(open, "clientId"), "clientId");
                if (!secrets.ContainsKey("clientSecret"))
                    throw ExtIdpService.Invalid("clientSecret");
                // Note: WeChat's AppID and DingTalk's AppKey travel in URLs and JSON as they are: letters, digits, - and _.
                if (!Text(open, "clientId")!.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    throw ExtIdpService.Invalid("clientId");
                if (Text(open, "scope") is { } ownScope && (ownScope.Length > 256 || ownScope.Any(char.IsControl)))
                    throw ExtIdpService.Invalid("scope");
                if (Text(open, "phoneVerified") is { } trust && trust is not ("true" or "false"))
                    throw ExtIdpService.Invalid("phoneVerified");
                break;
            case ConnTypes.Ldap:
            case ConnTypes.Ad:
                DirectoryFields.Validate(open, secrets);
                break;
        }
    }

    public static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static void RequireAuthMethod(JsonObject open)
    {
        if (Text(open, "tokenEndpointAuthMethod") is { } method && method is not ("client_secret_post" or "client_secret_basic"))
            throw ExtIdpService.Invalid("tokenEndpointAuthMethod");
    }

    private static bool IsTenant(string tenant) =>
        tenant.Length <= 64 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') && tenant[0] != '.' && !tenant.Contains("..", StringComparison.Ordinal);

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
