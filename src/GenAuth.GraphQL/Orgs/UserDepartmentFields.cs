using GenAuth.Core.Orgs;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Orgs;

/// <summary>User.departments, loaded in one batch per org for every user of the level (reading the User is already authorized).</summary>
public sealed class UserDepartmentFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
        user.Field<PaginatedDepartmentsType>("departments")
            .Argument<StringGraphType>("orgId")
            .Resolve(c =>
            {
                var orgId = c.GetArgument<string?>("orgId");
                var orgs = c.Service<OrgService>();
                return c.Loaders().Get<string, List<UserDepartment>>("user-departments:" + orgId, (ids, ct) => orgs.DepartmentsOfUsersAsync(ids, orgId, ct))
                    .Load(c.Source.User.Id).Then(l => l.AsPage());
            });
}
