using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using GenAuth.GraphQL.Common;
using GenAuth.Server.Callers;
using GraphQL;
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
        var parsed = await GraphQLHttpEndpoint.ReadRequestsAsync(http);
        if (parsed.Error is { } error || parsed.IsBatch)
        {
            await GraphQLHttpEndpoint.WriteRequestErrorAsync(http, parsed.Error?.Status ?? 400,
                parsed.Error?.Message ?? "Event streams carry one operation, not a batch");
            return;
        }
        var request = parsed.Requests[0];

        var caller = await http.ResolveCallerAsync();
        var executor = http.RequestServices.GetRequiredService<GraphQLExecutor>();
        var writer = http.RequestServices.GetRequiredService<ResultWriter>();
        var legacy = http.Request.IsFromSdk();
        // Note: the stream lives as long as the caller's session and token: a revocation or the expiry ends it with
        // the error as a "next" event, then "complete" (graphql-sse has no other way to say why a stream ended).
        using var credential = await WatchCredentialAsync(http, caller);
        using var linked = credential is null ? null : CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, credential.Ended);
        var ct = linked?.Token ?? http.RequestAborted;

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
                // Note: a stream also ends when the server stops (graceful shutdown): "complete", so the client reconnects
                // to another instance instead of holding the drain until its timeout.
                var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                using var streaming = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
                try
                {
                    await foreach (var next in ObservableChannel.ReadAllAsync(streams.Values.First(), streaming.Token))
                        await WriteEventAsync(http, "next", writer.Serialize(next, legacy, caller.Lang), ct);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    // the server is stopping: complete below
                }
            }
            else
            {
                await WriteEventAsync(http, "next", writer.Serialize(result, legacy, caller.Lang), ct);
            }
            await WriteEventAsync(http, "complete", "", ct);
        }
        catch (OperationCanceledException) when (credential?.Ended.IsCancellationRequested == true && !http.RequestAborted.IsCancellationRequested)
        {
            var ended = new ExecutionResult
            {
                Errors = [new GenAuthExecutionError(ErrorCodes.TokenInvalid.Message(caller.Lang), ErrorCodes.TokenInvalid.Code, null)],
            };
            await WriteEventAsync(http, "next", writer.Serialize(ended, legacy), http.RequestAborted);
            await WriteEventAsync(http, "complete", "", http.RequestAborted);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away: the subscription was disposed by the enumerator
        }
    }

    /// <summary>Watches the caller's session and token; a session revoked before the watch began ends the stream at once.</summary>
    private static async Task<CredentialLifetime?> WatchCredentialAsync(HttpContext http, CallerContext caller)
    {
        var services = http.RequestServices;
        var sessions = services.GetRequiredService<SessionService>();
        var credential = CredentialLifetime.Watch(caller, sessions, services.GetRequiredService<TimeProvider>());
        if (credential is not null && caller.Kind == PrincipalKind.User
            && !await sessions.IsActiveAsync(services.GetRequiredService<GenAuthDbContext>(), caller.Pool!.Id, caller.SessionId!, caller.UserId!, http.RequestAborted))
            credential.End();
        return credential;
    }

    private static async Task WriteEventAsync(HttpContext http, string name, string data, CancellationToken ct)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
