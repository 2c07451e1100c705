using GenAuth.Core.Data;

namespace GenAuth.Core.Pools;

/// <summary>GenAuth's registration whitelist: when a type is enabled on the pool, only listed values may register.</summary>
public sealed class WhitelistEntry : IPoolOwned
{
    public const string Username = "USERNAME";
    public const string Email = "EMAIL";
    public const string Phone = "PHONE";

    public required string Id { get; set; }
    public required string UserPoolId { get; set; }

    /// <summary>USERNAME, EMAIL or PHONE.</summary>
    public required string Type { get; set; }

    /// <summary>Normalised value: lower-case email, national phone number, username as is.</summary>
    public required string Value { get; set; }

    public DateTime CreatedAt { get; set; }
}
