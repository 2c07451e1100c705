using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Permissions;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Roles;

public sealed class RoleType : ObjectGraphType<Role>
{
    public RoleType()
    {
        Name = "Role";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("namespace").Resolve(c => c.Source.Namespace);
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<StringGraphType>>("arn").Resolve(c => c.Source.Arn);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<BooleanGraphType>("isSystem").Resolve(c => c.Source.IsSystem);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
        Field<NonNullGraphType<PaginatedUsersType>>("users")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .ResolveAsync(async c => UserViews.Of(c, await c.Service<RoleService>().UsersAsync(c.Source.Id, c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.CancellationToken)));
        Field<PaginatedAuthorizedResourcesType>("authorizedResources")
            .Argument<StringGraphType>("resourceType")
            .ResolveAsync(async c => await c.Service<PermissionEvaluator>().ForRoleAsync(c.Source,
                ResourceTypeEnum.Parse(c.GetArgument<string?>("resourceType")), c.CancellationToken));
        Field<RoleType>("parent").Resolve(c =>
        {
            if (c.Source.ParentId is null)
                return null;
            var roles = c.Service<RoleService>();
            return c.Loaders().Get<string, Role>("roles-by-id", roles.ByIdsAsync).Load(c.Source.ParentId);
        });
    }
}

public sealed class PaginatedRolesType : ObjectGraphType<Page<Role>>
{
    public PaginatedRolesType()
    {
        Name = "PaginatedRoles";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RoleType>>>>("list").Resolve(c => c.Source.List);
    }
}
