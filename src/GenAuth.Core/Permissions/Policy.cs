using GenAuth.Core.Data;

namespace GenAuth.Core.Permissions;

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>One condition of a statement or grant: { param, operator, value } (see <see cref="Conditions"/>).</summary>
public sealed class PolicyCondition
{
    public string Param { get; set; } = "";
    public string Operator { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>One statement of a policy: the actions on a resource (a code or a pattern) it allows or denies, when every condition holds.</summary>
public sealed class PolicyStatement
{
    public string Resource { get; set; } = "";
    public List<string> Actions { get; set; } = [];
    public PolicyEffect Effect { get; set; }
    public List<PolicyCondition> Condition { get; set; } = [];
}

/// <summary>A named set of statements of a namespace (GenAuth's policies), assigned to users, roles, groups and org nodes.</summary>
public sealed class Policy : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Namespace { get; set; }
    public required string Code { get; set; }
    public string? Description { get; set; }
    public bool IsDefault { get; set; }
    public List<PolicyStatement> Statements { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A policy given to a target. For an org node, <see cref="InheritByChildren"/> says whether members of its child
/// nodes get it too (only the node's own members otherwise). A disabled assignment is kept but takes no part.
/// </summary>
public sealed class PolicyAssignment : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Namespace { get; set; }
    public required string PolicyId { get; set; }
    public PermissionTargetType TargetType { get; set; }
    public required string TargetId { get; set; }
    public bool InheritByChildren { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}

/// <summary>A declared permission namespace (GenAuth's "resource namespace", the namespace roles and resources live in).</summary>
public sealed class ResourceNamespace : IPoolOwned
{
    public int Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
