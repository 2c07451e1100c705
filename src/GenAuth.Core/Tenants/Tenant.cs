using GenAuth.Core.Data;

namespace GenAuth.Core.Tenants;

/// <summary>
/// A tenant: a sub-organisation of a pool with its own apps, members, admins and login-page branding (GenAuth's
/// multi-tenant feature). Apps whose type is TENANT or BOTH sign users in under a tenant they name.
/// </summary>
public sealed class Tenant : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Name { get; set; }
    public string? Logo { get; set; }
    public string? Description { get; set; }

    /// <summary>The tenant's login-page CSS.</summary>
    public string? Css { get; set; }

    /// <summary>The login page's switches (autoRegisterThenLogin, hideForgetPassword, hideIdp, hideSocialLogin), as JSON.</summary>
    public string? SsoPageCustomizationSettings { get; set; }

    /// <summary>The ids of the pool's apps this tenant uses, comma-separated (as the SDK sends them).</summary>
    public string AppIds { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> AppIdList() => AppIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A user's membership of a tenant: an admin of the tenant manages only it; a disabled member can't sign in under it.</summary>
public sealed class TenantMember : IPoolOwned
{
    public int Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string TenantId { get; set; }
    public required string UserId { get; set; }
    public bool IsAdmin { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}

/// <summary>How an app is used: by the pool only (INDIVIDUAL), only under tenants (TENANT), or both (BOTH).</summary>
public static class AppTypes
{
    public const string Individual = "INDIVIDUAL";
    public const string Tenant = "TENANT";
    public const string Both = "BOTH";

    public static string? Normalize(string? type) => type?.Trim().ToUpperInvariant() switch
    {
        Individual => Individual,
        Tenant => Tenant,
        Both => Both,
        _ => null,
    };

    public static bool TenantEnabled(string? type) => type is Tenant or Both;
}
