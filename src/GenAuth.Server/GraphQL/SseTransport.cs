using GenAuth.Server.Callers;
using GraphQL.Transport;
using Microsoft.Net.Http.Headers;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// GraphQL over Server-Sent Events, "distinct connections" mode of the graphql-sse protocol: one operation
/// per request, "next" events, then "complete". Used where WebSockets are blocked.
/// </summary>
public static class SseTransport
{
    public static bool Accepts(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));

    public static async Task HandleAsync(HttpContext http)
    {
        GraphQLRequest? request;
        try
        {
            request = HttpMethods.IsGet(http.Request.Method)
                ? new GraphQLRequest { Query = http.Request.Query["query"], OperationName = http.Request.Query["operationName"] }
                : await http.RequestServices.GetRequiredService<global::GraphQL.IGraphQLSerializer>()
                    .ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            request = null;
        }
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await GraphQLHttpEndpoint.WriteRequestErrorAsync(http, 400, "The body is not a GraphQL request");
            return;
        }

        await http.ResolveCallerAsync();
        var executor = http.RequestServices.GetRequiredService<GraphQLExecutor>();
        var writer = http.RequestServices.GetRequiredService<ResultWriter>();
        var legacy = http.Request.IsFromSdk();
        var ct = http.RequestAborted;

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(ct);

        try
        {
            var result = await executor.ExecuteAsync(request, http.RequestServices, ct);
            if (result.Streams is { Count: > 0 } streams)
            {
                await foreach (var next in ObservableChannel.ReadAllAsync(streams.Values.First(), ct))
                    await WriteEventAsync(http, "next", writer.Serialize(next, legacy), ct);
            }
            else
            {
                await WriteEventAsync(http, "next", writer.Serialize(result, legacy), ct);
            }
            await WriteEventAsync(http, "complete", "", ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away: the subscription was disposed by the enumerator
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string name, string data, CancellationToken ct)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
