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
    public required byte[] SecretSealed { get; set; }
    public string? RedirectUris { get; set; }
    public string? Identifier { get; set; }
    public string? Description { get; set; }
    public string? Logo { get; set; }

    /// <summary>ALLOW_ALL (default: every user of the pool may log in) or DENY_ALL (only users allowed explicitly).</summary>
    public string DefaultAccess { get; set; } = AppAccess.AllowAll;


    /// <summary>Logins through this app need a second factor, whatever the pool's MfaRequired says.</summary>
    public bool MfaRequired { get; set; }

    /// <summary>The hosted login page's look for this app (colour, CSS, methods shown).</summary>
    public AppBranding Branding { get; set; } = new();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
