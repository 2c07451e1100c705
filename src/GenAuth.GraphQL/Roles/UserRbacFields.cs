using GenAuth.Core.Common;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Groups;
using GenAuth.GraphQL.Orgs;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Roles;

/// <summary>
/// User.roles, groups, departments and authorizedResources. Reading a User is already authorized (an admin of the
/// pool, or the user itself), so these only load; they load in batches, one fetch per field and argument set for
/// every user of the level (QUALITY P5).
/// </summary>
public static class UserRbacFields
{
    public static void Register(ObjectGraphType<UserView> user)
    {
        user.Field<PaginatedRolesType>("roles")
            .Argument<StringGraphType>("namespace")
            .Resolve(c =>
            {
                var ns = c.GetArgument<string?>("namespace");
                var roles = c.Service<RoleService>();
                return c.Loaders().Get<string, List<Role>>("user-roles:" + ns, (ids, ct) => roles.RolesOfUsersAsync(ids, ns, ct))
                    .Load(c.Source.User.Id).Then(PageOf);
            });
        user.Field<PaginatedGroupsType>("groups").Resolve(c =>
        {
            var groups = c.Service<GroupService>();
            return c.Loaders().Get<string, List<Group>>("user-groups", groups.GroupsOfUsersAsync).Load(c.Source.User.Id).Then(PageOf);
        });
        user.Field<PaginatedDepartmentsType>("departments")
            .Argument<StringGraphType>("orgId")
            .Resolve(c =>
            {
                var orgId = c.GetArgument<string?>("orgId");
                var orgs = c.Service<OrgService>();
                return c.Loaders().Get<string, List<UserDepartment>>("user-departments:" + orgId, (ids, ct) => orgs.DepartmentsOfUsersAsync(ids, orgId, ct))
                    .Load(c.Source.User.Id).Then(PageOf);
            });
        user.Field<PaginatedAuthorizedResourcesType>("authorizedResources")
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("resourceType")
            .Resolve(c =>
            {
                var ns = Role.Ns(c.GetArgument<string?>("namespace"));
                var type = ResourceTypeEnum.Parse(c.GetArgument<string?>("resourceType"));
                var evaluator = c.Service<PermissionEvaluator>();
                return c.Loaders().Get<string, Page<AuthorizedResource>>($"user-resources:{ns}:{type}", (ids, ct) => evaluator.ForUsersAsync(ids, ns, type, ct))
                    .Load(c.Source.User.Id).Then(p => p ?? Page<AuthorizedResource>.Empty);
            });
    }

    private static Page<T> PageOf<T>(List<T>? list) => list is null ? Page<T>.Empty : new Page<T>(list.Count, list);
}
