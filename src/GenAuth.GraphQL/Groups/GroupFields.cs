using GenAuth.Core.Groups;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Groups;

public sealed class GroupQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<GroupType>("group")
            .Description("The group with this code, or null.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<GroupService>().FindAsync(c.GetArgument<string>("code"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedGroupsType>>("groups")
            .Description("The pool's groups (or those userId belongs to), a page at a time.").AdminOnly()
            .Argument<StringGraphType>("userId")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .ResolveAsync(async c => await c.Service<GroupService>().ListAsync(c.GetArgument<string?>("userId"), c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.GetArgument<string?>("sortBy"), c.CancellationToken));
    }
}

public sealed class GroupMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<GroupType>>("createGroup")
            .Description("Creates a group; its code is unique in the pool.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<StringGraphType>("description")
            .ResolveAsync(async c => await c.Service<GroupService>().CreateAsync(c.GetArgument<string>("code"), c.GetArgument<string>("name"),
                c.GetArgument<string?>("description"), c.CancellationToken));
        m.Field<NonNullGraphType<GroupType>>("updateGroup")
            .Description("Changes a group's name, description or code (newCode).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<StringGraphType>("name")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("newCode")
            .ResolveAsync(async c => await c.Service<GroupService>().UpdateAsync(c.GetArgument<string>("code"), c.GetArgument<string?>("name"),
                c.GetArgument<string?>("description"), c.GetArgument<string?>("newCode"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteGroups")
            .Description("Deletes groups by code, with their memberships, role assignments and grants.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("codeList")
            .ResolveAsync(async c =>
            {
                await c.Service<GroupService>().DeleteAsync(c.GetArgument<List<string>>("codeList"), c.CancellationToken);
                return Messages.Ok(c, "删除分组成功", "Groups deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("addUserToGroup")
            .Description("Adds users to the group with this code.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds")
            .Argument<StringGraphType>("code")
            .ResolveAsync(async c =>
            {
                await c.Service<GroupService>().AddUsersAsync(c.GetArgument<string?>("code"), c.GetArgument<List<string>>("userIds"), c.CancellationToken);
                return Messages.Ok(c, "添加成功", "Users added to the group");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("removeUserFromGroup")
            .Description("Removes users from the group with this code.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds")
            .Argument<StringGraphType>("code")
            .ResolveAsync(async c =>
            {
                await c.Service<GroupService>().RemoveUsersAsync(c.GetArgument<string?>("code"), c.GetArgument<List<string>>("userIds"), c.CancellationToken);
                return Messages.Ok(c, "移除成功", "Users removed from the group");
            });
    }
}
