using GenAuth.Core.Admin;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using GenAuth.Server.Callers;
using GenAuth.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>The REST paths GenAuth clients call beside GraphQL; each is a thin adapter over a Core service.</summary>
public static class CompatEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthCompatApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        v2.MapGet("/.well-known", static (HttpContext http, GenAuthDbContext db, PasswordTransport transport, BootstrapService bootstrap,
            CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            // A request naming no pool gets the default pool's key (GenAuth serves one key to anonymous callers).
            var poolId = caller.Pool?.Id ?? (caller.PoolError is null ? DefaultPoolId(bootstrap) : caller.RequirePool().Id);
            return new { publicKey = await transport.PublicKeyPemAsync(db, poolId, ct) };
        }));

        v2.MapMethods("/logout", ["GET", "POST"], LogoutAsync);
        app.MapGet("/logout", LogoutAsync);
        return app;
    }

    private static string DefaultPoolId(BootstrapService bootstrap) =>
        bootstrap.Info?.UserPoolId ?? throw new GenAuthException(ErrorCodes.UserPoolRequired);

    /// <summary>Ends the caller's session. Logging out without a live session still succeeds: the goal state holds.</summary>
    private static Task<JsonHttpResult<RestEnvelope>> LogoutAsync(HttpContext http, [FromQuery] string? userId, UserAdminService admin,
        AccountService account, CallerResolver resolver, SessionService sessions, GenAuthDbContext db, CancellationToken ct) =>
        Rest.RunAsync(http, async caller =>
    {
        // An admin names a user (SDK users.logout({ userId, appId })): force offline.
        if (caller.Kind == PrincipalKind.Admin && userId is { Length: > 0 })
            await admin.KickAsync([userId], caller.App?.Id, ct);
        else if (caller.Kind == PrincipalKind.User)
        {
            // Front-channel logout has no page here: the answer names the apps' logout URLs for the client's browser
            // (data stays null, as before, when no app asks for one).
            var frontchannel = await account.LogoutAsync(ct);
            if (frontchannel.Count > 0)
                return new { frontchannelLogoutUris = frontchannel };
        }
        else if (caller.TokenRejected && caller.App is not null && HttpCaller.BearerOf(http.Request.Headers.Authorization.ToString()) is { } token)
        {
            // Note: a token refused only for its audience (a pool session sent to an app's logout link) still ends its
            // own session: ending a session grants nothing.
            var probe = new CallerContext { Pool = caller.Pool };
            await resolver.ResolveTokenAsync(db, probe, token, ct);
            if (probe is { Kind: PrincipalKind.User, SessionId: { } sessionId })
                await sessions.RevokeAsync(db, sessionId, ct);
        }
        return null;
    });
}
