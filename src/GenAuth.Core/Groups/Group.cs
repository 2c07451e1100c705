using GenAuth.Core.Data;

namespace GenAuth.Core.Groups;

/// <summary>A user group of a pool, addressed by its code.</summary>
public sealed class Group : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A user's membership of a group.</summary>
public sealed class GroupMember : IPoolOwned
{
    public required string UserPoolId { get; set; }
    public required string GroupId { get; set; }
    public required string UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
