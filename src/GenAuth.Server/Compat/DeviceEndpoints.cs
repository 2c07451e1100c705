using System.Text.RegularExpressions;
using GenAuth.Core.Audit;
using GenAuth.Core.Common;
using GenAuth.Core.Devices;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>
/// The SDK's BrowserFingerprintClient paths (management: lib/management/BrowserFingerprintClient.ts; authentication:
/// lib/authentication/BrowserFingerprintClient.ts) over Core/Devices, and the two event-publishing paths
/// (EventManagementClient.pub, EventAuthenticationClient.pub) that put an app's own events into the pool's event log.
/// </summary>
public static partial class DeviceEndpoints
{
    public sealed record CreateDeviceBody(string? DeviceUniqueId, string? Name);

    public sealed record MyDeviceBody(string? DeviceId);

    public sealed record DeviceBody(string? Id, string? UserId, long? EndTime);

    public sealed record FilterBody(string? ModelId, int? Page, int? Limit);

    public sealed record EventBody(string? EventType, string? Source, string? EventData);

    /// <summary>Longest eventData kept with a published event (the event log's detail is bounded).</summary>
    public const int MaxEventDataLength = 2048;

    public static IEndpointRouteBuilder MapGenAuthDeviceApi(this IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("/api/v3");

        // The signed-in user's own devices.
        v3.MapPost("/create-device", static (HttpContext http, RestBody<CreateDeviceBody> body, DeviceService devices, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireUserId();
                return Json(await devices.CreateForSessionAsync(body.Value.DeviceUniqueId, body.Value.Name, ct));
            }));
        v3.MapGet("/mydevices/list", static (HttpContext http, DeviceService devices, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (await devices.MineAsync(ct)).Select(MineJson).ToList()));
        v3.MapPost("/mydevices/revoke-session", static (HttpContext http, RestBody<MyDeviceBody> body, DeviceService devices, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireUserId();
                await devices.LogoutMineAsync(body.Value.DeviceId, ct);
                return true;
            }));
        v3.MapPost("/mydevices/unbind", static (HttpContext http, RestBody<MyDeviceBody> body, DeviceService devices, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireUserId();
                await devices.UnbindMineAsync(body.Value.DeviceId, ct);
                return true;
            }));

        // The pool's admin: every device, and one user's.
        v3.MapPost("/metadata/filter", static (HttpContext http, RestBody<FilterBody> body, DeviceService devices, CancellationToken ct) =>
            Admin(http, async () =>
            {
                RequireDeviceModel(body.Value.ModelId);
                var page = await devices.ListAsync(body.Value.Page ?? 1, body.Value.Limit ?? 10, ct);
                return new { list = page.List.Select(Json), totalCount = page.TotalCount };
            }));
        v3.MapGet("/metadata/get-row", static (HttpContext http, [FromQuery] string? modelId, [FromQuery] string? rowId, DeviceService devices,
            CancellationToken ct) => Admin(http, async () =>
        {
            RequireDeviceModel(modelId);
            return new { data = Json(await devices.GetAsync(rowId, ct)) };
        }));
        v3.MapPost("/device-status", static (HttpContext http, RestBody<DeviceBody> body, DeviceService devices, CancellationToken ct) =>
            Admin(http, async () =>
            {
                var (status, diff) = await devices.StatusAsync(body.Value.Id, ct);
                return new { status, diffTime = diff };
            }));
        v3.MapPost("/get-user-devices", static (HttpContext http, [FromQuery] string? userId, RestBody<FilterBody> body, DeviceService devices,
            CancellationToken ct) => Admin(http, async () =>
        {
            var page = await devices.UserDevicesAsync(userId, body.Value.Page ?? 1, body.Value.Limit ?? 10, ct);
            return new { list = page.List.Select(MineJson), totalCount = page.TotalCount };
        }));
        foreach (var byUser in new[] { false, true })
        {
            var suffix = byUser ? "-by-user" : "";
            v3.MapPost("/delete-device" + suffix, (HttpContext http, RestBody<DeviceBody> body, DeviceService devices, CancellationToken ct) =>
                Admin(http, async () =>
                {
                    await devices.DeleteAsync(body.Value.Id, UserOf(body.Value, byUser), ct);
                    return true;
                }));
            foreach (var (verb, status) in new[]
                     {
                         ("disable", DeviceStatuses.Disabled), ("enable", DeviceStatuses.Activated), ("suspend", DeviceStatuses.Suspended),
                     })
                v3.MapPost($"/{verb}-device{suffix}", (HttpContext http, RestBody<DeviceBody> body, DeviceService devices, CancellationToken ct) =>
                    Admin(http, async () =>
                    {
                        await devices.SetStatusAsync(body.Value.Id, UserOf(body.Value, byUser), status, body.Value.EndTime, ct);
                        return true;
                    }));
        }

        // Custom events: the admin's (pub-event) and a signed-in user's through an app (pub-userEvent).
        v3.MapPost("/pub-event", static (HttpContext http, RestBody<EventBody> body, AuditTrail audit, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                caller.RequireAdmin();
                return await PublishAsync(audit, body.Value, null, ct);
            }, audited: false));
        v3.MapPost("/pub-userEvent", static (HttpContext http, RestBody<EventBody> body, AuditTrail audit, CancellationToken ct) =>
            Rest.RunAsync(http, async caller =>
            {
                var userId = caller.RequireUserId();
                return await PublishAsync(audit, body.Value, userId, ct);
            }, audited: false));
        return app;
    }

    private static Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RestEnvelope>> Admin(HttpContext http, Func<Task<object?>> action) =>
        Rest.RunAsync(http, caller =>
        {
            caller.RequireAdmin();
            return action();
        });

    private static string? UserOf(DeviceBody body, bool byUser) =>
        !byUser ? null
        : string.IsNullOrEmpty(body.UserId) ? throw new GenAuthException(ErrorCodes.BadRequest, detail: "userId is required") : body.UserId;

    private static void RequireDeviceModel(string? modelId)
    {
        // Note: GenAuth's metadata API serves many models; this server keeps only devices.
        if (modelId is not "device")
            throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "metadata model " + (modelId is { Length: <= 32 } m ? m : "?"));
    }

    /// <summary>
    /// One event into the pool's event log as "custom:{eventType}": the securityEvents subscription and webhooks see it
    /// like any other. Its data is the app's (at most <see cref="MaxEventDataLength"/> characters), never interpreted.
    /// </summary>
    private static async Task<object?> PublishAsync(AuditTrail audit, EventBody body, string? userId, CancellationToken ct)
    {
        if (body.EventType is not { } type || !EventTypePattern().IsMatch(type))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "eventType: 1 to 48 letters, digits, '_', '-', '.' or ':'");
        if (body.EventData is { Length: > MaxEventDataLength })
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"eventData is at most {MaxEventDataLength} characters");
        var source = TextCut.Clip(body.Source, 128);
        var e = audit.Record("custom:" + type, userId, new { source, eventData = body.EventData }, target: "event:" + type);
        if (e is not null)
            await audit.EnsureSavedAsync(e, ct);
        return new { id = e?.Id, eventType = type };
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,48}$")]
    private static partial Regex EventTypePattern();

    private static object Json(Device d) => new
    {
        id = d.Id, deviceUniqueId = d.UniqueId, name = d.Name, type = d.Type, browser = d.Browser, userAgent = d.UserAgent,
        status = DeviceStatuses.Effective(d.Status, d.SuspendedUntil, DateTime.UtcNow),
        suspendedUntil = d.SuspendedUntil is { } until ? IsoTime.Format(until) : null,
        createdAt = IsoTime.Format(d.CreatedAt), updatedAt = IsoTime.Format(d.UpdatedAt),
    };

    private static object MineJson(UserDeviceView v) => new
    {
        device = Json(v.Device), lastIp = v.Binding.LastIp, lastLoginTime = IsoTime.Format(v.Binding.LastLoginAt), online = v.Online,
        status = DeviceStatuses.Effective(v.Binding.Status, v.Binding.SuspendedUntil, DateTime.UtcNow),
    };
}
