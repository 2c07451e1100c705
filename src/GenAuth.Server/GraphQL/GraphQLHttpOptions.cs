namespace GenAuth.Server.GraphQL;

/// <summary>GenAuth:Http: limits of the GraphQL HTTP transport.</summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>Largest request body accepted (bytes); larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most operations in one batched POST.</summary>
    public int MaxBatchSize { get; set; } = 20;
}
