using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Permissions;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Resources;

public sealed class ResourceActionType : ObjectGraphType<ResourceAction>
{
    public ResourceActionType()
    {
        Name = "ResourceAction";
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
    }
}

public sealed class ResourceGraphType : ObjectGraphType<Resource>
{
    public ResourceGraphType()
    {
        Name = "Resource";
        Description = "A declared resource of a namespace: its code, type, actions and (for API resources) an API identifier.";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("namespace").Resolve(c => c.Source.Namespace);
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<ResourceTypeEnum>>("type").Resolve(c => c.Source.Type);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResourceActionType>>>>("actions").Resolve(c => c.Source.Actions);
        Field<StringGraphType>("apiIdentifier").Resolve(c => c.Source.ApiIdentifier);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
    }
}

public sealed class PaginatedResourcesType : ObjectGraphType<Page<Resource>>
{
    public PaginatedResourcesType()
    {
        Name = "PaginatedResources";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResourceGraphType>>>>("list").Resolve(c => c.Source.List);
    }
}

public sealed record ResourceActionValue(string Name, string? Description);

public sealed class ResourceActionInput : InputObjectGraphType<ResourceActionValue>
{
    public ResourceActionInput()
    {
        Name = "ResourceActionInput";
        Field(x => x.Name, typeof(NonNullGraphType<StringGraphType>)).Description("The action's name (e.g. read).");
        Field(x => x.Description, typeof(StringGraphType)).Description("What the action allows.");
    }
}

public sealed class ResourceQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<PaginatedResourcesType>>("resources").AdminOnly()
            .Description("Declared resources, optionally of one namespace and type.")
            .Argument<StringGraphType>("namespace")
            .Argument<ResourceTypeEnum>("type")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .ResolveAsync(async c => await c.Service<ResourceService>().ListAsync(c.GetArgument<string?>("namespace"),
                c.GetArgument<ResourceType?>("type"), c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken));
        q.Field<NonNullGraphType<ResourceGraphType>>("resource")
            .Description("One declared resource, by namespace (default when omitted) and code.").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<ResourceService>().GetAsync(c.GetArgument<string?>("namespace"),
                c.GetArgument<string>("code"), c.CancellationToken));
    }
}

public sealed class ResourceMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<ResourceGraphType>>("createResource")
            .Description("Declares a resource of a namespace: code, type, actions and, for API resources, an API identifier.").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<NonNullGraphType<ResourceTypeEnum>>("type")
            .Argument<StringGraphType>("description")
            .Argument<ListGraphType<NonNullGraphType<ResourceActionInput>>>("actions")
            .Argument<StringGraphType>("apiIdentifier")
            .ResolveAsync(async c => await c.Service<ResourceService>().CreateAsync(c.GetArgument<string?>("namespace"),
                c.GetArgument<string>("code"), Input(c), c.CancellationToken));
        m.Field<NonNullGraphType<ResourceGraphType>>("updateResource").AdminOnly()
            .Description("Changes the given fields; omitted ones stay. actions, when given, replaces the whole list.")
            .Argument<StringGraphType>("namespace")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<ResourceTypeEnum>("type")
            .Argument<StringGraphType>("description")
            .Argument<ListGraphType<NonNullGraphType<ResourceActionInput>>>("actions")
            .Argument<StringGraphType>("apiIdentifier")
            .ResolveAsync(async c => await c.Service<ResourceService>().UpdateAsync(c.GetArgument<string?>("namespace"),
                c.GetArgument<string>("code"), Input(c), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteResource")
            .Description("Deletes a declared resource (grants on its code stay).").AdminOnly()
            .Argument<StringGraphType>("namespace")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c =>
            {
                await c.Service<ResourceService>().DeleteAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Resource deleted");
            });
    }

    private static ResourceInput Input(IResolveFieldContext c) => new(
        c.GetArgument<ResourceType?>("type"),
        c.GetArgument<string?>("description"),
        c.GetArgument<List<ResourceActionValue>?>("actions")?.Select(a => new ResourceAction { Name = a.Name, Description = a.Description }).ToList(),
        c.GetArgument<string?>("apiIdentifier"));
}
