using GenAuth.Core.Roles;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Roles;

/// <summary>
/// User.roles. Reading a User is already authorized (an admin of the pool, or the user itself), so this only loads,
/// in one batch per namespace for every user of the level (QUALITY P5).
/// </summary>
public sealed class UserRoleFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
        user.Field<PaginatedRolesType>("roles")
            .Argument<StringGraphType>("namespace")
            .Resolve(c =>
            {
                var ns = c.GetArgument<string?>("namespace");
                var roles = c.Service<RoleService>();
                return c.Loaders().Get<string, List<Role>>("user-roles:" + ns, (ids, ct) => roles.RolesOfUsersAsync(ids, ns, ct))
                    .Load(c.Source.User.Id).Then(l => l.AsPage());
            });
}
