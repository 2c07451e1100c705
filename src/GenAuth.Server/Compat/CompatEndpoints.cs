using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using GenAuth.Core.Users;

namespace GenAuth.Server.Compat;

/// <summary>The REST paths GenAuth clients call beside GraphQL; each is a thin adapter over a Core service.</summary>
public static class CompatEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthCompatApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/.well-known", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            var pool = caller.RequirePool();
            var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
            var pem = await http.RequestServices.GetRequiredService<PasswordTransport>().PublicKeyPemAsync(db, pool.Id, http.RequestAborted);
            return new { publicKey = pem };
        })));

        app.MapMethods("/api/v2/logout", ["GET", "POST"], (Delegate)LogoutAsync);
        app.MapGet("/logout", (Delegate)LogoutAsync);
        return app;
    }

    /// <summary>Ends the caller's session. Logging out without a live session still succeeds: the goal state holds.</summary>
    private static Task<IResult> LogoutAsync(HttpContext http) => Rest.RunAsync(http, async caller =>
    {
        if (caller.Kind == PrincipalKind.User)
            await http.RequestServices.GetRequiredService<AccountService>().LogoutAsync(http.RequestAborted);
        return null;
    });
}
