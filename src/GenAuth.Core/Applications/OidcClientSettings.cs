using GenAuth.Core.Common;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Applications;

/// <summary>
/// An app's OAuth 2.0 / OpenID Connect client settings: validated on the way in (GraphQL and REST share it) and read
/// by the authorization server.
/// </summary>
public static class OidcClientSettings
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";
    public const string Implicit = "implicit";
    public static readonly string[] KnownGrantTypes = [AuthorizationCode, RefreshToken, ClientCredentials, Implicit];

    public const string SecretBasic = "client_secret_basic";
    public const string SecretPost = "client_secret_post";
    public const string None = "none";
    public static readonly string[] KnownAuthMethods = [SecretBasic, SecretPost, None];

    /// <summary>Longest token lifetime an app may ask for (one year), and the shortest (one minute).</summary>
    public const int MaxLifetimeSeconds = 365 * 24 * 3600;
    public const int MinLifetimeSeconds = 60;

    public const int MaxUris = 50;

    public static IReadOnlyList<string> Lines(string? value) =>
        (value ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IReadOnlyList<string> GrantTypesOf(Application app) =>
        app.GrantTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool IsPublic(Application app) => app.TokenEndpointAuthMethod == None;

    public static void Apply(Application app, OidcClientInput o)
    {
        if (o.PostLogoutRedirectUris is not null)
            app.PostLogoutRedirectUris = string.Join('\n', RequireUris(o.PostLogoutRedirectUris, "postLogoutRedirectUris"));
        if (o.GrantTypes is not null)
        {
            var grants = o.GrantTypes.Select(g => g.Trim()).Distinct().ToList();
            if (grants.Any(g => !KnownGrantTypes.Contains(g)))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "grantTypes: authorization_code, refresh_token, client_credentials, implicit");
            app.GrantTypes = string.Join(' ', grants);
        }
        if (o.TokenEndpointAuthMethod is { } method)
        {
            if (!KnownAuthMethods.Contains(method))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "tokenEndpointAuthMethod: client_secret_basic, client_secret_post or none");
            app.TokenEndpointAuthMethod = method;
        }
        app.IdTokenLifetime = Lifetime(o.IdTokenLifetime, "idTokenLifetime") ?? app.IdTokenLifetime;
        app.AccessTokenLifetime = Lifetime(o.AccessTokenLifetime, "accessTokenLifetime") ?? app.AccessTokenLifetime;
        app.RefreshTokenLifetime = Lifetime(o.RefreshTokenLifetime, "refreshTokenLifetime") ?? app.RefreshTokenLifetime;
        app.ThirdParty = o.ThirdParty ?? app.ThirdParty;
        app.ImplicitAllowed = o.ImplicitAllowed ?? app.ImplicitAllowed;
        if (o.CorsOrigins is not null)
            app.CorsOrigins = string.Join('\n', RequireOrigins(o.CorsOrigins));
        if (o.BackchannelLogoutUri is not null)
            app.BackchannelLogoutUri = o.BackchannelLogoutUri.Length == 0 ? null : RequireUris([o.BackchannelLogoutUri], "backchannelLogoutUri")[0];
        if (o.FrontchannelLogoutUri is not null)
            app.FrontchannelLogoutUri = o.FrontchannelLogoutUri.Length == 0 ? null : RequireFrameUri(o.FrontchannelLogoutUri, "frontchannelLogoutUri");
        app.FrontchannelLogoutSessionRequired = o.FrontchannelLogoutSessionRequired ?? app.FrontchannelLogoutSessionRequired;
        if (IsPublic(app) && GrantTypesOf(app).Contains(ClientCredentials))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "a public client (tokenEndpointAuthMethod none) can't use client_credentials");
    }

    /// <summary>
    /// Absolute URIs without a fragment, no wildcards: the authorization server compares them exactly (RFC 6749 §3.1.2),
    /// except the loopback rule for native apps (RFC 8252 §7.3): a registered http://127.0.0.1/… or http://[::1]/…
    /// URI without a port (or http://localhost/…) matches any port.
    /// </summary>
    public static List<string> RequireUris(IReadOnlyList<string> uris, string field)
    {
        if (uris.Count > MaxUris)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{field}: at most {MaxUris}");
        var result = new List<string>();
        foreach (var raw in uris)
        {
            var value = raw?.Trim() ?? "";
            if (value.Length is 0 or > 2048 || value.Contains('*') || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
                || !string.IsNullOrEmpty(uri.Fragment) || uri.Scheme is "javascript" or "data" or "file")
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{field}: '{Clip(value)}' is not an absolute URI without fragment or wildcard");
            result.Add(value);
        }
        return result;
    }

    /// <summary>
    /// A URI the logout page loads in an iframe (OIDC Front-Channel Logout 1.0 §2): https, or http on a loopback host
    /// (local development), absolute, no fragment, no user info, no wildcard. The page's CSP frame-src names its origin.
    /// </summary>
    public static string RequireFrameUri(string raw, string field)
    {
        var value = RequireUris([raw], field)[0];
        var uri = new Uri(value);
        var ok = (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback))
                 && string.IsNullOrEmpty(uri.UserInfo) && !string.IsNullOrEmpty(uri.Host);
        if (!ok)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{field}: '{Clip(value)}' must be https (or http on localhost)");
        return value;
    }

    private static List<string> RequireOrigins(IReadOnlyList<string> origins)
    {
        var result = new List<string>();
        foreach (var raw in origins)
        {
            var value = raw?.Trim().TrimEnd('/') ?? "";
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"corsOrigins: '{Clip(value)}' is not an origin (scheme://host[:port])");
            result.Add(value);
        }
        return result;
    }

    private static int? Lifetime(int? seconds, string field) => seconds switch
    {
        null => null,
        < MinLifetimeSeconds or > MaxLifetimeSeconds => throw new GenAuthException(ErrorCodes.BadRequest,
            detail: $"{field}: {MinLifetimeSeconds} to {MaxLifetimeSeconds} seconds"),
        _ => seconds,
    };

    private static string Clip(string s) => TextCut.Clip(s, 80);

    /// <summary>Whether a redirect URI sent by a client matches a registered one (exact, or the loopback any-port rule).</summary>
    public static bool RedirectUriMatches(string registered, string given)
    {
        if (string.Equals(registered, given, StringComparison.Ordinal))
            return true;
        if (!Uri.TryCreate(registered, UriKind.Absolute, out var r) || !Uri.TryCreate(given, UriKind.Absolute, out var g))
            return false;
        // Note: only a registered loopback host (127.0.0.1, [::1], localhost) without a port opts in (RFC 8252 §7.3).
        var loopback = r.Scheme == "http" && r.IsLoopback && r.Host is "127.0.0.1" or "[::1]" or "localhost"
                       && !registered.Contains($"{r.Host}:{r.Port}", StringComparison.Ordinal);
        return loopback && g.Scheme == "http" && g.Host == r.Host && g.PathAndQuery == r.PathAndQuery
               && string.IsNullOrEmpty(g.Fragment) && string.IsNullOrEmpty(g.UserInfo);
    }
}
