using GenAuth.Core.Common;
using GenAuth.Core.Groups;
using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Permissions;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Groups;

public sealed class GroupType : ObjectGraphType<Group>
{
    public GroupType()
    {
        Name = "Group";
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
        Field<NonNullGraphType<PaginatedUsersType>>("users")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .ResolveAsync(async c => UserViews.Of(c, await c.Service<GroupService>().UsersAsync(c.Source.Id, c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.CancellationToken)));
        Field<PaginatedAuthorizedResourcesType>("authorizedResources")
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("resourceType")
            .ResolveAsync(async c => await c.Service<PermissionEvaluator>().ForGroupAsync(c.Source.Id,
                Role.Ns(c.GetArgument<string?>("namespace")), ResourceTypeEnum.Parse(c.GetArgument<string?>("resourceType")), c.CancellationToken));
    }
}

public sealed class PaginatedGroupsType : ObjectGraphType<Page<Group>>
{
    public PaginatedGroupsType()
    {
        Name = "PaginatedGroups";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<GroupType>>>>("list").Resolve(c => c.Source.List);
    }
}
