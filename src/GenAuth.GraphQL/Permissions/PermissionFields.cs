using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Permissions;

public sealed class PermissionQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<BooleanGraphType>>("isActionAllowed")
            .Description("Whether the user may perform the action on the resource (own grants and policies, roles with their parents, groups and departments; a DENY wins; conditions checked against this request).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("resource")
            .Argument<NonNullGraphType<StringGraphType>>("action")
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c => await IsAllowedAsync(c));
        q.Field<NonNullGraphType<BooleanGraphType>>("isActionDenied").AdminOnly()
            .Description("True unless the user is allowed the action: a DENY statement that applies, or no ALLOW, denies it.")
            .Argument<NonNullGraphType<StringGraphType>>("resource")
            .Argument<NonNullGraphType<StringGraphType>>("action")
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c => !await IsAllowedAsync(c));
        q.Field<PaginatedAuthorizedTargetsType>("authorizedTargets")
            .Description("Who is granted actions on a resource: users, roles, groups and org nodes, filtered by target type and actions.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("namespace")
            .Argument<NonNullGraphType<ResourceTypeEnum>>("resourceType")
            .Argument<NonNullGraphType<StringGraphType>>("resource")
            .Argument<PolicyAssignmentTargetTypeEnum>("targetType")
            .Argument<AuthorizedTargetsActionsInput>("actions")
            .ResolveAsync(async c =>
            {
                var actions = c.GetArgument<AuthorizedTargetsActions?>("actions");
                return await c.Service<PermissionService>().AuthorizedTargetsAsync(c.GetArgument<string>("namespace"),
                    c.GetArgument<ResourceType>("resourceType"), c.GetArgument<string>("resource"), TargetType(c.GetArgument<object?>("targetType")),
                    actions?.Op, actions?.List.OfType<string>().ToList(), c.CancellationToken);
            });
        q.Field<PaginatedAuthorizedResourcesType>("authorizedResources")
            .Description("The resources a target (user, role, group or org node) is granted in a namespace, optionally of one type.").AdminOnly()
            .Argument<PolicyAssignmentTargetTypeEnum>("targetType")
            .Argument<StringGraphType>("targetIdentifier")
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("resourceType")
            .ResolveAsync(async c => await c.Service<PermissionService>().ForTargetAsync(
                TargetType(c.GetArgument<object?>("targetType")) ?? PermissionTargetType.User, c.GetArgument<string?>("targetIdentifier") ?? "",
                c.GetArgument<string?>("namespace"), ResourceTypeEnum.Parse(c.GetArgument<string?>("resourceType")), c.CancellationToken));
    }

    private static Task<bool> IsAllowedAsync(IResolveFieldContext c) =>
        c.Service<PermissionService>().IsAllowedAsync(c.GetArgument<string>("resource"), c.GetArgument<string>("action"),
            c.GetArgument<string>("userId"), c.GetArgument<string?>("namespace"), c.CancellationToken);

    /// <summary>AK_SK (programmatic accounts) is in GenAuth's enum but has no targets here.</summary>
    internal static PermissionTargetType? TargetType(object? value) => value switch
    {
        null => null,
        PermissionTargetType t => t,
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "targetType AK_SK is not supported"),
    };
}

public sealed class PermissionMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<CommonMessageType>>("authorizeResource")
            .Description("Grants actions on a resource to users, roles, groups or org nodes (one grant per opt).").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("resource")
            .Argument<ResourceTypeEnum>("resourceType")
            .Argument<ListGraphType<AuthorizeResourceOptInput>>("opts")
            .ResolveAsync(async c =>
            {
                var opts = (c.GetArgument<List<AuthorizeResourceOpt?>?>("opts") ?? []).OfType<AuthorizeResourceOpt>()
                    .Select(o => new AuthorizeOpt(PermissionQueries.TargetType(o.TargetType) ?? PermissionTargetType.User, o.TargetIdentifier,
                        o.Actions, o.Conditions))
                    .ToList();
                await c.Service<PermissionService>().AuthorizeAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string?>("resource") ?? "",
                    c.GetArgument<ResourceType?>("resourceType"), opts, c.CancellationToken);
                return Messages.Ok(c, "授权成功", "Resource authorized");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("allow")
            .Description("Allows users and roles one action on a resource (a short form of authorizeResource).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("resource")
            .Argument<NonNullGraphType<StringGraphType>>("action")
            .Argument<StringGraphType>("userId")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("userIds")
            .Argument<StringGraphType>("roleCode")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("roleCodes")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c =>
            {
                var users = c.GetArgument<List<string>?>("userIds") ?? [];
                if (c.GetArgument<string?>("userId") is { Length: > 0 } u)
                    users.Add(u);
                var roles = c.GetArgument<List<string>?>("roleCodes") ?? [];
                if (c.GetArgument<string?>("roleCode") is { Length: > 0 } r)
                    roles.Add(r);
                await c.Service<PermissionService>().AllowAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("resource"),
                    c.GetArgument<string>("action"), users, roles, c.CancellationToken);
                return Messages.Ok(c, "授权成功", "Allowed");
            });
    }
}
