using GenAuth.Core;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.LoadTest;

/// <summary>
/// The P2 baseline: a minimal ASP.NET endpoint doing what <c>{ user { id email } }</c> needs and nothing else —
/// the same Core services (PoolDirectory, TokenService.VerifyAsync, SessionService.IsActiveAsync), the same
/// GenAuthDbContext on the same SQLite file and master key, the same user query, the same JSON out.
/// Run as its own process (this tool with --baseline-server), like GenAuth.Server, so both sides have the
/// same topology: a server process and the load generator sharing the cores.
/// </summary>
public static class BaselineServer
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--baseline-server").ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Same logging levels as GenAuth.Server's appsettings.json.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        });
        builder.Services.AddGenAuthCore(); // GenAuth__DataDirectory comes from the environment, as for the server
        var app = builder.Build();

        app.MapGet("/healthz", () => Results.Text("ok"));

        // The real work: the same request bytes as the GraphQL call (the body is not needed here, so it is not parsed).
        app.MapPost("/graphql/v2", async (HttpContext http) =>
        {
            var ct = http.RequestAborted;
            var services = http.RequestServices;
            var db = services.GetRequiredService<GenAuthDbContext>();
            var poolId = http.Request.Headers["x-authing-userpool-id"].ToString();
            var pool = await services.GetRequiredService<PoolDirectory>().FindPoolAsync(db, poolId, ct);
            var auth = http.Request.Headers.Authorization.ToString();
            var token = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : auth.Trim();
            if (pool is null || token.Length == 0)
                return Unauthorized();
            var verified = await services.GetRequiredService<TokenService>().VerifyAsync(db, token, ct);
            if (verified is not { } v || v.Key.UserPoolId != pool.Id || v.Payload.TokenType != TokenTypes.Id
                || v.Payload.Sid is null || v.Payload.Sub is null
                || !await services.GetRequiredService<SessionService>().IsActiveAsync(db, pool.Id, v.Payload.Sid, v.Payload.Sub, ct))
                return Unauthorized();
            db.PoolId = pool.Id;
            var userId = v.Payload.Sub;
            // The same query GenAuth's AccountService.GetUserAsync runs for the signed-in user (whole row, no tracking).
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
            if (user is null)
                return Unauthorized();
            return Results.Json(new { data = new { user = new { id = user.Id, email = user.Email } } });
        });

        // Diagnostics (--diag): the ASP.NET floor, and the token check without the user read.
        app.MapPost("/const", () => Results.Json(new { data = new { user = new { id = "0123456789abcdef01234567", email = "user0000@bench.test" } } }));
        app.MapPost("/token-only", async (HttpContext http) =>
        {
            var ct = http.RequestAborted;
            var services = http.RequestServices;
            var db = services.GetRequiredService<GenAuthDbContext>();
            var pool = await services.GetRequiredService<PoolDirectory>().FindPoolAsync(db, http.Request.Headers["x-authing-userpool-id"].ToString(), ct);
            var auth = http.Request.Headers.Authorization.ToString();
            var token = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : auth.Trim();
            if (pool is null || token.Length == 0)
                return Unauthorized();
            var verified = await services.GetRequiredService<TokenService>().VerifyAsync(db, token, ct);
            if (verified is not { } v || v.Key.UserPoolId != pool.Id || v.Payload.Sid is null || v.Payload.Sub is null
                || !await services.GetRequiredService<SessionService>().IsActiveAsync(db, pool.Id, v.Payload.Sid, v.Payload.Sub, ct))
                return Unauthorized();
            return Results.Json(new { data = new { user = new { id = v.Payload.Sub, email = "user@bench.test" } } });
        });

        await app.RunAsync();
    }

    private static IResult Unauthorized() =>
        Results.Json(new { errors = new[] { new { message = "not logged in", extensions = new { code = 2020 } } } }, statusCode: 401);
}
