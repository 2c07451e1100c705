using GenAuth.Core.Data;

namespace GenAuth.Core.Permissions;

public enum ResourceType
{
    Data,
    Api,
    Menu,
    Ui,
    Button,
}

/// <summary>Who a permission is granted to (GenAuth's PolicyAssignmentTargetType).</summary>
public enum PermissionTargetType
{
    User,
    Role,
    Group,
    Org,
}

/// <summary>A declared resource of a namespace (code, type, its actions, an API identifier for API resources).</summary>
public sealed class Resource : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Namespace { get; set; }
    public required string Code { get; set; }
    public ResourceType Type { get; set; }
    public string? Description { get; set; }
    public List<ResourceAction> Actions { get; set; } = [];
    public string? ApiIdentifier { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class ResourceAction
{
    public required string Name { get; set; }
    public string? Description { get; set; }
}

/// <summary>
/// Actions a target may perform on a resource code of a namespace. The resource may be a pattern
/// ("books:*", "*"), as GenAuth's acl.allow accepts.
/// </summary>
public sealed class Permission : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Namespace { get; set; }
    public required string Resource { get; set; }
    public ResourceType ResourceType { get; set; }
    public PermissionTargetType TargetType { get; set; }
    public required string TargetId { get; set; }
    public List<string> Actions { get; set; } = [];

    /// <summary>Conditions as the caller sent them (JSON), kept and returned; not evaluated.</summary>
    public string? Conditions { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
