using GenAuth.Core.Roles;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Roles;

public sealed class RoleQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<RoleType>("role")
            .Description("The role with this code in a namespace (default namespace when omitted), or null.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c => await c.Service<RoleService>().FindAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedRolesType>>("roles")
            .Description("The roles of a namespace (default namespace when omitted), a page at a time.").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .ResolveAsync(async c => await c.Service<RoleService>().ListAsync(c.GetArgument<string?>("namespace"), c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.GetArgument<string?>("sortBy"), c.CancellationToken));
    }
}

public sealed class RoleMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<RoleType>>("createRole")
            .Description("Creates a role in a namespace (default namespace when omitted), optionally under a parent role.").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("parent", "The parent role's code (same namespace); the new role inherits its permissions.")
            .ResolveAsync(async c => await c.Service<RoleService>().CreateAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.GetArgument<string?>("description"), c.GetArgument<string?>("parent"), c.CancellationToken));
        m.Field<NonNullGraphType<RoleType>>("updateRole")
            .Description("Changes a role's description or code (newCode).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("newCode")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c => await c.Service<RoleService>().UpdateAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.GetArgument<string?>("description"), c.GetArgument<string?>("newCode"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteRole")
            .Description("Deletes a role with its assignments and grants; an unknown code is an error.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c =>
            {
                var roles = c.Service<RoleService>();
                await roles.RequireAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"), c.CancellationToken);
                await roles.DeleteAsync(c.GetArgument<string?>("namespace"), [c.GetArgument<string>("code")], c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Role deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("deleteRoles")
            .Description("Deletes roles of a namespace by code, with their assignments and grants.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("codeList")
            .Argument<StringGraphType>("namespace")
            .ResolveAsync(async c =>
            {
                await c.Service<RoleService>().DeleteAsync(c.GetArgument<string?>("namespace"), c.GetArgument<List<string>>("codeList"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Roles deleted");
            });
        AddAssign(m, "assignRole", assign: true, "Gives roles (roleCode and/or roleCodes) to users, groups and org nodes.");
        AddAssign(m, "revokeRole", assign: false, "Takes roles (roleCode and/or roleCodes) from users, groups and org nodes.");
    }

    private static void AddAssign(ObjectGraphType m, string name, bool assign, string description) =>
        m.Field<NonNullGraphType<CommonMessageType>>(name).AdminOnly()
            .Description(description)
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("roleCode")
            .Argument<ListGraphType<StringGraphType>>("roleCodes")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("userIds")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("groupCodes")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("nodeCodes")
            .ResolveAsync(async c =>
            {
                var codes = (c.GetArgument<List<string?>?>("roleCodes") ?? []).OfType<string>().ToList();
                if (c.GetArgument<string?>("roleCode") is { Length: > 0 } one)
                    codes.Add(one);
                await c.Service<RoleService>().AssignAsync(assign, c.GetArgument<string?>("namespace"), codes,
                    c.GetArgument<List<string>?>("userIds") ?? [], c.GetArgument<List<string>?>("groupCodes") ?? [],
                    c.GetArgument<List<string>?>("nodeCodes") ?? [], c.CancellationToken);
                return assign ? Messages.Ok(c, "授权成功", "Role assigned") : Messages.Ok(c, "撤销成功", "Role revoked");
            });
}
