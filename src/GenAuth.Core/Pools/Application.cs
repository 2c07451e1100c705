using GenAuth.Core.Data;

namespace GenAuth.Core.Pools;

public static class AppAccess
{
    public const string AllowAll = "ALLOW_ALL";
    public const string DenyAll = "DENY_ALL";
}

public sealed class Application : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Name { get; set; }
    /// <summary>
    /// Legacy: the secret sealed with the master key (readable). Apps created before the OIDC server keep it until the
    /// secret is first used or rotated, when it is replaced by <see cref="SecretHash"/> and emptied.
    /// </summary>
    public required byte[] SecretSealed { get; set; }

    /// <summary>SHA-256 of the client secret (a 256-bit random string, so a fast hash is enough); shown once.</summary>
    public byte[]? SecretHash { get; set; }
    public string? RedirectUris { get; set; }
    public string? Identifier { get; set; }
    public string? Description { get; set; }
    public string? Logo { get; set; }

    /// <summary>ALLOW_ALL (default: every user of the pool may log in) or DENY_ALL (only users allowed explicitly).</summary>
    public string DefaultAccess { get; set; } = AppAccess.AllowAll;


    /// <summary>Logins through this app need a second factor, whatever the pool's MfaRequired says.</summary>
    public bool MfaRequired { get; set; }

    // OAuth 2.0 / OpenID Connect client settings (the app is the client; client_id = Id).

    /// <summary>Registered post-logout redirect URIs, newline-separated (exact match).</summary>
    public string? PostLogoutRedirectUris { get; set; }

    /// <summary>Allowed grants, space-separated: authorization_code refresh_token client_credentials implicit.</summary>
    public string GrantTypes { get; set; } = "authorization_code refresh_token";

    /// <summary>client_secret_basic, client_secret_post or none (a public client: PKCE S256 required).</summary>
    public string TokenEndpointAuthMethod { get; set; } = "client_secret_basic";

    /// <summary>Token lifetimes in seconds; null: the server's defaults.</summary>
    public int? IdTokenLifetime { get; set; }
    public int? AccessTokenLifetime { get; set; }
    public int? RefreshTokenLifetime { get; set; }

    /// <summary>A third-party app asks the user's consent (remembered per user); first-party apps skip it.</summary>
    public bool ThirdParty { get; set; }

    /// <summary>response_type id_token / id_token token are allowed (only with the implicit grant type too).</summary>
    public bool ImplicitAllowed { get; set; }

    /// <summary>Origins allowed to call the token endpoints from a browser, newline-separated.</summary>
    public string? CorsOrigins { get; set; }

    /// <summary>OIDC back-channel logout: a logout_token is POSTed here when the user's session ends.</summary>
    public string? BackchannelLogoutUri { get; set; }

    /// <summary>OIDC front-channel logout: the logout page loads this URI in an iframe when the user's session ends.</summary>
    public string? FrontchannelLogoutUri { get; set; }

    /// <summary>The front-channel logout URI gets iss and sid query parameters (frontchannel_logout_session_required).</summary>
    public bool FrontchannelLogoutSessionRequired { get; set; }

    /// <summary>The plain secret, only right after it was made (creation, refresh-secret): shown once, never stored.</summary>
    public string? ShownSecret { get; set; }

    /// <summary>INDIVIDUAL (the pool's users only), TENANT (signed in under a tenant) or BOTH (Core/Tenants.AppTypes).</summary>
    public string AppType { get; set; } = "INDIVIDUAL";


    /// <summary>The hosted login page's look for this app (colour, CSS, methods shown).</summary>
    public AppBranding Branding { get; set; } = new();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
