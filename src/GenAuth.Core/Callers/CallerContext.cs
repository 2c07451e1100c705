using GenAuth.Core.Common;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Callers;

public enum PrincipalKind
{
    Anonymous,
    User,
    Admin,
}

/// <summary>Who is calling: built once per request (or per WebSocket connection) by the transport.</summary>
public sealed class CallerContext
{
    public UserPool? Pool { get; set; }
    public Application? App { get; set; }
    public PrincipalKind Kind { get; set; }
    public string? UserId { get; set; }
    public string? SessionId { get; set; }

    /// <summary>The raw bearer token when one was sent and verified.</summary>
    public string? Token { get; set; }

    /// <summary>When the verified token stops being valid; long-lived connections check it per operation.</summary>
    public DateTimeOffset? TokenExpiresAt { get; set; }

    /// <summary>Why the pool or the token could not be used, raised only by fields that need them.</summary>
    public GenAuthException? PoolError { get; set; }
    public bool TokenRejected { get; set; }

    public string? Lang { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>A captcha answer the client sent (x-captcha-token), checked only once a quota's soft threshold is reached.</summary>
    public string? CaptchaToken { get; set; }

    /// <summary>The tenant the client signs in under (x-authing-app-tenant-id, or tenant_id on hosted pages); used by tenant-enabled apps.</summary>
    public string? TenantId { get; set; }

    /// <summary>The client's device fingerprint (x-authing-device-id): with the user agent it names the device of a sign-in.</summary>
    public string? DeviceFingerprint { get; set; }

    /// <summary>Takes over another caller's resolution, e.g. a WebSocket connection's caller into one operation's scope.</summary>
    public void CopyFrom(CallerContext other)
    {
        Pool = other.Pool;
        App = other.App;
        Kind = other.Kind;
        UserId = other.UserId;
        SessionId = other.SessionId;
        Token = other.Token;
        TokenExpiresAt = other.TokenExpiresAt;
        PoolError = other.PoolError;
        TokenRejected = other.TokenRejected;
        Lang = other.Lang;
        Ip = other.Ip;
        UserAgent = other.UserAgent;
        CaptchaToken = other.CaptchaToken;
        TenantId = other.TenantId;
        DeviceFingerprint = other.DeviceFingerprint;
    }

    public UserPool RequirePool() =>
        Pool ?? throw PoolError ?? new GenAuthException(ErrorCodes.UserPoolRequired);

    public string RequireUserId()
    {
        RequirePool();
        if (Kind == PrincipalKind.User && UserId is not null)
            return UserId;
        throw new GenAuthException(TokenRejected ? ErrorCodes.TokenInvalid : ErrorCodes.NotLoggedIn);
    }

    public UserPool RequireAdmin()
    {
        var pool = RequirePool();
        if (Kind == PrincipalKind.Admin)
            return pool;
        throw new GenAuthException(Kind == PrincipalKind.Anonymous ? ErrorCodes.NotLoggedIn : ErrorCodes.Forbidden);
    }
}
