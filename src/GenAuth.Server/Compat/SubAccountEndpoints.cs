using GenAuth.Core.Admin;

namespace GenAuth.Server.Compat;

/// <summary>
/// Sub-accounts of a user (admin only): GenAuth's console makes them and the SDK's loginBySubAccount signs in to them;
/// this server offers the console's part as REST.
/// </summary>
public static class SubAccountEndpoints
{
    public sealed record SubAccountBody(string? Username, string? Password, string? Nickname);

    public static IEndpointRouteBuilder MapGenAuthSubAccountApi(this IEndpointRouteBuilder app)
    {
        var subs = app.MapGroup("/api/v2/users/" + ManagementEndpoints.Id + "/sub-accounts");
        subs.MapGet("", static (HttpContext http, string id, SubAccountService service, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var list = await service.ListAsync(id, ct);
                return new { totalCount = list.Count, list = list.Select(u => UserJson.Of(u)) };
            }));
        subs.MapPost("", static (HttpContext http, string id, RestBody<SubAccountBody> body, SubAccountService service, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                var b = body.Value;
                var created = await service.CreateAsync(id, b.Username, b.Password, b.Nickname, ct);
                return UserJson.Of(created.User);
            }));
        return app;
    }
}
