using GraphQL.Introspection;
using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

public sealed class GenAuthSchema : Schema
{
    public GenAuthSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription)
        : base(services)
    {
        Description = "GenAuth: the GenAuth (Authing) GraphQL v2 API, self-hosted, with subscriptions.";
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        // Note: __Directive.isRepeatable is in the October 2021 spec; graphql-js 16 clients ask for it
        // (getIntrospectionQuery({ directiveIsRepeatable: true })).
        Features.RepeatableDirectives = true;
    }

    /// <summary>
    /// __Type.specifiedByURL (October 2021 spec), which GraphQL.NET 8 doesn't declare: without it graphql-js 16's
    /// introspection query with specifiedByUrl fails to validate. GenAuth defines no custom scalar, and the built-in
    /// ones have no URL by the spec, so it is always null.
    /// </summary>
    protected override void OnBeforeInitializeType(IGraphType graphType)
    {
        if (graphType is __Type type && type.GetField("specifiedByURL") is null)
        {
            type.Field<StringGraphType>("specifiedByURL")
                .Description("The URL of the specification of a custom scalar (none here: always null).")
                .Resolve(_ => null);
        }
        base.OnBeforeInitializeType(graphType);
    }
}
