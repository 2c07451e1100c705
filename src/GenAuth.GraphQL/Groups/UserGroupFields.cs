using GenAuth.Core.Groups;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL.Types;

namespace GenAuth.GraphQL.Groups;

/// <summary>User.groups, loaded in one batch for every user of the level (reading the User is already authorized).</summary>
public sealed class UserGroupFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
        user.Field<PaginatedGroupsType>("groups").Resolve(c =>
        {
            var groups = c.Service<GroupService>();
            return c.Loaders().Get<string, List<Group>>("user-groups", groups.GroupsOfUsersAsync).Load(c.Source.User.Id).Then(l => l.AsPage());
        });
}
