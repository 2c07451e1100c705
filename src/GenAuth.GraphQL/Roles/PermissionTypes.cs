using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GraphQL.Types;

namespace GenAuth.GraphQL.Roles;

public sealed class ResourceTypeEnum : EnumerationGraphType<ResourceType>
{
    public ResourceTypeEnum()
    {
        Name = "ResourceType";
    }

    /// <summary>The resourceType arguments GenAuth types as String: DATA, API, MENU, UI, BUTTON (any case); null/empty = all.</summary>
    public static ResourceType? Parse(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<ResourceType>(value, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t
        : throw new GenAuthException(ErrorCodes.BadRequest, detail: "resourceType must be DATA, API, MENU, UI or BUTTON");
}

public sealed class PolicyAssignmentTargetTypeEnum : EnumerationGraphType
{
    public PolicyAssignmentTargetTypeEnum()
    {
        Name = "PolicyAssignmentTargetType";
        Add("USER", PermissionTargetType.User);
        Add("ROLE", PermissionTargetType.Role);
        Add("GROUP", PermissionTargetType.Group);
        Add("ORG", PermissionTargetType.Org);
        Add("AK_SK", "AK_SK", "Programmatic access accounts (not supported here: refused).");
    }
}

public sealed class OperatorEnum : EnumerationGraphType
{
    public OperatorEnum()
    {
        Name = "Operator";
        Add("AND", "AND");
        Add("OR", "OR");
    }
}

public sealed class AuthorizedResourceType : ObjectGraphType<AuthorizedResource>
{
    public AuthorizedResourceType()
    {
        Name = "AuthorizedResource";
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Code);
        Field<ResourceTypeEnum>("type").Resolve(c => c.Source.Type);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("actions").Resolve(c => c.Source.Actions);
        Field<StringGraphType>("apiIdentifier").Resolve(c => c.Source.ApiIdentifier);
    }
}

public sealed class PaginatedAuthorizedResourcesType : ObjectGraphType<Page<AuthorizedResource>>
{
    public PaginatedAuthorizedResourcesType()
    {
        Name = "PaginatedAuthorizedResources";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuthorizedResourceType>>>>("list").Resolve(c => c.Source.List);
    }
}

public sealed class ResourcePermissionAssignmentType : ObjectGraphType<AuthorizedTarget>
{
    public ResourcePermissionAssignmentType()
    {
        Name = "ResourcePermissionAssignment";
        Field<PolicyAssignmentTargetTypeEnum>("targetType").Resolve(c => c.Source.TargetType);
        Field<StringGraphType>("targetIdentifier").Resolve(c => c.Source.TargetIdentifier);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("actions").Resolve(c => c.Source.Actions);
    }
}

public sealed class PaginatedAuthorizedTargetsType : ObjectGraphType<Page<AuthorizedTarget>>
{
    public PaginatedAuthorizedTargetsType()
    {
        Name = "PaginatedAuthorizedTargets";
        Field<ListGraphType<ResourcePermissionAssignmentType>>("list").Resolve(c => c.Source.List);
        Field<IntGraphType>("totalCount").Resolve(c => c.Source.TotalCount);
    }
}

public sealed class AuthorizeResourceOptInput : InputObjectGraphType
{
    public AuthorizeResourceOptInput()
    {
        Name = "AuthorizeResourceOpt";
        Field<NonNullGraphType<PolicyAssignmentTargetTypeEnum>>("targetType");
        Field<NonNullGraphType<StringGraphType>>("targetIdentifier");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("actions");
        Field<StringGraphType>("conditions").Description("Optional conditions as JSON; stored and returned, not evaluated.");
    }
}

public sealed class AuthorizedTargetsActionsInput : InputObjectGraphType
{
    public AuthorizedTargetsActionsInput()
    {
        Name = "AuthorizedTargetsActionsInput";
        Field<NonNullGraphType<OperatorEnum>>("op");
        Field<NonNullGraphType<ListGraphType<StringGraphType>>>("list");
    }
}
