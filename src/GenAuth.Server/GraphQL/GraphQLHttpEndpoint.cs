using System.Text.Json;
using GenAuth.Server.Callers;
using GraphQL;
using GraphQL.Transport;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenAuth.Server.GraphQL;

/// <summary>GraphQL over HTTP (GET for queries, POST application/json, batched POST), per the GraphQL-over-HTTP spec.</summary>
public static class GraphQLHttpEndpoint
{
    public const string GraphQLResponseJson = "application/graphql-response+json";

    public static async Task HandleAsync(HttpContext http)
    {
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method))
        {
            http.Response.Headers.Allow = "GET, POST";
            await WriteRequestErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "Use GET for queries or POST");
            return;
        }
        if (SseTransport.Accepts(http.Request))
        {
            await SseTransport.HandleAsync(http);
            return;
        }
        var parsed = await ReadRequestsAsync(http);
        if (parsed.Error is { } error)
        {
            await WriteRequestErrorAsync(http, error.Status, error.Message);
            return;
        }
        var executor = http.RequestServices.GetRequiredService<GraphQLExecutor>();
        if (HttpMethods.IsGet(method) && parsed.Requests.Any(r => executor.OperationTypeOf(r) is OperationType.Mutation or OperationType.Subscription))
        {
            http.Response.Headers.Allow = "POST";
            await WriteRequestErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "Mutations are only accepted over POST");
            return;
        }

        var caller = await http.ResolveCallerAsync();
        var legacy = http.Request.IsFromSdk();
        var writer = http.RequestServices.GetRequiredService<ResultWriter>();
        var graphqlResponse = AcceptsGraphQLResponse(http.Request);
        var results = new List<string>(parsed.Requests.Count);
        var allFailedBeforeExecution = true;
        // Note: one budget for the whole batch: per-request kinds (one send, one registration...) and response bytes.
        var budget = new RequestBudget(executor.Limits);
        foreach (var request in parsed.Requests)
        {
            var result = await executor.ExecuteAsync(request, http.RequestServices, http.RequestAborted, budget);
            if (result.Streams is { Count: > 0 })
                result = new ExecutionResult { Errors = [new ExecutionError("Subscriptions need a WebSocket or text/event-stream")] };
            var json = writer.Serialize(result, legacy, caller.Lang, budget, out var tooLarge);
            // Note: an answer refused for its size is a request error, like one refused before execution.
            allFailedBeforeExecution &= !result.Executed || tooLarge;
            results.Add(json);
        }

        // Note: with application/graphql-response+json a request that never executed (syntax, validation) is a 400;
        // with application/json every GraphQL answer is a 200, which is what GenAuth clients expect.
        http.Response.StatusCode = graphqlResponse && !parsed.IsBatch && allFailedBeforeExecution ? 400 : 200;
        http.Response.ContentType = (graphqlResponse ? GraphQLResponseJson : "application/json") + "; charset=utf-8";
        await http.Response.WriteAsync(parsed.IsBatch ? "[" + string.Join(",", results) + "]" : results[0], http.RequestAborted);
    }

    private static bool AcceptsGraphQLResponse(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the operation(s) of a GET or POST request, with the transport's limits applied.</summary>
    public static async Task<ParsedRequests> ReadRequestsAsync(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method) ? ReadGet(http) : await ReadPostAsync(http);

    public sealed record RequestError(int Status, string Message);

    public sealed record ParsedRequests(List<GraphQLRequest> Requests, bool IsBatch, RequestError? Error)
    {
        public static ParsedRequests Fail(int status, string message) => new([], false, new RequestError(status, message));
    }

    private static ParsedRequests ReadGet(HttpContext http)
    {
        var q = http.Request.Query;
        if (string.IsNullOrEmpty(q["query"]))
            return ParsedRequests.Fail(400, "Missing 'query' parameter");
        try
        {
            var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
            var request = new GraphQLRequest
            {
                Query = q["query"],
                OperationName = string.IsNullOrEmpty(q["operationName"]) ? null : q["operationName"].ToString(),
                Variables = string.IsNullOrEmpty(q["variables"]) ? null : serializer.Deserialize<Inputs>(q["variables"]),
                Extensions = string.IsNullOrEmpty(q["extensions"]) ? null : serializer.Deserialize<Inputs>(q["extensions"]),
            };
            return new ParsedRequests([request], false, null);
        }
        catch (Exception e) when (e is JsonException or global::GraphQL.ExecutionError or InvalidOperationException)
        {
            return ParsedRequests.Fail(400, "'variables' or 'extensions' is not a JSON object");
        }
    }

    private static async Task<ParsedRequests> ReadPostAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<GraphQLHttpOptions>>().Value;
        var contentType = http.Request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || media.MediaType.Equals("application/graphql+json", StringComparison.OrdinalIgnoreCase)))
            return ParsedRequests.Fail(415, "Send the request as application/json");
        if (http.Request.ContentLength > options.MaxBodyBytes)
            return ParsedRequests.Fail(413, $"The body is larger than {options.MaxBodyBytes} bytes");

        var body = await ReadLimitedAsync(http, options.MaxBodyBytes);
        if (body is null)
            return ParsedRequests.Fail(413, $"The body is larger than {options.MaxBodyBytes} bytes");
        var serializer = http.RequestServices.GetRequiredService<IGraphQLSerializer>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
                return Validate([ReadOne(serializer, root)], false);
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() is > 0 and var n)
            {
                if (n > options.MaxBatchSize)
                    return ParsedRequests.Fail(400, $"A batch may hold at most {options.MaxBatchSize} operations");
                return Validate(root.EnumerateArray().Select(e => ReadOne(serializer, e)).ToList(), true);
            }
            return ParsedRequests.Fail(400, "The body must be a GraphQL request object or a non-empty array of them");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or global::GraphQL.ExecutionError)
        {
            return ParsedRequests.Fail(400, "The body is not valid JSON for a GraphQL request");
        }
    }

    private static GraphQLRequest ReadOne(IGraphQLSerializer serializer, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException("not an object");
        return serializer.ReadNode<GraphQLRequest>(element) ?? throw new InvalidOperationException("empty");
    }

    private static ParsedRequests Validate(List<GraphQLRequest> requests, bool batch) =>
        requests.Any(r => string.IsNullOrWhiteSpace(r.Query) && string.IsNullOrEmpty(r.DocumentId))
            ? ParsedRequests.Fail(400, "Each request needs a 'query'")
            : new ParsedRequests(requests, batch, null);

    private static async Task<byte[]?> ReadLimitedAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength is { } length)
        {
            // Known length (already checked against the limit): one exact buffer, no copies.
            var exact = new byte[length];
            var offset = 0;
            int read;
            while (offset < exact.Length && (read = await http.Request.Body.ReadAsync(exact.AsMemory(offset), http.RequestAborted)) > 0)
                offset += read;
            return offset == exact.Length ? exact : exact[..offset];
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                    return null;
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>A request-level failure (nothing executed): a GraphQL error body with a GenAuth code, and an HTTP status.</summary>
    public static Task WriteRequestErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        var legacy = http.Request.IsFromSdk();
        // Note: an oversized body has its own GenAuth code (4130), as on the REST paths; other statuses are the code.
        var code = status == StatusCodes.Status413PayloadTooLarge ? GenAuth.Core.Common.ErrorCodes.BodyTooLarge.Code : status;
        object error = legacy
            ? new { message = new { code, message, data = (object?)null }, extensions = new { code } }
            : new { message, extensions = new { code } };
        return http.Response.WriteAsync(JsonSerializer.Serialize(new { errors = new[] { error } }), http.RequestAborted);
    }
}
