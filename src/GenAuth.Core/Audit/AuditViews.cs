using System.Text.Json;
using GenAuth.Core.Sessions;

namespace GenAuth.Core.Audit;

/// <summary>Older shapes read from the event log.</summary>
public static class AuditViews
{
    /// <summary>A login event as the login history's row (userLoginHistory keeps its shape).</summary>
    public static LoginLog AsLoginLog(AuditEvent e) => new()
    {
        Id = e.Id,
        UserPoolId = e.UserPoolId,
        UserId = e.UserId,
        AppId = e.AppId,
        Method = DetailString(e.Detail, "method") ?? "",
        Success = e.Outcome == AuditOutcomes.Success,
        ErrorCode = e.ErrorCode,
        Ip = e.Ip,
        UserAgent = e.UserAgent,
        CreatedAt = e.CreatedAt,
    };

    /// <summary>A string property of the detail JSON, or null.</summary>
    public static string? DetailString(string? detail, string name)
    {
        if (string.IsNullOrEmpty(detail))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(detail);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v)
                   && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
