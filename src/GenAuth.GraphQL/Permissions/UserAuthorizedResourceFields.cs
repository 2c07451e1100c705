using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Permissions;

/// <summary>
/// User.authorizedResources: what the user may do (own grants, roles, groups, departments), evaluated in one batch per
/// namespace and type for every user of the level (reading the User is already authorized).
/// </summary>
public sealed class UserAuthorizedResourceFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
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
