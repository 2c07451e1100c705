using GenAuth.Core.Data;

namespace GenAuth.Core.Roles;

/// <summary>A role in a namespace (permission group); a child role inherits its parent's permissions.</summary>
public sealed class Role : IPoolOwned
{
    public const string DefaultNamespace = "default";

    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Namespace { get; set; }
    public required string Code { get; set; }
    public string? Description { get; set; }
    public string? ParentId { get; set; }
    public bool IsSystem { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public string Arn => $"arn:cn:authing:{UserPoolId}:role:{Id}";

    public static string Ns(string? ns) => string.IsNullOrWhiteSpace(ns) ? DefaultNamespace : ns;
}

/// <summary>Who holds a role: a user, a group, or an org node (whose members and sub-nodes hold it too).</summary>
public enum RoleTargetType
{
    User,
    Group,
    Node,
}

public sealed class RoleAssignment : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string RoleId { get; set; }
    public RoleTargetType TargetType { get; set; }
    public required string TargetId { get; set; }
    public DateTime CreatedAt { get; set; }
}
