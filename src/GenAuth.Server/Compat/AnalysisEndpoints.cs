using GenAuth.Core.Audit;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Server.Compat;

/// <summary>
/// GenAuth's log paths over the event log (SDK: StatisticsManagementClient, UserActionManagementClient,
/// users.getApplicationLoginUserNum). /audit lists admin actions, /user-action the users' own; every item carries both
/// of the SDK's shapes (AuditLog and UserAction), since both clients read /user-action.
/// </summary>
public static class AnalysisEndpoints
{
    private const string ArnPrefix = "arn:cn:authing:";

    public static IEndpointRouteBuilder MapGenAuthAnalysisApi(this IEndpointRouteBuilder app)
    {
        var analysis = app.MapGroup("/api/v2/analysis");
        analysis.MapGet("/audit", static (HttpContext http, AuditLogService logs, GenAuthDbContext db, CancellationToken ct) =>
            Rest.RunAsync(http, async caller => await ListAsync(http, logs, db, userActions: false, ct)));
        analysis.MapGet("/user-action", static (HttpContext http, AuditLogService logs, GenAuthDbContext db, CancellationToken ct) =>
            Rest.RunAsync(http, async caller => await ListAsync(http, logs, db, userActions: true, ct)));
        analysis.MapGet("/total-login-count", static (HttpContext http, AuditLogService logs, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var appId = http.Request.Query["appId"].ToString();
                return new { totalCount = await logs.LoginUserCountAsync(appId.Length > 0 ? appId : null, ct) };
            }));
        return app;
    }

    private static async Task<object?> ListAsync(HttpContext http, AuditLogService logs, GenAuthDbContext db, bool userActions,
        CancellationToken ct)
    {
        var q = http.Request.Query;
        string? Str(string name) => q[name].ToString() is { Length: > 0 and <= 256 } s ? s : null;
        var type = Str("eventType") ?? Str("operation_name");
        var userId = Str("userId") ?? UserIdOfArn(Str("operator_arn"));
        var filter = new AuditFilter
        {
            Types = type is null ? null : [type],
            UserId = userId,
            AppId = Str("app_id") ?? Str("appId"),
            Ip = Str("clientip") ?? Str("clientIp"),
            From = Time(Str("start")),
            To = Time(Str("end")),
        };
        var kinds = AuditEventTypes.UserActions.ToList();
        var page = await logs.ListAsync(filter, events => userActions
                ? events.Where(e => kinds.Contains(e.Type))
                : events.Where(e => !kinds.Contains(e.Type)),
            int.TryParse(Str("page"), out var p) ? p : 1, int.TryParse(Str("limit"), out var l) ? l : 10, ct);

        // Names for the page's users and apps (one query each).
        var userIds = page.List.Select(e => e.UserId).OfType<string>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Username, u.Nickname, u.Email, u.Phone, u.Photo }).ToDictionaryAsync(u => u.Id, ct);
        var appIds = page.List.Select(e => e.AppId).OfType<string>().Distinct().ToList();
        var apps = await db.Applications.AsNoTracking().Where(a => appIds.Contains(a.Id))
            .Select(a => new { a.Id, a.Name, a.Logo }).ToDictionaryAsync(a => a.Id, ct);
        var poolName = (await db.UserPools.AsNoTracking().Where(x => page.List.Select(e => e.UserPoolId).Contains(x.Id))
            .Select(x => x.Name).FirstOrDefaultAsync(ct)) ?? "";

        return new
        {
            totalCount = page.TotalCount,
            list = page.List.Select(e =>
            {
                var user = e.UserId is null ? null : users.GetValueOrDefault(e.UserId);
                var appRow = e.AppId is null ? null : apps.GetValueOrDefault(e.AppId);
                var name = user is null ? null : user.Nickname ?? user.Username ?? user.Email ?? user.Phone;
                var (browser, device) = UserAgentInfo.Parse(e.UserAgent);
                var time = e.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
                var code = e.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "200";
                return new Dictionary<string, object?>
                {
                    // AuditLog (StatisticsManagementClient)
                    ["id"] = AuditLogService.Cursor(e.Id),
                    ["timestamp"] = time,
                    ["userPoolId"] = e.UserPoolId,
                    ["userPoolName"] = poolName,
                    ["userId"] = e.UserId,
                    ["userName"] = name,
                    ["photoUrl"] = user?.Photo,
                    ["clientIp"] = e.Ip,
                    ["ua"] = new { device, name = browser, os = (string?)null },
                    ["geoip"] = null,
                    ["appId"] = e.AppId,
                    ["appName"] = appRow?.Name,
                    ["appLogo"] = appRow?.Logo,
                    ["operationParam"] = e.Target,
                    ["eventDetails"] = e.Detail,
                    ["eventResultCode"] = code,
                    ["eventResultMsg"] = e.Outcome,
                    ["eventType"] = e.Type,
                    ["operationMode"] = e.ActorKind,
                    // UserAction (UserActionManagementClient)
                    ["operator_arn"] = e.ActorId is { } actor && e.ActorKind == AuditActors.User ? ArnPrefix + e.UserPoolId + ":user:" + actor : e.ActorId,
                    ["@timestamp"] = time,
                    ["user_agent"] = e.UserAgent,
                    ["message"] = e.Detail,
                    ["userpool_id"] = e.UserPoolId,
                    ["app_id"] = e.AppId,
                    ["operation_name"] = e.Type,
                    ["clientip"] = e.Ip,
                    ["user"] = user is null ? null : new { userPoolId = e.UserPoolId, displayName = name, id = user.Id, photo = user.Photo },
                    ["app"] = appRow is null ? null : new { id = appRow.Id, name = appRow.Name, logo = appRow.Logo },
                    ["operation_desc"] = e.Outcome,
                };
            }).ToList(),
        };
    }

    /// <summary>GenAuth's user ARN (arn:cn:authing:{pool}:user:{id}) → the id; anything else filters by itself (matches nothing).</summary>
    private static string? UserIdOfArn(string? arn)
    {
        if (arn is null)
            return null;
        var i = arn.LastIndexOf(":user:", StringComparison.Ordinal);
        return i >= 0 ? arn[(i + 6)..] : arn;
    }

    /// <summary>start/end: a Unix time in milliseconds (GenAuth's) or seconds (small values), or ISO 8601.</summary>
    private static DateTime? Time(string? value)
    {
        if (value is null)
            return null;
        if (long.TryParse(value, out var n))
        {
            if (n < 0)
                throw new GenAuth.Core.Common.GenAuthException(GenAuth.Core.Common.ErrorCodes.BadRequest, detail: "'start'/'end' must be a time");
            var ms = n < 100_000_000_000 ? n * 1000 : n;
            return ms > 253_402_300_799_000 ? DateTime.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
        }
        return Validation.RequireTime(value, "start/end");
    }
}
