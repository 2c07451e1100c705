using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Server.Callers;

namespace GenAuth.Server.Compat;

/// <summary>
/// GenAuth's REST envelope: { code: 200, message, data } on success, { code, message, data } on failure,
/// always HTTP 200 because the SDK reads the code from the body.
/// </summary>
public static class Rest
{
    public static IResult Ok(object? data = null, string message = "ok") =>
        Results.Json(new { code = 200, message, data });

    public static async Task<IResult> RunAsync(HttpContext http, Func<CallerContext, Task<object?>> action, string message = "ok")
    {
        CallerContext? caller = null;
        try
        {
            caller = await http.ResolveCallerAsync();
            return Ok(await action(caller), message);
        }
        catch (GenAuthException e)
        {
            return Results.Json(new { code = e.Code, message = e.LocalizedMessage(caller?.Lang), data = e.Payload });
        }
    }
}
