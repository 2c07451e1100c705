using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Diagnostics;
using GenAuth.GraphQL.Pools;
using GenAuth.GraphQL.Users;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL;

/// <summary>Limits on what one GraphQL document may ask for (GenAuth:GraphQL).</summary>
public sealed class GraphQLLimits
{
    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 2000;
}

public static class ServiceCollectionExtensions
{
    /// <summary>The one schema setup, used by the server and the tests alike.</summary>
    public static IServiceCollection AddGenAuthGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLLimits>().BindConfiguration("GenAuth:GraphQL")
            .Validate(l => l.MaxDepth > 0 && l.MaxComplexity > 0, "GraphQL limits must be positive").ValidateOnStart();

        services.AddSingleton<IQueryFields, AccountQueries>();
        services.AddSingleton<IQueryFields, PoolQueries>();
        services.AddSingleton<IMutationFields, AccountMutations>();
        services.AddSingleton<IMutationFields, PoolMutations>();
        services.AddSingleton<ISubscriptionFields, ServerTimeSubscription>();

        services.AddGraphQL(b => b
            .AddSchema<GenAuthSchema>()
            .AddGraphTypes(typeof(GenAuthSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider<GenAuthErrorInfoProvider>()
            .AddUnhandledExceptionHandler(GenAuthErrors.Map)
            .AddComplexityAnalyzer((c, sp) =>
            {
                var limits = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphQLLimits>>().Value;
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
            }));
        return services;
    }
}
