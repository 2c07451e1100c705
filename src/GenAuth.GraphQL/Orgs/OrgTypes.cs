using GenAuth.Core.Common;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;
using GenAuth.Core.Roles;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Permissions;
using GenAuth.GraphQL.Roles;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Orgs;

public sealed class OrgType : ObjectGraphType<Organization>
{
    public OrgType()
    {
        Name = "Org";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<NodeType>>("rootNode").Resolve(c => Nodes.ById(c, c.Source.RootNodeId));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<NodeType>>>>("nodes")
            // Counted as a handful: the SDK's orgs document asks for every node of each org of a page, loaded in one batch.
            .WithComplexityImpact(1, 5)
            .Resolve(c =>
        {
            var orgs = c.Service<OrgService>();
            return c.Loaders().Get<string, List<OrgNode>>("org-nodes", orgs.NodesOfOrgsAsync).Load(c.Source.Id).Then(l => l ?? []);
        });
        Field<StringGraphType>("tenantId").Resolve(c => c.Source.TenantId);
    }
}

public sealed class PaginatedOrgsType : ObjectGraphType<Page<Organization>>
{
    public PaginatedOrgsType()
    {
        Name = "PaginatedOrgs";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrgType>>>>("list").Resolve(c => c.Source.List);
    }
}

public sealed class NodeType : ObjectGraphType<OrgNode>
{
    public NodeType()
    {
        Name = "Node";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<StringGraphType>("orgId").Resolve(c => c.Source.OrgId);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<StringGraphType>("nameI18n").Resolve(c => c.Source.NameI18n);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<StringGraphType>("descriptionI18n").Resolve(c => c.Source.DescriptionI18n);
        Field<IntGraphType>("order").Resolve(c => c.Source.Order);
        Field<StringGraphType>("code").Resolve(c => c.Source.Code);
        Field<BooleanGraphType>("root").Resolve(c => c.Source.IsRoot);
        Field<IntGraphType>("depth").Resolve(c => c.Source.Depth);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("path").Description("Node ids from the root to this node.")
            .Resolve(c => c.Source.PathIds);
        Field<NonNullGraphType<ListGraphType<StringGraphType>>>("codePath").Resolve(c => Nodes.Ancestry(c).Then(a => a.Select(n => n.Code).ToList()));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("namePath").Resolve(c => Nodes.Ancestry(c).Then(a => a.Select(n => n.Name).ToList()));
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("children").Description("Ids of the direct children.").Resolve(c =>
        {
            var orgs = c.Service<OrgService>();
            return c.Loaders().Get<string, List<string>>("node-children", orgs.ChildIdsAsync).Load(c.Source.Id).Then(l => l ?? []);
        });
        Field<BooleanGraphType>("isVirtualNode").Resolve(_ => false);
        Field<NonNullGraphType<PaginatedUsersType>>("users")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .Argument<BooleanGraphType>("includeChildrenNodes")
            .ResolveAsync(async c => UserViews.Of(c, await c.Service<OrgService>().NodeUsersAsync(c.Source, c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.GetArgument<string?>("sortBy"), c.GetArgument<bool?>("includeChildrenNodes") ?? false,
                c.CancellationToken)));
        Field<PaginatedRolesType>("roles").Description("Roles assigned to this node.").ResolveAsync(async c =>
        {
            var list = await c.Service<RoleService>().RolesOfTargetAsync(RoleTargetType.Node, c.Source.Id, c.CancellationToken);
            return new Page<Role>(list.Count, list);
        });
        Field<PaginatedAuthorizedResourcesType>("authorizedResources")
            .Argument<StringGraphType>("namespace")
            .Argument<StringGraphType>("resourceType")
            .ResolveAsync(async c => await c.Service<PermissionEvaluator>().ForNodeAsync(c.Source.Path, Role.Ns(c.GetArgument<string?>("namespace")),
                ResourceTypeEnum.Parse(c.GetArgument<string?>("resourceType")), c.CancellationToken));
    }
}

public sealed class UserDepartmentType : ObjectGraphType<UserDepartment>
{
    public UserDepartmentType()
    {
        Name = "UserDepartment";
        Field<NonNullGraphType<NodeType>>("department").Resolve(c => c.Source.Department);
        Field<NonNullGraphType<BooleanGraphType>>("isMainDepartment").Resolve(c => c.Source.IsMainDepartment);
        Field<StringGraphType>("joinedAt").Resolve(c => c.Source.JoinedAt.Iso());
    }
}

public sealed class PaginatedDepartmentsType : ObjectGraphType<Page<UserDepartment>>
{
    public PaginatedDepartmentsType()
    {
        Name = "PaginatedDepartments";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserDepartmentType>>>>("list").Resolve(c => c.Source.List);
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
    }
}

internal static class Nodes
{
    public static global::GraphQL.DataLoader.IDataLoaderResult<OrgNode?> ById(IResolveFieldContext c, string id)
    {
        var orgs = c.Service<OrgService>();
        return c.Loaders().Get<string, OrgNode>("nodes-by-id", orgs.NodesByIdsAsync).Load(id);
    }

    /// <summary>The nodes from the root down to this one, loaded in one batch for every node of the level.</summary>
    public static global::GraphQL.DataLoader.IDataLoaderResult<List<OrgNode>> Ancestry(IResolveFieldContext<OrgNode> c)
    {
        var orgs = c.Service<OrgService>();
        return c.Loaders().Get<string, OrgNode>("nodes-by-id", orgs.NodesByIdsAsync).LoadMany(c.Source.PathIds);
    }
}
