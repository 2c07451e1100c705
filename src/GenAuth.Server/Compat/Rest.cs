using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Server.Callers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenAuth.Server.Compat;

/// <summary>The body of every answer on GenAuth's REST paths.</summary>
public sealed record RestEnvelope(int Code, string Message, object? Data);

/// <summary>
/// GenAuth's REST envelope: { code: 200, message, data } on success, { code, message, data } on failure,
/// HTTP 200 because the SDK reads the code from the body; only a body over the size limit is also HTTP 413 (code 4130),
/// so proxies and clients that never read the body see the refusal too.
/// </summary>
public static class Rest
{
    public static JsonHttpResult<RestEnvelope> Ok(object? data = null, string message = "ok") =>
        TypedResults.Json(new RestEnvelope(200, message, data));

    /// <summary>
    /// Resolves the caller, runs the action and wraps its answer; a <see cref="GenAuthException"/> (also one a
    /// <see cref="RestBody{T}"/> deferred) becomes its code and message in the caller's language.
    /// </summary>
    /// <param name="audited">false for a path whose action records its own event (pub-event), so there is no second one.</param>
    public static async Task<JsonHttpResult<RestEnvelope>> RunAsync(HttpContext http, Func<CallerContext, Task<object?>> action,
        string message = "ok", bool audited = true)
    {
        CallerContext? caller = null;
        GenAuth.Core.Audit.AuditEvent? recorded = null;
        try
        {
            caller = await http.ResolveCallerAsync();
            // Every admin change through REST is in the event log too (with the change, or not at all).
            recorded = audited ? AuditedRest.Record(http, caller) : null;
            var result = await action(caller);
            await AuditedRest.EnsureSavedAsync(http, recorded);
            return Ok(result, message);
        }
        catch (GenAuthException e)
        {
            AuditedRest.Discard(http, recorded);
            return TypedResults.Json(new RestEnvelope(e.Code, e.LocalizedMessage(caller?.Lang ?? HttpCaller.LangOf(http.Request)), e.Payload),
                statusCode: e.Error == ErrorCodes.BodyTooLarge ? StatusCodes.Status413PayloadTooLarge : null);
        }
        catch (Exception e) when (GenAuth.Core.Data.ColumnLengths.IsValueTooLong(e))
        {
            // Note: PostgreSQL's 22001 from a write that bypassed SaveChanges' length check: the same envelope as 2607.
            AuditedRest.Discard(http, recorded);
            return TypedResults.Json(new RestEnvelope(ErrorCodes.ValueTooLong.Code,
                ErrorCodes.ValueTooLong.Message(caller?.Lang ?? HttpCaller.LangOf(http.Request)), null));
        }
    }
}
