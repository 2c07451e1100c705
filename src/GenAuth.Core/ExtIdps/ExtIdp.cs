using GenAuth.Core.Data;

namespace GenAuth.Core.ExtIdps;

/// <summary>An identity source of a pool (GenAuth's extIdp): a named group of connections of one kind.</summary>
public sealed class ExtIdp : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public string? TenantId { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One connection of an identity source (GenAuth's extIdpConn): how to reach the provider. <see cref="FieldsJson"/> holds
/// the non-secret fields as the admin sent them; the secret ones (clientSecret, bindPassword, …) are sealed with the
/// master key in <see cref="SealedSecrets"/> and never read back through the API.
/// </summary>
public sealed class ExtIdpConn : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string ExtIdpId { get; set; }
    public required string Type { get; set; }
    /// <summary>Used in URLs (/connections/social/{identifier}); unique in the pool.</summary>
    public required string Identifier { get; set; }
    public required string DisplayName { get; set; }
    public string? Logo { get; set; }
    public string FieldsJson { get; set; } = "{}";
    public byte[]? SealedSecrets { get; set; }
    /// <summary>JSON array of the user fields an external profile may match (email, phone), only when verified on both sides.</summary>
    public string UserMatchFieldsJson { get; set; } = "[]";
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A user's identity at an external provider: the connection, the provider's user id, the profile it last sent (JSON)
/// and its tokens (sealed). One per (connection, provider user id); a user may hold several.
/// </summary>
public sealed class UserIdentity : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public required string ExtIdpId { get; set; }
    public required string ConnId { get; set; }
    /// <summary>The connection's type when linked (oidc, oauth2, …): GenAuth's identity "provider".</summary>
    public required string Provider { get; set; }
    public required string ProviderUserId { get; set; }
    public string ProfileJson { get; set; } = "{}";
    public byte[]? SealedTokens { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A connection switched on or off for one app, one tenant, or one app under one tenant (GenAuth's per-app connection
/// state: the SDK's changeExtIdpConnectionState with appId / tenantId). Empty <see cref="AppId"/> = every app of the
/// tenant; empty <see cref="TenantId"/> = the app outside any tenant. No row = the connection's pool-wide state applies.
/// </summary>
public sealed class ExtIdpConnAppState : IPoolOwned
{
    public int Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string ConnId { get; set; }
    public string AppId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public bool Enabled { get; set; }
    public DateTime UpdatedAt { get; set; }
}
