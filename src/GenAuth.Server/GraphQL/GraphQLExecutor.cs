using System.Collections.Concurrent;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.GraphQL;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Limits;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// What one transport request may still spend: the per-request kinds (<see cref="PerRequest"/>) and the response bytes.
/// An HTTP batch shares one; a WebSocket or SSE operation gets its own.
/// </summary>
public sealed class RequestBudget(GraphQLLimits limits)
{
    // Note: made on the first marked field only; most requests have none (P2's query allocates nothing here).
    private Dictionary<string, int>? _used;

    public long ResponseBytesLeft { get; set; } = limits.MaxResponseBytes;

    /// <summary>Takes the document's marked fields from the budget; the kind that would go over it, or null.</summary>
    public string? TryTake(Dictionary<string, int>? counts)
    {
        if (counts is null || counts.Count == 0)
            return null;
        lock (this)
        {
            _used ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var (kind, n) in counts)
                if (_used.GetValueOrDefault(kind) + n > limits.PerRequest.GetValueOrDefault(kind, 1))
                    return kind;
            foreach (var (kind, n) in counts)
                _used[kind] = _used.GetValueOrDefault(kind) + n;
            return null;
        }
    }
}

/// <summary>
/// Runs GraphQL requests for every transport (HTTP, WebSocket, SSE) with one set of options and limits, and
/// caches parsed documents by query text so repeated operations skip the parser. Before GraphQL.NET validates a
/// document, it is measured (<see cref="DocumentShape"/>): length, expanded selections, fragment spreads, aliases,
/// depth, anonymous introspection and the per-request kinds are refused here, with a GenAuth code and nothing run.
/// </summary>
public sealed class GraphQLExecutor(IDocumentExecuter executer, GenAuthSchema schema, IOptions<GraphQLLimits> options,
    ILogger<GraphQLExecutor> logger, IConfiguration configuration)
{
    private const int ParserMaxDepth = 128;

    /// <summary>Operation names get a metric series of their own up to this many; later ones count as "_other".</summary>
    private const int MaxOperationNames = 200;

    private readonly ConcurrentDictionary<string, string> _operationNames = new(StringComparer.Ordinal);

    // Note: a log scope per request costs allocations: only when the logs are structured (GenAuth:Logging:Json), which
    // is when a scope is written at all.
    // Note: read from the configuration, not OperationsOptions, so GraphQL doesn't import Operations (which imports it).
    private readonly bool _logScopes = configuration.GetValue<bool>("GenAuth:Logging:Json");

    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = 4000 });
    private readonly GraphQLLimits _limits = options.Value;

    public GraphQLLimits Limits => _limits;

    public Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, IServiceProvider services, CancellationToken ct,
        RequestBudget? budget = null)
    {
        // Note: unobserved (metrics off, plain logs), no wrapper runs: not even its state machine is allocated.
        if (!_logScopes && !GenAuthTelemetry.GraphQLDuration.Enabled)
            return ExecuteRequestAsync(request, services, budget, ct);
        return ExecuteObservedAsync(request, services, budget, ct);
    }

    private async Task<ExecutionResult> ExecuteObservedAsync(GraphQLRequest request, IServiceProvider services, RequestBudget? budget,
        CancellationToken ct)
    {
        var started = GenAuthTelemetry.Start(GenAuthTelemetry.GraphQLDuration);
        using var scope = _logScopes ? logger.BeginScope(new Dictionary<string, object?>
        {
            ["PoolId"] = services.GetService<CallerContext>()?.Pool?.Id,
            ["OperationName"] = request.OperationName,
        }) : null;
        try
        {
            return await ExecuteRequestAsync(request, services, budget, ct);
        }
        finally
        {
            if (started != 0)
                GenAuthTelemetry.Record(GenAuthTelemetry.GraphQLDuration, started, "operation", OperationLabel(request.OperationName));
        }
    }

    /// <summary>The metric label of an operation name: clients choose names, so their number is capped.</summary>
    private string OperationLabel(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "_anonymous";
        if (_operationNames.TryGetValue(name, out var label))
            return label;
        return _operationNames.Count >= MaxOperationNames || name.Length > 100 ? "_other" : _operationNames.GetOrAdd(name, name);
    }

    private async Task<ExecutionResult> ExecuteRequestAsync(GraphQLRequest request, IServiceProvider services, RequestBudget? budget,
        CancellationToken ct)
    {
        budget ??= new RequestBudget(_limits);
        var lang = services.GetService<CallerContext>()?.Lang;
        if (request.Query is { } text && text.Length > _limits.MaxDocumentLength)
            return Refused(ErrorCodes.QueryTooLarge, lang, new { limit = _limits.MaxDocumentLength, length = text.Length });

        var execution = new ExecutionOptions
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
        // Note: a query that doesn't parse goes to the executer, which parses again and reports the syntax error as usual.
        if (request.Query is not { Length: > 0 } query || TryGetEntry(query) is not { } entry)
            return await executer.ExecuteAsync(execution);

        if (Refusal(entry, request, services, budget, lang) is { } refusal)
            return refusal;

        execution.Document = entry.Document;
        var operationType = DocumentShape.SelectOperation(entry.Document, request.OperationName)?.Operation;
        // Note: the budget covers validation and execution; subscriptions stream for as long as the client wants.
        var time = operationType is OperationType.Query or OperationType.Mutation ? TimeBudget.Begin(_limits.Timeout, ct) : null;
        if (time is not null)
            execution.CancellationToken = time.Token;
        if (entry.Validated)
        {
            // The document passed validation against this (immutable) schema before; variables are still coerced
            // and checked on every request, and the complexity rule is re-added by the configured pipeline.
            execution.ValidationRules = execution.CachedDocumentValidationRules ?? [];
        }
        ExecutionResult result;
        try
        {
            result = await executer.ExecuteAsync(execution);
        }
        catch (OperationCanceledException) when (time is { Expired: true })
        {
            return Refused(ErrorCodes.QueryTimeout, lang, new { limitMs = (long)_limits.Timeout.TotalMilliseconds });
        }
        if (time is { Expired: true })
            return Refused(ErrorCodes.QueryTimeout, lang, new { limitMs = (long)_limits.Timeout.TotalMilliseconds });
        if (result.Executed)
            entry.Validated = true;
        return result;
    }

    private ExecutionResult? Refusal(CachedDocument entry, GraphQLRequest request, IServiceProvider services, RequestBudget budget, string? lang)
    {
        if (DocumentRefusal(entry.Measure, lang) is { } refused)
            return refused;
        if (entry.Measure.Introspects && !_limits.AnonymousIntrospection && services.GetService<CallerContext>() is { Kind: PrincipalKind.Anonymous })
            return Refused(ErrorCodes.IntrospectionDisabled, lang, null);
        var counts = entry.PerRequestCounts.GetOrAdd(request.OperationName ?? "", name =>
            PerRequest.Count(schema, entry.Document, name.Length == 0 ? null : name));
        if (budget.TryTake(counts) is { } kind)
            return Refused(ErrorCodes.PerRequestLimit, lang, new { kind, limit = _limits.PerRequest.GetValueOrDefault(kind, 1) });
        return null;
    }

    /// <summary>The refusal a document earns by its measure alone, whoever sends it.</summary>
    private ExecutionResult? DocumentRefusal(DocumentMeasure m, string? lang)
    {
        if (m.CyclicFragment is { } cyclic)
            return Refused(ErrorCodes.InvalidQuery, lang, new { fragment = cyclic, reason = "the fragment spreads itself" });
        if (m.FragmentsTooDeep || m.FragmentSpreads > _limits.MaxFragmentSpreads)
            return Refused(ErrorCodes.TooManySelections, lang, new { limit = _limits.MaxFragmentSpreads, fragmentSpreads = m.FragmentSpreads });
        if (m.Aliases > _limits.MaxAliases)
            return Refused(ErrorCodes.TooManyAliases, lang, new { limit = _limits.MaxAliases, aliases = m.Aliases });
        if (m.Selections > _limits.MaxSelections)
            return Refused(ErrorCodes.TooManySelections, lang, new { limit = _limits.MaxSelections, selections = m.Selections });
        var maxDepth = Math.Max(_limits.MaxDepth, _limits.MaxIntrospectionDepth);
        if (m.Depth > maxDepth)
            return Refused(ErrorCodes.MaxDepthExceeded, lang, new { limit = maxDepth, depth = m.Depth });
        return null;
    }

    private static ExecutionResult Refused(ErrorCode code, string? lang, object? data) =>
        new() { Errors = [new GenAuthExecutionError(code.Message(lang), code.Code, data)] };

    /// <summary>The type of the operation a request would run, or null when the document doesn't parse.</summary>
    public OperationType? OperationTypeOf(GraphQLRequest request)
    {
        if (string.IsNullOrEmpty(request.Query) || request.Query.Length > _limits.MaxDocumentLength
            || TryGetEntry(request.Query)?.Document is not { } document)
            return null;
        return DocumentShape.SelectOperation(document, request.OperationName)?.Operation;
    }

    private sealed class CachedDocument(GraphQLDocument document)
    {
        public GraphQLDocument Document { get; } = document;

        /// <summary>Measured once per document text: the measure depends on the text only.</summary>
        public DocumentMeasure Measure { get; } = DocumentShape.Measure(document);

        /// <summary>Marked root fields of each operation name ("" for the only operation).</summary>
        public ConcurrentDictionary<string, Dictionary<string, int>?> PerRequestCounts { get; } = new(StringComparer.Ordinal);

        /// <summary>Set once an execution of this document got past validation.</summary>
        public volatile bool Validated;
    }

    private CachedDocument? TryGetEntry(string query)
    {
        if (_documents.TryGetValue(query, out CachedDocument? cached))
            return cached;
        try
        {
            var entry = new CachedDocument(Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = ParserMaxDepth }));
            // Note: refused documents are not kept (an attacker varying the text would fill the cache with them), and
            // an entry's size grows with its text, so a cache full of 64 KB documents can't hold gigabytes of syntax trees.
            if (DocumentRefusal(entry.Measure, null) is null)
                _documents.Set(query, entry, new MemoryCacheEntryOptions { Size = 1 + query.Length / 1024, SlidingExpiration = TimeSpan.FromMinutes(30) });
            return entry;
        }
        catch (GraphQLParserException)
        {
            return null; // the executer parses again and reports the syntax error in the usual shape
        }
    }
}
