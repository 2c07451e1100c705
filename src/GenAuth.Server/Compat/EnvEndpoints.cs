using System.Text.Json;
using GenAuth.Core.Pipelines;

namespace GenAuth.Server.Compat;

/// <summary>
/// GenAuth's pipeline environment variables (SDK UserPoolManagementClient listEnv / addEnv / removeEnv): each call
/// answers the pool's list of { key, value }. Values are sealed at rest and readable by the pool's functions as env.KEY.
/// </summary>
public static class EnvEndpoints
{
    public sealed record EnvBody(string? Key, JsonElement? Value);

    public static IEndpointRouteBuilder MapGenAuthEnvApi(this IEndpointRouteBuilder app)
    {
        var env = app.MapGroup("/api/v2/env");
        env.MapGet("", static (HttpContext http, PipelineAdminService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => await s.ListEnvAsync(ct)));
        env.MapPost("", static (HttpContext http, RestBody<EnvBody> body, PipelineAdminService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                // Note: the SDK sends any JSON value; a string is kept as is, anything else as its JSON text.
                var value = b.Value is { ValueKind: JsonValueKind.String } text ? text.GetString()
                    : b.Value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } other ? other.GetRawText() : null;
                return await s.SetEnvAsync(b.Key, value, ct);
            }));
        env.MapDelete("/{key}", static (HttpContext http, string key, PipelineAdminService s, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => await s.RemoveEnvAsync(key, ct)));
        return app;
    }
}
