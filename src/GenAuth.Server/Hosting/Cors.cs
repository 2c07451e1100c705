using System.Net.Http.Headers;
using System.Text;
using GenAuth.Core.Applications;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GenAuth.Server.Hosting;

/// <summary>
/// A cross-origin request as origin sources see it. <see cref="PoolId"/> and <see cref="AppId"/> are what the request
/// names in x-authing-userpool-id / x-authing-app-id; a preflight names neither (browsers send only the header names,
/// in Access-Control-Request-Headers), nor does a request to a pool-less path (discovery, JWKS).
/// </summary>
public sealed record CorsRequest(HttpContext Http, string Origin, string? PoolId, string? AppId, bool IsPreflight)
{
    /// <summary>No pool or app named: the answer is "does any pool (or app) allow this origin".</summary>
    public bool AnyPool => PoolId is null && AppId is null;
}

/// <summary>What an allowed origin may do.</summary>
/// <param name="AllowCredentials">Access-Control-Allow-Credentials: the browser may send and read cookies.</param>
public sealed record CorsGrant(bool AllowCredentials);

/// <summary>
/// Where allowed origins come from. The pool's allowedOrigins is one source; others (an application's allowed CORS
/// origins) register another implementation: an origin is allowed when any source grants it, with credentials when
/// any granting source allows them.
/// </summary>
public interface ICorsOriginSource
{
    /// <returns>The grant, or null when this source does not allow the origin for this request.</returns>
    ValueTask<CorsGrant?> FindAsync(CorsRequest request, CancellationToken ct);
}

public sealed class CorsOptions
{
    public const string Section = "GenAuth:Cors";

    /// <summary>Whether origins from pools' allowedOrigins get Access-Control-Allow-Credentials (GenAuth's API takes bearer tokens, not cookies).</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long browsers may cache a preflight answer.</summary>
    public int PreflightMaxAgeSeconds { get; set; } = 600;
}

/// <summary>
/// Origins from the pools' allowedOrigins. A request naming a pool (or an app, which names its pool) is matched against
/// that pool's list. A preflight names no pool, so it is matched against the union of every pool's list: the preflight
/// only lets the browser send the request, and the actual request is then answered with CORS headers only when its
/// own pool lists the origin, so a page allowed by pool A can't read pool B's answers.
/// </summary>
public sealed class PoolCorsOrigins(GenAuthDbContext db, PoolDirectory directory, IOptions<CorsOptions> options) : ICorsOriginSource
{
    public async ValueTask<CorsGrant?> FindAsync(CorsRequest request, CancellationToken ct)
    {
        bool allowed;
        if (request.AnyPool)
            allowed = (await directory.AllowedOriginsOfAnyPoolAsync(db, ct)).Contains(request.Origin);
        else
        {
            var poolId = request.PoolId;
            if (poolId is null && request.AppId is { } appId)
                poolId = (await directory.FindAppAsync(db, appId, ct))?.UserPoolId;
            var pool = poolId is null ? null : await directory.FindPoolAsync(db, poolId, ct);
            allowed = pool is not null && OriginList.Parse(pool.AllowedOrigins).Contains(request.Origin, StringComparer.Ordinal);
        }
        return allowed ? new CorsGrant(options.Value.AllowCredentials) : null;
    }
}

/// <summary>
/// Origins from the applications' corsOrigins: a browser app (an SPA registered with its origin) may call the API with
/// its x-authing-app-id and the token, userinfo, introspection and revocation endpoints as that client. A request that
/// names a pool and an app of another pool gets nothing from here (the app's origins are its pool's business only). A
/// preflight names no app, so it is matched against every app's list; the actual request is answered with CORS
/// headers only when its own app lists the origin.
/// </summary>
public sealed class AppCorsOrigins(GenAuthDbContext db, PoolDirectory directory, IOptions<CorsOptions> options) : ICorsOriginSource
{
    public async ValueTask<CorsGrant?> FindAsync(CorsRequest request, CancellationToken ct)
    {
        bool allowed;
        if (request.AnyPool)
            allowed = (await directory.CorsOriginsOfAnyAppAsync(db, ct)).Contains(request.Origin);
        else if (request.AppId is not { } appId)
            allowed = false;
        else
        {
            var app = await directory.FindAppAsync(db, appId, ct);
            allowed = app is not null && (request.PoolId is null || request.PoolId == app.UserPoolId)
                      && OidcClientSettings.Lines(app.CorsOrigins).Contains(request.Origin, StringComparer.Ordinal);
        }
        return allowed ? new CorsGrant(options.Value.AllowCredentials) : null;
    }
}

