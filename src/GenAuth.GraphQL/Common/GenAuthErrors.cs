using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.GraphQL.Common;

/// <summary>A GraphQL error carrying a GenAuth code (and optional data), localised for the caller.</summary>
public sealed class GenAuthExecutionError(string message, int code, object? data) : ExecutionError(message)
{
    public int GenAuthCode { get; } = code;
    public object? Payload { get; } = data;
}

/// <summary>
/// The one place GraphQL errors get their shape: domain exceptions become coded errors, anything
/// unexpected becomes code 5000 with no detail (the exception goes to the log, not to the caller).
/// </summary>
public static class GenAuthErrors
{
    public static void Map(UnhandledExceptionContext context)
    {
        var lang = context.ExecutionOptions.RequestServices?.GetService<CallerContext>()?.Lang;
        if (context.OriginalException is GenAuthException ge)
        {
            context.Exception = new GenAuthExecutionError(ge.LocalizedMessage(lang), ge.Code, ge.Payload);
            return;
        }
        // Note: PostgreSQL's 22001 from a write that bypassed SaveChanges' length check (ExecuteUpdate, raw SQL).
        if (GenAuth.Core.Data.ColumnLengths.IsValueTooLong(context.OriginalException))
        {
            context.Exception = new GenAuthExecutionError(ErrorCodes.ValueTooLong.Message(lang), ErrorCodes.ValueTooLong.Code, null);
            return;
        }
        // Note: a document nested beyond the parser's limit is the caller's error (4001), not a server fault.
        if (context.OriginalException is GraphQLParser.Exceptions.GraphQLMaxDepthExceededException)
        {
            context.Exception = new GenAuthExecutionError(ErrorCodes.MaxDepthExceeded.Message(lang), ErrorCodes.MaxDepthExceeded.Code, null);
            return;
        }
        context.ExecutionOptions.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("GenAuth.GraphQL")
            .LogError(context.OriginalException, "Unhandled error in {Field}", context.FieldContext?.FieldDefinition.Name);
        context.Exception = new GenAuthExecutionError(ErrorCodes.Internal.Message(lang), ErrorCodes.Internal.Code, null);
    }
}

public sealed class GenAuthErrorInfoProvider : IErrorInfoProvider
{
    private readonly ErrorInfoProvider _default = new(o => o.ExposeData = false);

    public ErrorInfo GetInfo(ExecutionError executionError)
    {
        if (executionError is GenAuthExecutionError ge)
        {
            var extensions = new Dictionary<string, object?> { ["code"] = ge.GenAuthCode };
            if (ge.Payload is not null)
                extensions["data"] = ge.Payload;
            return new ErrorInfo { Message = ge.Message, Extensions = extensions! };
        }
        var info = _default.GetInfo(executionError);
        var ext = info.Extensions ?? new Dictionary<string, object?>();
        // Validation and syntax errors keep GraphQL.NET's text code under "codes"; "code" is always numeric.
        if (ext.TryGetValue("code", out var textCode) && textCode is string s)
            ext["codes"] = new[] { s };
        ext["code"] = executionError switch
        {
            ValidationError v when v.Code == "MAX_DEPTH_EXCEEDED" || v.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                => ErrorCodes.MaxDepthExceeded.Code,
            ValidationError v when v.Message.Contains("complexity", StringComparison.OrdinalIgnoreCase)
                => ErrorCodes.MaxComplexityExceeded.Code,
            _ => ErrorCodes.InvalidQuery.Code,
        };
        return new ErrorInfo { Message = info.Message, Extensions = ext! };
    }
}
