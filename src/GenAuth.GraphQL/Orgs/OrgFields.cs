using GenAuth.Core.Orgs;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Orgs;

public sealed class OrgQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<OrgType>>("org")
            .Description("An organization by id.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => await c.Service<OrgService>().RequireOrgAsync(c.GetArgument<string>("id"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedOrgsType>>("orgs")
            .Description("The pool's organizations, a page at a time.").AdminOnly()
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .ResolveAsync(async c => await c.Service<OrgService>().ListOrgsAsync(c.GetArgument<int?>("page"), c.GetArgument<int?>("limit"),
                c.GetArgument<string?>("sortBy"), c.CancellationToken));
        q.Field<NodeType>("nodeById")
            .Description("A node by id, or null.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => await c.Service<OrgService>().NodeByIdAsync(c.GetArgument<string>("id"), c.CancellationToken));
        q.Field<NodeType>("nodeByCode")
            .Description("The node with this code in an organization, or null.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<OrgService>().NodeByCodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("code"),
                c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<NodeType>>>>("childrenNodes")
            .Description("The direct children of a node.").AdminOnly()
            .Argument<StringGraphType>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .ResolveAsync(async c => await c.Service<OrgService>().ChildrenAsync(c.GetArgument<string>("nodeId"), c.CancellationToken));
        q.Field<NonNullGraphType<NodeType>>("rootNode")
            .Description("The root node of an organization.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .ResolveAsync(async c => await c.Service<OrgService>().RootNodeAsync(c.GetArgument<string>("orgId"), c.CancellationToken));
        q.Field<BooleanGraphType>("isRootNode")
            .Description("Whether the node is the root of the organization.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .ResolveAsync(async c => await c.Service<OrgService>().IsRootNodeAsync(c.GetArgument<string>("nodeId"), c.GetArgument<string>("orgId"),
                c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<NodeType>>>>("searchNodes")
            .Description("Nodes whose name or code contains the keyword (at most 200).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("keyword")
            .ResolveAsync(async c => await c.Service<OrgService>().SearchAsync(c.GetArgument<string>("keyword"), c.CancellationToken));
    }
}

public sealed class OrgMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<OrgType>>("createOrg")
            .Description("Creates an organization; its root node carries the name, code and description.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<StringGraphType>("code")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("tenantId")
            .ResolveAsync(async c => await c.Service<OrgService>().CreateOrgAsync(c.GetArgument<string>("name"), c.GetArgument<string?>("code"),
                c.GetArgument<string?>("description"), c.GetArgument<string?>("tenantId"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteOrg")
            .Description("Deletes an organization with all its nodes, their memberships, role assignments and grants.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().DeleteOrgAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除组织机构成功", "Organization deleted");
            });
        m.Field<NonNullGraphType<OrgType>>("addNode")
            .Description("Adds a node under parentNodeId (the root when omitted); answers the organization.").AdminOnly().AddNodeArguments()
            .ResolveAsync(async c =>
            {
                var node = await AddNodeAsync(c);
                return await c.Service<OrgService>().RequireOrgAsync(node.OrgId, c.CancellationToken);
            });
        m.Field<NonNullGraphType<NodeType>>("addNodeV2")
            .Description("Adds a node under parentNodeId (the root when omitted); answers the new node.").AdminOnly().AddNodeArguments().ResolveAsync(async c => await AddNodeAsync(c));
        m.Field<NonNullGraphType<NodeType>>("updateNode")
            .Description("Changes a node's name, code or description.").AdminOnly()
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
        m.Field<NonNullGraphType<CommonMessageType>>("deleteNode")
            .Description("Deletes a node and its sub-nodes with their memberships; the root can't be deleted.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().DeleteNodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("nodeId"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Node deleted");
            });
        m.Field<NonNullGraphType<OrgType>>("moveNode")
            .Description("Moves a node (with its sub-nodes) under another node of the same organization.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("orgId")
            .Argument<NonNullGraphType<StringGraphType>>("nodeId")
            .Argument<NonNullGraphType<StringGraphType>>("targetParentId")
            .ResolveAsync(async c => await c.Service<OrgService>().MoveNodeAsync(c.GetArgument<string>("orgId"), c.GetArgument<string>("nodeId"),
                c.GetArgument<string>("targetParentId"), c.CancellationToken));
        m.Field<NonNullGraphType<NodeType>>("addMember")
            .Description("Adds users to a node (by nodeId, or orgId and nodeCode), as leaders when isLeader; answers the node.").AdminOnly().MemberArguments()
            .Argument<BooleanGraphType>("isLeader")
            .ResolveAsync(async c =>
            {
                var orgs = c.Service<OrgService>();
                var node = await orgs.ResolveNodeAsync(c.GetArgument<string?>("nodeId"), c.GetArgument<string?>("orgId"), c.GetArgument<string?>("nodeCode"), c.CancellationToken);
                return await orgs.AddMembersAsync(node, c.GetArgument<List<string>>("userIds"), c.GetArgument<bool?>("isLeader") ?? false, c.CancellationToken);
            });
        m.Field<NonNullGraphType<NodeType>>("removeMember")
            .Description("Removes users from a node (by nodeId, or orgId and nodeCode); answers the node.").AdminOnly().MemberArguments()
            .ResolveAsync(async c =>
            {
                var orgs = c.Service<OrgService>();
                var node = await orgs.ResolveNodeAsync(c.GetArgument<string?>("nodeId"), c.GetArgument<string?>("orgId"), c.GetArgument<string?>("nodeCode"), c.CancellationToken);
                return await orgs.RemoveMembersAsync(node, c.GetArgument<List<string>>("userIds"), c.CancellationToken);
            });
        m.Field<NonNullGraphType<CommonMessageType>>("moveMembers")
            .Description("Moves users from one node to another; each must be a member of the source.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds")
            .Argument<NonNullGraphType<StringGraphType>>("sourceNodeId")
            .Argument<NonNullGraphType<StringGraphType>>("targetNodeId")
            .ResolveAsync(async c =>
            {
                await c.Service<OrgService>().MoveMembersAsync(c.GetArgument<List<string>>("userIds"), c.GetArgument<string>("sourceNodeId"),
                    c.GetArgument<string>("targetNodeId"), c.CancellationToken);
                return Messages.Ok(c, "移动成员成功", "Members moved");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("setMainDepartment")
            .Description("Makes one of the user's departments (a node they belong to) the main one; null clears it.").AdminOnly()
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
