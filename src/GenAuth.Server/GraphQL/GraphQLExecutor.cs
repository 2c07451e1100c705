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
        if (request.Query is not { Length: > 0 and < 100_000 } query || TryGetEntry(query) is not { } entry)
            return executer.ExecuteAsync(options);
        options.Document = entry.Document;
        if (entry.Validated)
        {
            // The document passed validation against this (immutable) schema before; variables are still coerced
            // and checked on every request, and the complexity rule is re-added by the configured pipeline.
            options.ValidationRules = options.CachedDocumentValidationRules ?? [];
        }
        return ExecuteAndRememberAsync(options, entry);
    }

    private async Task<ExecutionResult> ExecuteAndRememberAsync(ExecutionOptions options, CachedDocument entry)
    {
        var result = await executer.ExecuteAsync(options);
        if (result.Executed)
            entry.Validated = true;
        return result;
    }

    /// <summary>The type of the operation a request would run, or null when the document doesn't parse.</summary>
    public OperationType? OperationTypeOf(GraphQLRequest request)
    {
        if (string.IsNullOrEmpty(request.Query) || TryGetEntry(request.Query)?.Document is not { } document)
            return null;
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var op = request.OperationName is { Length: > 0 } name
            ? operations.FirstOrDefault(o => o.Name?.StringValue == name)
            : operations.Count == 1 ? operations[0] : null;
        return op?.Operation;
    }

    private sealed class CachedDocument(GraphQLDocument document)
    {
        public GraphQLDocument Document { get; } = document;

        /// <summary>Set once an execution of this document got past validation.</summary>
        public volatile bool Validated;
    }

    private CachedDocument? TryGetEntry(string query)
    {
        if (_documents.TryGetValue(query, out CachedDocument? cached))
            return cached;
        try
        {
            var entry = new CachedDocument(Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = 128 }));
            _documents.Set(query, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) });
            return entry;
        }
        catch (GraphQLParserException)
        {
            return null; // the executer parses again and reports the syntax error in the usual shape
        }
    }
}
