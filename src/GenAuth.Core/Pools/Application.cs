using GenAuth.Core.Data;

namespace GenAuth.Core.Pools;

public sealed class Application : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Name { get; set; }
    public required byte[] SecretSealed { get; set; }
    public string? RedirectUris { get; set; }

    /// <summary>Logins through this app need a second factor, whatever the pool's MfaRequired says.</summary>
    public bool MfaRequired { get; set; }
    public DateTime CreatedAt { get; set; }
}
