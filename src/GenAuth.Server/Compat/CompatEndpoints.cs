using GenAuth.Core.Admin;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Security;
using GenAuth.Core.Common;
using GenAuth.Core.Users;
using GenAuth.Server.Hosting;

namespace GenAuth.Server.Compat;

/// <summary>The REST paths GenAuth clients call beside GraphQL; each is a thin adapter over a Core service.</summary>
public static class CompatEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthCompatApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/.well-known", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            // A request naming no pool gets the default pool's key (GenAuth serves one key to anonymous callers).
            var poolId = caller.Pool?.Id ?? (caller.PoolError is null ? DefaultPoolId(http) : caller.RequirePool().Id);
            var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
            var pem = await http.RequestServices.GetRequiredService<PasswordTransport>().PublicKeyPemAsync(db, poolId, http.RequestAborted);
            return new { publicKey = pem };
        })));

        app.MapMethods("/api/v2/logout", ["GET", "POST"], (Delegate)LogoutAsync);
        app.MapGet("/logout", (Delegate)LogoutAsync);
        return app;
    }

    private static string DefaultPoolId(HttpContext http) =>
        http.RequestServices.GetServices<IHostedService>().OfType<BootstrapService>().FirstOrDefault()?.Info?.UserPoolId
        ?? throw new GenAuthException(ErrorCodes.UserPoolRequired);

    /// <summary>Ends the caller's session. Logging out without a live session still succeeds: the goal state holds.</summary>
    private static Task<IResult> LogoutAsync(HttpContext http) => Rest.RunAsync(http, async caller =>
    {
        // An admin names a user (SDK users.logout({ userId, appId })): force offline.
        if (caller.Kind == PrincipalKind.Admin && http.Request.Query["userId"].ToString() is { Length: > 0 } userId)
            await http.RequestServices.GetRequiredService<UserAdminService>().KickAsync([userId], caller.App?.Id, http.RequestAborted);
        else if (caller.Kind == PrincipalKind.User)
            await http.RequestServices.GetRequiredService<AccountService>().LogoutAsync(http.RequestAborted);
        return null;
    });
}
