using GenAuth.Core.Data;

namespace GenAuth.Core.Orgs;

/// <summary>An organization: a tree of nodes (departments) under one root node.</summary>
public sealed class Organization : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string RootNodeId { get; set; }
    public string? TenantId { get; set; }
    public string? Logo { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A node of an org tree. <see cref="Path"/> holds the ids from the root to this node joined by '/', so a
/// subtree is one prefix query and a move into one's own subtree is a prefix check.
/// </summary>
public sealed class OrgNode : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string OrgId { get; set; }
    public string? ParentId { get; set; }
    public required string Path { get; set; }
    public required string Name { get; set; }
    public string? NameI18n { get; set; }
    public string? Description { get; set; }
    public string? DescriptionI18n { get; set; }
    public int? Order { get; set; }
    public string? Code { get; set; }
    public string? LeaderUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsRoot => ParentId is null;
    public string[] PathIds => Path.Split('/');
    public int Depth => PathIds.Length - 1;
}

/// <summary>A user's membership of a node (a department), with the main-department and leader flags.</summary>
public sealed class NodeMember : IPoolOwned
{
    public required string UserPoolId { get; set; }
    public required string NodeId { get; set; }
    public required string UserId { get; set; }
    public bool IsMain { get; set; }
    public bool IsLeader { get; set; }
    public DateTime JoinedAt { get; set; }
}
