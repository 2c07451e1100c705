using GenAuth.Core.Data;

namespace GenAuth.Core.Sessions;

public sealed class Session : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string UserId { get; set; }
    public string? AppId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>
    /// When this session's sign-in passed a second factor (an MFA step, or a QR code confirmed from such a session);
    /// null for a single-factor session. What a QR confirmation from this session may vouch for.
    /// </summary>
    public DateTime? SecondFactorAt { get; set; }

    /// <summary>
    /// The browser SSO session this app session was opened from (OIDC authorization endpoint); revoking that session
    /// revokes this one too.
    /// </summary>
    public string? ParentSessionId { get; set; }

    /// <summary>How the second factor was passed (totp, sms, email, recovery), when known: the OIDC amr claim.</summary>
    public string? SecondFactorMethod { get; set; }

    /// <summary>The id-token claims the pool's pipeline functions added at sign-in (JSON), so refreshed tokens keep them.</summary>
    public string? PipelineClaims { get; set; }

    /// <summary>The device this session was opened from (user agent + client fingerprint, Core/Devices); disabling it ends the session.</summary>
    public string? DeviceId { get; set; }

    /// <summary>The tenant this session was opened under (a tenant-enabled app, Core/Tenants): the tokens' tenant_id claim.</summary>
    public string? TenantId { get; set; }
}
