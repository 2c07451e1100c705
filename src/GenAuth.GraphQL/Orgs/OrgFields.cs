using GenAuth.Core.Orgs;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Groups;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Orgs;

public sealed class OrgQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<OrgType>>("org").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => await c.Service<OrgService>().RequireOrgAsync(c.GetArgument<string>("id"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedOrgsType>>("orgs").AdminOnly()
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .ResolveAsync(async c => await c.Service<OrgService>().ListOrgsAsync(c.GetArgument<int?>("page"), c.GetArgument<int?>("limit"),
                c.GetArgument<string?>("sortBy"), c.CancellationToken));
        q.Field<NodeType>("nodeById").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => await c.Service<OrgService>().NodeByIdAsync(c.GetArgument<string>("id"), c.CancellationToken));
        q.Field<NodeType>("nodeByCode").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<OrgService>().NodeByCodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("code"),
                c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<NodeType>>>>("childrenNodes").AdminOnly()
            .Argument<StringGraphType>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .ResolveAsync(async c => await c.Service<OrgService>().ChildrenAsync(c.GetArgument<string>("nodeId"), c.CancellationToken));
        q.Field<NonNullGraphType<NodeType>>("rootNode").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .ResolveAsync(async c => await c.Service<OrgService>().RootNodeAsync(c.GetArgument<string>("orgId"), c.CancellationToken));
        q.Field<BooleanGraphType>("isRootNode").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .ResolveAsync(async c => await c.Service<OrgService>().IsRootNodeAsync(c.GetArgument<string>("nodeId"), c.GetArgument<string>("orgId"),
                c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<NodeType>>>>("searchNodes").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("keyword")
            .ResolveAsync(async c => await c.Service<OrgService>().SearchAsync(c.GetArgument<string>("keyword"), c.CancellationToken));
    }
}

public sealed class OrgMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<OrgType>>("createOrg").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<StringGraphType>("code")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("tenantId")
            .ResolveAsync(async c => await c.Service<OrgService>().CreateOrgAsync(c.GetArgument<string>("name"), c.GetArgument<string?>("code"),
                c.GetArgument<string?>("description"), c.GetArgument<string?>("tenantId"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteOrg").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().DeleteOrgAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除组织机构成功", "Organization deleted");
            });
        m.Field<NonNullGraphType<OrgType>>("addNode").AdminOnly().AddNodeArguments()
            .ResolveAsync(async c =>
            {
                var node = await AddNodeAsync(c);
                return await c.Service<OrgService>().RequireOrgAsync(node.OrgId, c.CancellationToken);
            });
        m.Field<NonNullGraphType<NodeType>>("addNodeV2").AdminOnly().AddNodeArguments().ResolveAsync(async c => await AddNodeAsync(c));
        m.Field<NonNullGraphType<NodeType>>("updateNode").AdminOnly()
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .Argument<BooleanGraphType>("includeChildrenNodes")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .Argument<StringGraphType>("name")
            .Argument<StringGraphType>("code")
            .Argument<StringGraphType>("description")
            .ResolveAsync(async c => await c.Service<OrgService>().UpdateNodeAsync(c.GetArgument<string>("id"), c.GetArgument<string?>("name"),
                c.GetArgument<string?>("code"), c.GetArgument<string?>("description"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteNode").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().DeleteNodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("nodeId"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Node deleted");
            });
        m.Field<NonNullGraphType<OrgType>>("moveNode").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .Argument<NonNullGraphType<StringGraphType>>("targetParentId")
            .ResolveAsync(async c => await c.Service<OrgService>().MoveNodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("nodeId"),
                c.GetArgument<string>("targetParentId"), c.CancellationToken));
        m.Field<NonNullGraphType<NodeType>>("addMember").AdminOnly().MemberArguments()
            .Argument<BooleanGraphType>("isLeader")
            .ResolveAsync(async c =>
            {
                var orgs = c.Service<OrgService>();
                var node = await orgs.ResolveNodeAsync(c.GetArgument<string?>("nodeId"), c.GetArgument<string?>("orgId"), c.GetArgument<string?>("nodeCode"), c.CancellationToken);
                return await orgs.AddMembersAsync(node, c.GetArgument<List<string>>("userIds"), c.GetArgument<bool?>("isLeader") ?? false, c.CancellationToken);
            });
        m.Field<NonNullGraphType<NodeType>>("removeMember").AdminOnly().MemberArguments()
            .ResolveAsync(async c =>
            {
                var orgs = c.Service<OrgService>();
                var node = await orgs.ResolveNodeAsync(c.GetArgument<string?>("nodeId"), c.GetArgument<string?>("orgId"), c.GetArgument<string?>("nodeCode"), c.CancellationToken);
                return await orgs.RemoveMembersAsync(node, c.GetArgument<List<string>>("userIds"), c.CancellationToken);
            });
        m.Field<NonNullGraphType<CommonMessageType>>("moveMembers").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds")
            .Argument<NonNullGraphType<StringGraphType>>("sourceNodeId")
            .Argument<NonNullGraphType<StringGraphType>>("targetNodeId")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().MoveMembersAsync(c.GetArgument<List<string>>("userIds"), c.GetArgument<string>("sourceNodeId"),
                    c.GetArgument<string>("targetNodeId"), c.CancellationToken);
                return Messages.Ok(c, "移动成员成功", "Members moved");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("setMainDepartment").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .Argument<StringGraphType>("departmentId")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().SetMainDepartmentAsync(c.GetArgument<string>("userId"), c.GetArgument<string?>("departmentId"), c.CancellationToken);
                return Messages.Ok(c, "设置主部门成功", "Main department set");
            });
    }

    private static Task<OrgNode> AddNodeAsync(IResolveFieldContext c) =>
        c.Service<OrgService>().AddNodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string?>("parentNodeId"), c.GetArgument<string>("name"),
            c.GetArgument<string?>("nameI18n"), c.GetArgument<string?>("description"), c.GetArgument<string?>("descriptionI18n"),
            c.GetArgument<int?>("order"), c.GetArgument<string?>("code"), c.CancellationToken);
}

internal static class OrgArguments
{
    public static global::GraphQL.Builders.FieldBuilder<object?, TReturn> AddNodeArguments<TReturn>(this global::GraphQL.Builders.FieldBuilder<object?, TReturn> f) => f
        .Argument<NonNullGraphType<StringGraphType>>("orgId")
        .Argument<StringGraphType>("parentNodeId")
        .Argument<NonNullGraphType<StringGraphType>>("name")
        .Argument<StringGraphType>("nameI18n")
        .Argument<StringGraphType>("description")
        .Argument<StringGraphType>("descriptionI18n")
        .Argument<IntGraphType>("order")
        .Argument<StringGraphType>("code");

    /// <summary>Node by nodeId, or by orgId + nodeCode; the users; and the selection arguments of the returned node's users.</summary>
    public static global::GraphQL.Builders.FieldBuilder<object?, TReturn> MemberArguments<TReturn>(this global::GraphQL.Builders.FieldBuilder<object?, TReturn> f) => f
        .Argument<IntGraphType>("page")
        .Argument<IntGraphType>("limit")
        .Argument<SortByEnum>("sortBy")
        .Argument<BooleanGraphType>("includeChildrenNodes")
        .Argument<StringGraphType>("nodeId")
        .Argument<StringGraphType>("orgId")
        .Argument<StringGraphType>("nodeCode")
        .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds");
}
