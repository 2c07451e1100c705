namespace GenAuth.Server.GraphQL;

public static class GraphQLEndpointExtensions
{
    public static IServiceCollection AddGenAuthGraphQLTransports(this IServiceCollection services)
    {
        services.AddOptions<GraphQLHttpOptions>().BindConfiguration("GenAuth:Http")
            .Validate(o => o.MaxBodyBytes > 0 && o.MaxBatchSize > 0, "GenAuth:Http limits must be positive").ValidateOnStart();
        services.AddSingleton<GraphQLExecutor>();
        services.AddSingleton<ResultWriter>();
        return services;
    }

    /// <summary>GraphQL over HTTP and SSE at one path.</summary>
    public static IEndpointRouteBuilder MapGenAuthGraphQL(this IEndpointRouteBuilder app, string path)
    {
        app.Map(path, GraphQLHttpEndpoint.HandleAsync);
        return app;
    }
}
