using System.Diagnostics;
using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Server.Callers;
using Microsoft.AspNetCore.Diagnostics;

namespace GenAuth.Server.Hosting;

/// <summary>
/// The one answer to an error nothing else handled, in every environment: a coded JSON body (GenAuth's envelope
/// { code, message, data } on REST and other paths, a GraphQL error on the GraphQL path), never a stack trace or an
/// echo of the request. A body over the size limit is HTTP 413 with code 4130.
/// </summary>
public sealed partial class ErrorResponses(ILogger<ErrorResponses> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, error) = Classify(exception);
        var traceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        if (status >= 500)
            // Note: the type and the stack only. Messages can quote input (a header, a body, a SQL value), and the
            // request's headers and body are never logged.
            Unhandled(logger, exception.GetType().FullName ?? "?", http.Request.Method, http.Request.Path.Value ?? "", traceId,
                StackOf(exception));
        else
            Refused(logger, exception.GetType().FullName ?? "?", status, http.Request.Method, http.Request.Path.Value ?? "", traceId);

        await WriteAsync(http, status, error, new { traceId }, ct);
        return true;
    }

    /// <summary>Writes the coded error in the shape the path's callers read.</summary>
    public static Task WriteAsync(HttpContext http, int status, ErrorCode error, object? data, CancellationToken ct)
    {
        var response = http.Response;
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var message = error.Message(HttpCaller.LangOf(http.Request));
        object body;
        if (http.Request.Path.StartsWithSegments("/graphql"))
        {
            // The shape GraphQLHttpEndpoint uses for request-level failures (the SDK's legacy one for SDK callers).
            object graphQLError = http.Request.IsFromSdk()
                ? new { message = new { code = error.Code, message, data }, extensions = new { code = error.Code, data } }
                : new { message, extensions = new { code = error.Code, data } };
            body = new { errors = new[] { graphQLError } };
        }
        else
        {
            body = new { code = error.Code, message, data };
        }
        return response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), ct);
    }

    private static (int Status, ErrorCode Error) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, ErrorCodes.BodyTooLarge),
        // Kestrel's refusals of malformed requests (bad framing, header or form data, a slow body): a client error.
        BadHttpRequestException bad => (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, ErrorCodes.BadRequest),
        // ASP.NET's form and multipart readers refuse what they can't decode (%00, a bad escape) or too many values
        // with InvalidDataException, thrown wherever the form is first read (OpenIddict's request extraction, a page).
        InvalidDataException when exception.TargetSite?.DeclaringType?.Namespace == "Microsoft.AspNetCore.WebUtilities"
            => (400, ErrorCodes.BadRequest),
        GenAuthException e when e.Error == ErrorCodes.BodyTooLarge => (413, ErrorCodes.BodyTooLarge),
        GenAuthException e => (400, e.Error),
        // PostgreSQL's 22001 from a write that bypassed SaveChanges' length check (ExecuteUpdate, raw SQL).
        _ when Core.Data.ColumnLengths.IsValueTooLong(exception) => (400, ErrorCodes.ValueTooLong),
        _ => (500, ErrorCodes.Internal),
    };

    /// <summary>Exception types and frames of the chain, without messages.</summary>
    private static string StackOf(Exception exception)
    {
        var lines = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            lines.Add((lines.Count == 0 ? "" : "caused by ") + e.GetType().FullName);
            if (e.StackTrace is { } trace)
                lines.Add(trace);
        }
        return string.Join('\n', lines);
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Unhandled {ExceptionType} on {Method} {Path} (trace {TraceId}); answered 5000\n{Stack}")]
    private static partial void Unhandled(ILogger logger, string exceptionType, string method, string path, string traceId, string stack);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Refused a request with {ExceptionType}: HTTP {Status} on {Method} {Path} (trace {TraceId})")]
    private static partial void Refused(ILogger logger, string exceptionType, int status, string method, string path, string traceId);
}
