using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GenAuth.Core.Security;

namespace GenAuth.Server.ExtIdp;

/// <summary>
/// One external sign-in in flight: where it came from (app and, for a tenant-enabled app, the tenant), where it goes,
/// and its per-flow secrets.
/// </summary>
public sealed record Flow(string PoolId, string AppId, string ConnId, string Identifier, string State, string Verifier, string Nonce,
    string Mode, string ReturnUrl, string? RedirectUrl, long ExpiresAt, string? LinkUserId = null, string? TenantId = null)
{
    public FlowSecrets Secrets => new(State, Verifier, Nonce);
}

/// <summary>
/// Binds a flow to the browser that started it: a cookie named after the state (so parallel flows in two tabs don't
/// clash), sealed with the master key (AES-GCM; nobody can read the PKCE verifier or nonce, forge or alter it),
/// HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which Lax lets through), Path=/connections,
/// valid <see cref="Lifetime"/>. A callback whose state has no such cookie in this browser is refused (login CSRF).
/// </summary>
public sealed class FlowCookie(SecretSealer sealer, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly byte[] Purpose = "GenAuth.ExtIdpFlow.v1|"u8.ToArray();

    public static string Name(string state) =>
        "ga_ext_" + FlowSecrets.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..16];

    /// <param name="postedBack">The provider posts the callback (form_post): a Lax cookie would not come with that cross-site
    /// POST, so it is SameSite=None (browsers keep that only over HTTPS, which Apple requires anyway).</param>
    public void Write(HttpContext http, Flow flow, bool postedBack = false)
    {
        var options = Options(http, Lifetime);
        if (postedBack && http.Request.IsHttps)
            options.SameSite = SameSiteMode.None;
        http.Response.Cookies.Append(Name(flow.State), sealer.SealText(Purpose, JsonSerializer.SerializeToUtf8Bytes(flow)), options);
    }

    /// <summary>The flow this browser started with this state, or null (absent, tampered, expired, another state).</summary>
    public Flow? Read(HttpContext http, string? state)
    {
        if (string.IsNullOrEmpty(state) || state.Length > 128)
            return null;
        if (!http.Request.Cookies.TryGetValue(Name(state), out var value) || sealer.OpenText(value, Purpose, 4096) is not { } plain)
            return null;
        try
        {
            var flow = JsonSerializer.Deserialize<Flow>(plain);
            if (flow is null || flow.ExpiresAt < clock.GetUtcNow().ToUnixTimeSeconds()
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(flow.State), Encoding.UTF8.GetBytes(state)))
                return null;
            return flow;
        }
        catch (JsonException)
        {
            // Sealed by us, so only a flow written by another version of the server gets here.
            return null;
        }
    }

    public void Clear(HttpContext http, string state) => http.Response.Cookies.Delete(Name(state), Options(http, null));

    private static CookieOptions Options(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/connections",
        IsEssential = true,
        MaxAge = maxAge,
    };
}

/// <summary>
/// States (and link tickets) already spent, kept until their flow would have expired: a replayed callback (even with a
/// copy of the cookie) is refused before the code is sent anywhere, on whichever instance it lands. Kept in
/// <see cref="ISingleUseStore"/>: Redis (SET NX) when configured, else (and while Redis is down) the database, on
/// SQLite too, so a restart doesn't forget a spent state.
/// </summary>
public sealed class UsedStates(ISingleUseStore store)
{
    /// <summary>True the first time <paramref name="state"/> is spent (before <paramref name="expiresAt"/>, seconds since the epoch).</summary>
    public ValueTask<bool> TryUseAsync(string state, long expiresAt, CancellationToken ct = default) =>
        store.TryUseAsync("state:" + FlowSecrets.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(state))),
            DateTimeOffset.FromUnixTimeSeconds(expiresAt), ct);
}

