using GenAuth.Server.GraphQL.WebSockets;

namespace GenAuth.Server.GraphQL;

public static class GraphQLEndpointExtensions
{
    public static IServiceCollection AddGenAuthGraphQLTransports(this IServiceCollection services)
    {
        services.AddOptions<GraphQLHttpOptions>().BindConfiguration("GenAuth:Http")
            .Validate(o => o.MaxBodyBytes > 0 && o.MaxBatchSize > 0, "GenAuth:Http limits must be positive").ValidateOnStart();
        services.AddOptions<GraphQLWebSocketOptions>().BindConfiguration(GraphQLWebSocketOptions.Section)
            .Validate(o => o.IsValid(), "GenAuth:WebSocket timers and limits must be positive").ValidateOnStart();
        services.AddSingleton<GraphQLWebSocketStats>();
        services.AddSingleton<GraphQLExecutor>();
        services.AddSingleton<ResultWriter>();
        return services;
    }

    /// <summary>GraphQL over HTTP, SSE and WebSocket at one path.</summary>
    public static IEndpointRouteBuilder MapGenAuthGraphQL(this IEndpointRouteBuilder app, string path)
    {
        app.Map(path, http => http.WebSockets.IsWebSocketRequest
            ? GraphQLWebSocketTransport.HandleAsync(http)
            : GraphQLHttpEndpoint.HandleAsync(http));
        return app;
    }
}
