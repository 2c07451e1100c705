using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GraphQL.Types;

namespace GenAuth.GraphQL.Permissions;

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

/// <summary>
/// One grant of authorizeResource. TargetType holds what PolicyAssignmentTargetType parsed: a PermissionTargetType, or
/// the string "AK_SK" (in GenAuth's enum, refused here).
/// </summary>
public sealed record AuthorizeResourceOpt(object TargetType, string TargetIdentifier, List<string>? Actions, string? Conditions);

public sealed class AuthorizeResourceOptInput : InputObjectGraphType<AuthorizeResourceOpt>
{
    public AuthorizeResourceOptInput()
    {
        Name = "AuthorizeResourceOpt";
        Field(x => x.TargetType, typeof(NonNullGraphType<PolicyAssignmentTargetTypeEnum>)).Description("Who is granted: USER, ROLE, GROUP or ORG (AK_SK is refused).");
        Field(x => x.TargetIdentifier, typeof(NonNullGraphType<StringGraphType>)).Description("The user id, role code, group code or org node id.");
        Field(x => x.Actions, typeof(ListGraphType<NonNullGraphType<StringGraphType>>)).Description("The actions granted (e.g. read; * for every action).");
        Field(x => x.Conditions, typeof(StringGraphType)).Description("Optional conditions as JSON, [{ param, operator, value }] (ip IN_RANGE, time BETWEEN, user.<field> EQUAL, ...): the grant applies only while all hold; a malformed one is refused.");
    }
}

public sealed record AuthorizedTargetsActions(string Op, List<string?> List);

public sealed class AuthorizedTargetsActionsInput : InputObjectGraphType<AuthorizedTargetsActions>
{
    public AuthorizedTargetsActionsInput()
    {
        Name = "AuthorizedTargetsActionsInput";
        Field(x => x.Op, typeof(NonNullGraphType<OperatorEnum>)).Description("AND: targets allowed every listed action; OR: allowed any of them.");
        Field(x => x.List, typeof(NonNullGraphType<ListGraphType<StringGraphType>>)).Description("The actions.");
    }
}