/// <summary>
/// Builds the CORS policy of each request from the <see cref="ICorsOriginSource"/>s: the request's exact origin or
/// nothing (no wildcard, no reflection of unknown origins, never "null"), any header and method, and credentials only
/// when a source grants them.
/// </summary>
public sealed class GenAuthCorsPolicyProvider(IEnumerable<ICorsOriginSource> sources, IOptions<CorsOptions> options) : ICorsPolicyProvider
{
    private static readonly CorsPolicy Refused = new();

    /// <summary>
    /// Discovery and the JWKS are public metadata every relying party (a browser app of any origin included) reads:
    /// Access-Control-Allow-Origin *, never with credentials (browsers refuse * with credentials anyway).
    /// </summary>
    private static readonly CorsPolicy PublicMetadata = new CorsPolicyBuilder().AllowAnyOrigin().AllowAnyHeader()
        .WithMethods("GET", "HEAD").Build();

    private static readonly PathString[] PublicMetadataPaths = ["/oidc/.well-known/openid-configuration", "/oidc/.well-known/jwks.json"];

    /// <summary>The OAuth endpoints a browser client calls with its own credentials: the client is the request's app.</summary>
    private static readonly PathString[] ClientEndpointPaths =
    [
        "/oidc/token", "/oauth/token", "/oidc/me", "/oauth/me", "/oidc/token/introspection", "/oauth/token/introspection",
        "/oidc/token/revocation", "/oauth/token/revocation",
    ];

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        // Note: same-origin requests (the IDE, hosted pages) need no CORS headers and no lookup.
        if (string.IsNullOrEmpty(origin))
            return null;
        if (PublicMetadataPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
            return PublicMetadata;
        if (origin == "null" || IsSameOrigin(request, origin))
            return null;
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        var poolId = preflight ? null : NullIfEmpty(request.Headers["x-authing-userpool-id"]);
        var appId = preflight ? null : NullIfEmpty(request.Headers["x-authing-app-id"]);
        // Note: the OAuth endpoints name their client in the request itself (Basic auth, client_id, the access token),
        // not in GenAuth's headers; that client's origins (and its pool's) decide, not every app's.
        if (!preflight && appId is null && ClientEndpointPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
            appId = await ClientOfAsync(request, context.RequestAborted);
        var corsRequest = new CorsRequest(context, origin, poolId, appId, preflight);
        CorsGrant? grant = null;
        foreach (var source in sources)
        {
            if (await source.FindAsync(corsRequest, context.RequestAborted) is not { } found)
                continue;
            grant = found;
            if (found.AllowCredentials)
                break;
        }
        if (grant is null)
            // Note: a policy that allows nothing, so a refused preflight is answered here (204, no CORS headers)
            // instead of reaching an endpoint.
            return Refused;
        var policy = new CorsPolicyBuilder()
            .AllowAnyHeader()
            .AllowAnyMethod()
            .SetPreflightMaxAge(TimeSpan.FromSeconds(options.Value.PreflightMaxAgeSeconds))
            .Build();
        // Note: added as sent, not through WithOrigins (which normalises): sources compare exact serialised origins.
        // The custom match also makes the answer carry Vary: Origin, as the policy differs from origin to origin.
        policy.Origins.Add(origin);
        policy.IsOriginAllowed = candidate => string.Equals(candidate, origin, StringComparison.Ordinal);
        policy.SupportsCredentials = grant.AllowCredentials;
        return policy;
    }

    /// <summary>
    /// The client an OAuth request names: Basic auth's user, else the form's client_id, else the bearer access token's
    /// client_id/azp (read without validation, only to pick whose origins apply; the endpoint validates the token).
    /// </summary>
    private static async Task<string?> ClientOfAsync(HttpRequest request, CancellationToken ct)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth) && auth.Parameter is { } parameter)
        {
            if (auth.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
                return BasicUser(parameter);
            if (auth.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                return TokenClient(parameter);
        }
        if (!request.HasFormContentType)
            return null;
        try
        {
            // Note: the form is read once and cached on the request (OpenIddict reads the same one afterwards).
            var form = await request.ReadFormAsync(ct);
            return NullIfEmpty(form["client_id"]) ?? (NullIfEmpty(form["access_token"]) is { } token ? TokenClient(token) : null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A body that isn't a readable form: the endpoint answers it; CORS has no client to go by.
            return null;
        }
    }

    private static string? BasicUser(string parameter)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':');
            return colon <= 0 ? null : NullIfEmpty(Uri.UnescapeDataString(decoded[..colon]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? TokenClient(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return jwt.TryGetPayloadValue<string>("client_id", out var clientId) ? NullIfEmpty(clientId)
                : jwt.TryGetPayloadValue<string>("azp", out var azp) ? NullIfEmpty(azp) : null;
        }
        catch (ArgumentException)
        {
            // Note: not a JWT (SecurityTokenMalformedException is an ArgumentException).
            return null;
        }
    }

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
