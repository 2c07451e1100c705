using GenAuth.Core.Data;

namespace GenAuth.Core.Sessions;

/// <summary>One login attempt, successful or not. Holds no password and no account string typed by the caller.</summary>
public sealed class LoginLog : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public string? UserId { get; set; }
    public string? AppId { get; set; }
    public required string Method { get; set; }
    public bool Success { get; set; }
    public int? ErrorCode { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTime CreatedAt { get; set; }
}
