using GenAuth.Core.Data;

namespace GenAuth.Core.Pools;

/// <summary>One value of a registration whitelist: USERNAME, EMAIL (stored normalized) or PHONE (stored in phone-key form).</summary>
public sealed class WhitelistEntry : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Type { get; set; }
    public required string Value { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
