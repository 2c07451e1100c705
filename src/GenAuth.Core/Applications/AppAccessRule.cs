using GenAuth.Core.Data;

namespace GenAuth.Core.Applications;

/// <summary>An explicit per-user decision for one application: allowed or denied, over the app's default.</summary>
public sealed class AppAccessRule : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string AppId { get; set; }
    public required string UserId { get; set; }
    public bool Allowed { get; set; }
    public DateTime UpdatedAt { get; set; }
}
