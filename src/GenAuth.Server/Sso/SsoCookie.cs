using System.Text;
using GenAuth.Core.Security;

namespace GenAuth.Server.Sso;

/// <summary>
/// The browser's single sign-on session for one pool: a cookie naming the session the hosted login page opened.
/// Sealed with the master key (AES-GCM, like every other secret at rest), so every instance that shares the master
/// key reads it and nobody can forge or alter it. It holds only the session id and the sign-in time; whether that
/// session is still active is the reader's question (SessionService.IsActiveAsync), so logout, password change and
/// admin revocation end the SSO session too.
/// </summary>
public sealed class SsoCookie(SecretSealer sealer)
{
    private const string Prefix = "ga_sso_";
    private static readonly byte[] Purpose = "GenAuth.Sso.v1|"u8.ToArray();

    public static string Name(string poolId) => Prefix + poolId;

    /// <summary>Sets the pool's SSO cookie to this session (HttpOnly, SameSite=Lax, Secure over HTTPS).</summary>
    public void Write(HttpContext http, string poolId, string sessionId, DateTimeOffset authTime)
    {
        var payload = Encoding.UTF8.GetBytes($"{poolId}\n{sessionId}\n{authTime.ToUnixTimeSeconds()}");
        http.Response.Cookies.Append(Name(poolId), sealer.SealText(Purpose, payload), Options(http));
    }

    /// <summary>The session this browser signed in with for the pool, or null (absent, tampered, or another pool's).</summary>
    public SsoTicket? Read(HttpContext http, string poolId)
    {
        if (!http.Request.Cookies.TryGetValue(Name(poolId), out var value) || sealer.OpenText(value, Purpose, 1024) is not { } plain)
            return null;
        var parts = Encoding.UTF8.GetString(plain).Split('\n');
        if (parts.Length != 3 || parts[0] != poolId || !long.TryParse(parts[2], out var seconds)
            || seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return null;
        return new SsoTicket(parts[0], parts[1], DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    public void Clear(HttpContext http, string poolId) => http.Response.Cookies.Delete(Name(poolId), Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
    };
}

/// <summary>What the SSO cookie says: this browser signed in to the pool as the owner of SessionId at AuthTime.</summary>
public sealed record SsoTicket(string PoolId, string SessionId, DateTimeOffset AuthTime);
