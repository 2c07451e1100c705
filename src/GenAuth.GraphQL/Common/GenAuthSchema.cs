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
    }
}
