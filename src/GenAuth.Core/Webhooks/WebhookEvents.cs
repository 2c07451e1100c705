using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Audit;

namespace GenAuth.Core.Webhooks;

/// <summary>
/// GenAuth's webhook event names and how our audit event types map to them. Types GenAuth has no webhook name for are
/// delivered under the audit type itself (logout, deleteUser, createRole, …), so a webhook may subscribe to any of them.
/// </summary>
public static partial class WebhookEvents
{
    public const string All = "*";
    public const string Login = "login";
    public const string Register = "register";
    public const string MfaVerify = "mfaVerify";
    public const string UserUpdated = "user:updated";
    public const string PasswordChanged = "user:password-changed";
    public const string EmailVerified = "user:email-verified";
    public const string Test = "test";

    public const int MaxEvents = 50;

    /// <summary>GenAuth's names (its webhook console's list).</summary>
    public static readonly IReadOnlyList<string> GenAuthNames = [Login, Register, MfaVerify, UserUpdated, PasswordChanged, EmailVerified];

    /// <summary>The webhook event name an audit event is delivered as.</summary>
    public static string NameOf(string auditType) => auditType switch
    {
        AuditEventTypes.Login => Login,
        AuditEventTypes.Register or AuditEventTypes.CreateUser => Register,
        AuditEventTypes.VerifyMfa => MfaVerify,
        AuditEventTypes.UpdatePassword or AuditEventTypes.ResetPassword => PasswordChanged,
        AuditEventTypes.VerifyEmail => EmailVerified,
        AuditEventTypes.UpdateUserinfo or AuditEventTypes.UpdateEmail or AuditEventTypes.UpdatePhone or AuditEventTypes.BindEmail
            or AuditEventTypes.BindPhone or AuditEventTypes.UnbindEmail or AuditEventTypes.UnbindPhone or "updateUser" => UserUpdated,
        _ => auditType,
    };

    /// <summary>Whether a webhook subscribed to <paramref name="events"/> (its stored comma list) wants this event name.</summary>
    public static bool Wants(string events, string name)
    {
        foreach (var e in events.Split(','))
            if (e == All || e == name)
                return true;
        return false;
    }

    /// <summary>A valid event name: <c>*</c>, or letters first, then letters, digits and <c>:_-</c> (at most 64).</summary>
    public static bool IsValidName(string name) => name == All || NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9:_-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>The JSON body of an event's delivery (built once; every attempt sends the same bytes).</summary>
    public static string Payload(AuditEvent e)
    {
        JsonNode? detail = null;
        if (e.Detail is not null)
        {
            try
            {
                detail = JsonNode.Parse(e.Detail);
            }
            catch (JsonException)
            {
                detail = e.Detail;
            }
        }
        var body = new JsonObject
        {
            ["eventName"] = NameOf(e.Type),
            ["eventId"] = AuditLogService.Cursor(e.Id),
            ["type"] = e.Type,
            ["time"] = e.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["userPoolId"] = e.UserPoolId,
            ["appId"] = e.AppId,
            ["outcome"] = e.Outcome,
            ["errorCode"] = e.ErrorCode,
            ["actorKind"] = e.ActorKind,
            ["actorId"] = e.ActorId,
            ["userId"] = e.UserId,
            ["target"] = e.Target,
            ["ip"] = e.Ip,
            ["userAgent"] = e.UserAgent,
            ["detail"] = detail,
        };
        return body.ToJsonString();
    }

    /// <summary>testWebhook's body (GenAuth's test event).</summary>
    public static string TestPayload(string poolId) =>
        new JsonObject { ["eventName"] = Test, ["userPoolId"] = poolId, ["description"] = "A test from GenAuth Webhook" }.ToJsonString();
}
