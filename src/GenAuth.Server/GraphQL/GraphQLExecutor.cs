using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Transport;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// Runs GraphQL requests for every transport (HTTP, WebSocket, SSE) with one set of options, and
/// caches parsed documents by query text so repeated operations skip the parser.
/// </summary>
public sealed class GraphQLExecutor(IDocumentExecuter executer, GenAuthSchema schema)
{
    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = 2000 });

    public Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, IServiceProvider services, CancellationToken ct)
    {
        var options = new ExecutionOptions
        {
            Schema = schema,
            Query = request.Query,
            DocumentId = request.DocumentId,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            CancellationToken = ct,
        };
        if (request.Query is { Length: > 0 and < 100_000 } query && TryGetDocument(query) is { } document)
            options.Document = document;
        return executer.ExecuteAsync(options);
    }

    /// <summary>The type of the operation a request would run, or null when the document doesn't parse.</summary>
    public OperationType? OperationTypeOf(GraphQLRequest request)
    {
        if (string.IsNullOrEmpty(request.Query) || TryGetDocument(request.Query) is not { } document)
            return null;
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var op = request.OperationName is { Length: > 0 } name
            ? operations.FirstOrDefault(o => o.Name?.StringValue == name)
            : operations.Count == 1 ? operations[0] : null;
        return op?.Operation;
    }

    private GraphQLDocument? TryGetDocument(string query)
    {
        if (_documents.TryGetValue(query, out GraphQLDocument? cached))
            return cached;
        try
        {
            var parsed = Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = 128 });
            _documents.Set(query, parsed, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) });
            return parsed;
        }
        catch (GraphQLParserException)
        {
            return null; // the executer parses again and reports the syntax error in the usual shape
        }
    }
}