/// <summary>
/// What a link URL carries: the user who asked, in which pool, for which connection, until when, and the SHA-256 of the
/// browser binder (the value of the link cookie set on the browser that asked).
/// </summary>
public sealed record LinkTicket(string PoolId, string UserId, string Identifier, string Nonce, long ExpiresAt, string? BinderHash = null);

/// <summary>
/// The ticket of /api/v3/generate-link-extidp-url: sealed with the master key (nobody can forge or alter it), valid
/// <see cref="Lifetime"/>, spent by the flow it starts (UsedStates): the URL carries no token of the user, and a copy of
/// it can't start a second link. It is also bound to the browser that asked (a leaked URL opened elsewhere would link
/// the opener's provider account to the victim): the flow starts only in a browser that holds the link cookie set by
/// the generate call (the SDK calls it with credentials) or that is signed in (SSO cookie) as the ticket's user.
/// </summary>
public sealed class LinkTickets(SecretSealer sealer, TimeProvider clock, UsedStates used)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly byte[] Purpose = "GenAuth.ExtIdpLink.v1|"u8.ToArray();

    /// <summary>The link cookie of a pool.</summary>
    public static string CookieName(string poolId) => "ga_link_" + poolId;

    /// <summary>A new ticket, and the binder the asking browser keeps in the link cookie.</summary>
    public (string Ticket, string Binder) Issue(string poolId, string userId, string identifier)
    {
        var binder = FlowSecrets.Base64Url(RandomNumberGenerator.GetBytes(32));
        var ticket = new LinkTicket(poolId, userId, identifier, FlowSecrets.Base64Url(RandomNumberGenerator.GetBytes(16)),
            clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds(), HashBinder(binder));
        return (sealer.SealText(Purpose, JsonSerializer.SerializeToUtf8Bytes(ticket)), binder);
    }

    /// <summary>Sets the link cookie on the browser that asked for the URL.</summary>
    public static void WriteBinder(HttpContext http, string poolId, string binder) =>
        http.Response.Cookies.Append(CookieName(poolId), binder, new CookieOptions
        {
            HttpOnly = true,
            // Note: path "/" — the cookie is set by /api/v3/…, and a path the setting URL is not under is dropped by some
            // clients (.NET's CookieContainer among them).
            Path = "/",
            MaxAge = Lifetime,
            IsEssential = true,
            // Note: the SDK asks from the app's origin (a cross-site XHR with credentials), which needs SameSite=None;
            // browsers only keep that over HTTPS. Over plain HTTP (development) Lax serves same-site pages.
            Secure = http.Request.IsHttps,
            SameSite = http.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
        });

    /// <summary>Whether this browser holds the ticket's binder.</summary>
    public static bool HoldsBinder(HttpContext http, LinkTicket ticket) =>
        ticket.BinderHash is { } hash && http.Request.Cookies.TryGetValue(CookieName(ticket.PoolId), out var binder)
        && binder is { Length: > 0 and <= 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashBinder(binder)), Encoding.ASCII.GetBytes(hash));

    private static string HashBinder(string binder) => FlowSecrets.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(binder)));

    /// <summary>The ticket when it is genuine, unexpired and for this pool and connection (not spent by this); else null.</summary>
    public LinkTicket? Open(string? value, string poolId, string identifier)
    {
        if (sealer.OpenText(value, Purpose, 2048) is not { } plain)
            return null;
        try
        {
            var ticket = JsonSerializer.Deserialize<LinkTicket>(plain);
            if (ticket is null || ticket.ExpiresAt < clock.GetUtcNow().ToUnixTimeSeconds() || ticket.PoolId != poolId
                || ticket.Identifier != identifier)
                return null;
            return ticket;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Spends the ticket (once): false when it was spent before.</summary>
    public ValueTask<bool> TrySpendAsync(LinkTicket ticket, CancellationToken ct = default) =>
        used.TryUseAsync("link:" + ticket.Nonce, ticket.ExpiresAt, ct);
}
