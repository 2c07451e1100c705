using System.Security.Cryptography;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Protection;

namespace GenAuth.Server.Oidc;

/// <summary>
/// The OAuth 2.0 / OpenID Connect authorization server (OpenIddict 7.8) on GenAuth's pools, apps, sessions and keys.
/// One issuer, {PublicUrl}/oidc; every pool's public keys in its JWKS; each access and id token signed by the key of
/// the pool its client belongs to (kid), aud = client id. Authorization codes and refresh tokens are internal: encrypted
/// and signed with keys derived from the master key, so they survive restarts and work on every instance.
/// </summary>
public static class OidcServer
{
    /// <summary>Server-wide default lifetimes; an app's own settings win (seconds, in Application).</summary>
    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultIdTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultRefreshTokenLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(5);

    public static readonly string[] StandardScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.Address, Scopes.OfflineAccess];

    public static IServiceCollection AddGenAuthOidc(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<GenAuthDbContext>();
                o.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, OidcClientManager>();
                o.ReplaceTokenManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken, OidcTokenManager>();
                o.ReplaceAuthorizationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization, OidcAuthorizationManager>();
                // Note: the app mirror is refreshed on every client lookup; a cached entity would hide an app change.
                o.DisableEntityCaching();
            })
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("oidc/auth", "oauth/auth")
                    .SetTokenEndpointUris("oidc/token", "oauth/token")
                    .SetUserInfoEndpointUris("oidc/me", "oauth/me")
                    .SetIntrospectionEndpointUris("oidc/token/introspection", "oauth/token/introspection")
                    .SetRevocationEndpointUris("oidc/token/revocation", "oauth/token/revocation")
                    .SetEndSessionEndpointUris("oidc/session/end", "oauth/session/end")
                    .SetConfigurationEndpointUris("oidc/.well-known/openid-configuration");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow().AllowImplicitFlow();
                o.RegisterScopes(StandardScopes);
                o.RegisterClaims(OidcClaims.Supported);
                // Note: custom scopes come from each app's resources (checked by the token/authorize handlers), not a global list.
                o.DisableScopeValidation();
                o.IgnoreScopePermissions();
                // Note: a used refresh token is never accepted again; its replay revokes the whole family (the authorization).
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.SetAccessTokenLifetime(DefaultAccessTokenLifetime)
                    .SetIdentityTokenLifetime(DefaultIdTokenLifetime)
                    .SetRefreshTokenLifetime(DefaultRefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(AuthorizationCodeLifetime);
                // Note: access tokens are JWTs (RFC 9068) signed with the pool's key, so APIs verify them with the JWKS.
                o.DisableAccessTokenEncryption();
                // Placeholder only: every id and access token is re-signed with its pool's key (PoolSigningHandler). It is
                // added with the options below (PlaceholderSigningKey), not by AddEphemeralSigningKey.
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableErrorPassthrough()
                    // Note: compact JSON answers (OpenIddict indents by default): less to write on every token response.
                    .SuppressJsonResponseIndentation()
                    // Note: TLS is the deployment's (the default server listens on plain http://localhost:5000).
                    .DisableTransportSecurityRequirement();
                o.AddEventHandler<GenerateTokenContext>(b => b.UseScopedHandler<PoolSigningHandler>()
                    .SetOrder(AttachSecurityCredentials.Descriptor.Order + 1));
                // Text PostgreSQL can't take (U+0000, unpaired surrogates) is invalid_request before any lookup, on both providers.
                o.AddEventHandler<ExtractAuthorizationRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractAuthorizationRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                o.AddEventHandler<ExtractTokenRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractTokenRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                o.AddEventHandler<ExtractIntrospectionRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractIntrospectionRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                o.AddEventHandler<ExtractRevocationRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractRevocationRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                o.AddEventHandler<ExtractEndSessionRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractEndSessionRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                o.AddEventHandler<ExtractUserInfoRequestContext>(b => b.UseSingletonHandler<UnstorableParameterHandler<ExtractUserInfoRequestContext>>()
                    .SetOrder(int.MaxValue - 200_000));
                // An AK/SK pair as a client: read as its app's request once the SK is the account's (after extraction).
                o.AddEventHandler<ExtractTokenRequestContext>(b => b.UseScopedHandler<AccessAccountClientHandler>()
                    .SetOrder(int.MaxValue - 100_000));
                o.AddEventHandler<ProcessAuthenticationContext>(b => b.UseScopedHandler<ClientAuthMethodHandler>()
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.ValidateClientType.Descriptor.Order - 1));
                o.AddEventHandler<HandleConfigurationRequestContext>(b => b.UseSingletonHandler<DiscoveryAuthMethodsHandler>()
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Discovery.AttachClientAuthenticationMethods.Descriptor.Order + 1));
                o.AddEventHandler<GenerateTokenContext>(b => b.UseSingletonHandler<TokenStorageHandler>()
                    .SetOrder(CreateTokenEntry.Descriptor.Order - 1));
                o.AddEventHandler<ValidateTokenContext>(b => b.UseScopedHandler<UnstoredTokenRevocationCheck>()
                    .SetOrder(MapInternalClaims.Descriptor.Order + 500));
                o.AddEventHandler<HandleRevocationRequestContext>(b => b.UseScopedHandler<UnstoredTokenRevocation>()
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order - 1));
                // The event log: a token issue's event is written after the tokens are made; a revocation's after it.
                o.AddEventHandler<ProcessSignInContext>(b => b.UseScopedHandler<OidcAuditSaver>().SetOrder(int.MaxValue - 100_000));
                o.AddEventHandler<HandleRevocationRequestContext>(b => b.UseScopedHandler<OidcRevocationAudit>()
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1));
                o.AddEventHandler<ValidateTokenContext>(b => b.UseScopedHandler<PoolKeyHandler>()
                    .SetOrder(ResolveTokenValidationParameters.Descriptor.Order + 1));
                o.AddEventHandler<ValidateTokenContext>(b => b.UseScopedHandler<SessionCheckHandler>()
                    .SetOrder(ValidateAuthorizationEntry.Descriptor.Order + 1_000));
                o.AddEventHandler<ApplyAuthorizationResponseContext>(b => b.UseScopedHandler<ErrorRedirectHandler>()
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 1));
                o.AddEventHandler<HandleConfigurationRequestContext>(b => b.UseSingletonHandler<DiscoveryHandler>()
                    .SetOrder(int.MinValue + 50_000));
            });

        // Note: options are built on first use (the first OIDC request), after the server listens, so IssuerProvider
        // names the real address when GenAuth:PublicUrl is unset.
        services.AddOptions<OpenIddictServerOptions>().Configure<IssuerProvider, SecretSealer>((options, issuer, sealer) =>
        {
            options.Issuer = new Uri(issuer.Issuer(""));
            options.EncryptionCredentials.Insert(0, new EncryptingCredentials(
                new SymmetricSecurityKey(sealer.DeriveKey("oidc-token-encryption")) { KeyId = "genauth-enc" },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            options.SigningCredentials.Insert(0, InternalSigning(sealer));
            options.SigningCredentials.Add(new SigningCredentials(PlaceholderSigningKey.Key, SecurityAlgorithms.RsaSha256));
            // Note: S256 only; "plain" would let a stolen code through with its verifier sent in the clear.
            options.CodeChallengeMethods.Clear();
            options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
        });
        // Note: OpenIddict logs every request and response at Information (request bodies serialized to JSON): on the
        // token endpoint that was a measurable share of each token's CPU. Its warnings and errors still show.
        services.AddLogging(b => b.AddFilter("OpenIddict", LogLevel.Warning));
        services.AddHostedService<PlaceholderSigningKey.Warmer>();
        services.AddSingleton<PoolKeyCache>();
        services.AddSingleton<OidcClientMirrors>();
        services.AddSingleton<OidcWriteGate>();
        services.AddScoped<OidcConsents>();
        services.AddSingleton<BackchannelLogout>();
        services.AddScoped<SessionLogout>();
        services.AddScoped<ISessionLogoutChannels, ApiLogoutChannels>();
        services.AddHttpClient(BackchannelLogout.HttpClientName, c => c.Timeout = BackchannelLogout.Timeout);
        services.AddAntiforgery();
        return services;
    }

    /// <summary>
    /// One database connection for a whole token-endpoint request (token, introspection, revocation). EF otherwise opens
    /// and closes the request's connection around each of its statements (a code exchange runs about six), and on SQLite
    /// every open of a pooled connection registers EF's SQL functions and the busy timeout again (~4 % of an exchange's
    /// CPU in profiles). Must run before the authentication middleware, where OpenIddict handles these requests.
    /// </summary>
    public static IApplicationBuilder UseOidcTokenConnection(this IApplicationBuilder app) =>
        app.Use(static async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/oidc/token") && !http.Request.Path.StartsWithSegments("/oauth/token"))
            {
                await next(http);
                return;
            }
            var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.OpenConnectionAsync(db.Database, http.RequestAborted);
            try
            {
                await next(http);
            }
            finally
            {
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.CloseConnectionAsync(db.Database);
            }
        });

    private static (SecretSealer Sealer, SigningCredentials Credentials)? _internalSigning;

    // Note: one key object per master key, so IdentityModel reuses its HMAC provider instead of building one per token.
    internal static SigningCredentials InternalSigning(SecretSealer sealer)
    {
        if (_internalSigning is { } cached && ReferenceEquals(cached.Sealer, sealer))
            return cached.Credentials;
        var credentials = new SigningCredentials(new SymmetricSecurityKey(sealer.DeriveKey("oidc-token-signing")) { KeyId = "genauth-int" },
            SecurityAlgorithms.HmacSha256);
        _internalSigning = (sealer, credentials);
        return credentials;
    }

    // Note: OpenIddict names token types by hint (access_token) or by RFC 8693 URN depending on the place; accept both.
    internal static bool IsPoolSigned(string? tokenType) => IsAccessToken(tokenType) || IsIdToken(tokenType);

    internal static bool IsAccessToken(string? tokenType) =>
        tokenType is TokenTypeHints.AccessToken or "urn:ietf:params:oauth:token-type:access_token";

    internal static bool IsIdToken(string? tokenType) =>
        tokenType is "id_token" or "urn:ietf:params:oauth:token-type:id_token";
}

/// <summary>
/// The asymmetric signing key OpenIddict insists on having, which signs nothing (PoolSigningHandler gives every id and
/// access token its pool's key). AddEphemeralSigningKey generated a 2048-bit RSA key lazily, when the options were first
/// built: inside the first OIDC request, with every other OIDC request of the moment queued behind the options' lock (a
/// profile of the token endpoint under load showed all workers waiting ~8 s on that key generation on the loaded
/// machine). This one is generated once per process, in the background as the host starts, and has a fixed kid so
/// OpenIddict doesn't derive one.
/// </summary>
public static class PlaceholderSigningKey
{
    private static readonly Lazy<RsaSecurityKey> Lazy = new(() =>
    {
        var rsa = RSA.Create(2048);
        // Note: RSA.Create(2048) generates on first use; export once here so the generation happens now.
        _ = rsa.ExportParameters(false);
        return new RsaSecurityKey(rsa) { KeyId = "genauth-placeholder" };
    });

    public static RsaSecurityKey Key => Lazy.Value;

    /// <summary>Starts generating the key while the host starts, off every request.</summary>
    public sealed class Warmer : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!Lazy.IsValueCreated)
                ThreadPool.UnsafeQueueUserWorkItem(static _ => _ = Lazy.Value, null);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The pools' signing keys as IdentityModel keys, by kid and by client id (cached; keys are immutable).</summary>
public sealed class PoolKeyCache(KeyRing keyRing, PoolDirectory directory)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RsaSecurityKey> _byKid = new();

    public async Task<(RsaSecurityKey Key, string PoolId)?> ForClientAsync(GenAuthDbContext db, string clientId, CancellationToken ct)
    {
        var app = await directory.FindAppAsync(db, clientId, ct);
        if (app is null)
            return null;
        var loaded = await keyRing.GetActiveAsync(db, app.UserPoolId, KeyUse.Signing, ct);
        return (Wrap(loaded), app.UserPoolId);
    }

    public async Task<RsaSecurityKey?> ByKidAsync(GenAuthDbContext db, string kid, CancellationToken ct)
    {
        if (_byKid.TryGetValue(kid, out var cached))
            return cached;
        var loaded = kid.Length > 64 ? null : await keyRing.FindAsync(db, kid, ct);
        return loaded is null || loaded.Use != KeyUse.Signing ? null : Wrap(loaded);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SigningCredentials> _credentials = new();

    /// <summary>One SigningCredentials per pool key (RS256), reused by every token it signs.</summary>
    // Note: keys are one object per kid (Wrap), so IdentityModel's provider cache finds the same entry every time.
    public SigningCredentials SigningCredentialsOf(RsaSecurityKey key) =>
        _credentials.GetOrAdd(key.KeyId, static (_, k) => new SigningCredentials(k, SecurityAlgorithms.RsaSha256), key);

    private RsaSecurityKey Wrap(LoadedKey key) => _byKid.GetOrAdd(key.Kid, _ => new RsaSecurityKey(key.Rsa) { KeyId = key.Kid });
}

/// <summary>Signs access and id tokens with the key of the client's pool; internal tokens keep the master-derived key.</summary>
public sealed class PoolSigningHandler(GenAuthDbContext db, PoolKeyCache keys, SecretSealer sealer) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (!OidcServer.IsPoolSigned(context.TokenType))
        {
            context.SigningCredentials = OidcServer.InternalSigning(sealer);
            return;
        }
        var clientId = context.ClientId ?? context.Principal?.GetPresenters().FirstOrDefault() ?? context.Request?.ClientId;
        if (clientId is null || await keys.ForClientAsync(db, clientId, context.CancellationToken) is not { } found)
            throw new InvalidOperationException("An OIDC token without a known client can't be signed with a pool key.");
        context.SigningCredentials = keys.SigningCredentialsOf(found.Key);
    }
}

/// <summary>Lets validation find a pool's public key by the token's kid (access tokens, id token hints).</summary>
public sealed class PoolKeyHandler(GenAuthDbContext db, PoolKeyCache keys) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.TokenValidationParameters is not { } parameters || string.IsNullOrEmpty(context.Token)
            || context.ValidTokenTypes.Any(t => t.Contains("client_assertion", StringComparison.Ordinal) || t.Contains("jwt-bearer", StringComparison.Ordinal)))
            return;
        string? kid;
        try
        {
            var jwt = new JsonWebToken(context.Token);
            kid = jwt.IsEncrypted ? null : jwt.Kid;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return;
        }
        if (string.IsNullOrEmpty(kid) || await keys.ByKidAsync(db, kid, context.CancellationToken) is not { } key)
            return;
        parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], key];
    }
}

/// <summary>
/// A token is only as alive as the session it was issued for: a revoked or expired session (logout, password change,
/// block, admin revocation, the SSO session ending) makes its codes, refresh tokens and access tokens invalid at once,
/// at the token, userinfo and introspection endpoints. Id tokens are exempt: a logout's id_token_hint must still work.
/// </summary>
public sealed class SessionCheckHandler(GenAuthDbContext db, SessionService sessions, PoolDirectory directory, TimeProvider clock)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    // Note: compiled (every code exchange and refresh runs it); tracked, for the extension.
    private static readonly GenAuth.Core.Data.PerModel<Func<GenAuthDbContext, string, string, string, DateTime, CancellationToken, Task<Session?>>> ActiveSession = new(() =>
        Microsoft.EntityFrameworkCore.EF.CompileAsyncQuery((GenAuthDbContext db, string sid, string poolId, string sub, DateTime now, CancellationToken ct) =>
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(db.Sessions)
                .FirstOrDefault(x => x.Id == sid && x.UserPoolId == poolId && x.UserId == sub && x.RevokedAt == null && x.ExpiresAt > now)));

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.IsRejected || context.Principal is not { } principal)
            return;
        var type = principal.GetTokenType();
        if (OidcServer.IsIdToken(type))
            return;
        var sid = principal.GetClaim(OidcClaims.SessionId);
        var sub = principal.GetClaim(Claims.Subject);
        if (sid is null || sub is null)
            return;
        var clientId = principal.GetPresenters().FirstOrDefault() ?? principal.GetAudiences().FirstOrDefault();
        var app = clientId is null ? null : await directory.FindAppAsync(db, clientId, context.CancellationToken);
        if (app is not null && context.EndpointType == OpenIddictServerEndpointType.Token && sid.Length <= 64)
        {
            // Note: at the token endpoint the code's or refresh token's session is read from the database (never the
            // cache) and tracked: the token endpoint extends it (OidcEndpoints.TokenAsync) from this same entity, so a
            // code exchange reads its session once instead of twice.
            if (await ActiveSession.For(db)(db, sid, app.UserPoolId, sub, clock.GetUtcNow().UtcDateTime, context.CancellationToken) is not null)
                return;
        }
        else if (app is not null && await sessions.IsActiveAsync(db, app.UserPoolId, sid, sub, context.CancellationToken))
            return;
        context.Reject(
            error: context.EndpointType == OpenIddictServerEndpointType.Token ? Errors.InvalidGrant : Errors.InvalidToken,
            description: "The session this token was issued for has ended.");
    }
}

/// <summary>
/// An authorization request OpenIddict rejected (missing PKCE, unauthorized response type, bad scope…) still goes back to
/// the client with its error and state when — and only when — the client exists and the redirect_uri is registered for
/// it (RFC 6749 §4.1.2.1); OpenIddict itself only redirects requests that passed every check.
/// </summary>
public sealed class ErrorRedirectHandler(GenAuthDbContext db) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        if (context.RedirectUri is not null || context.Error is null
            || context.Request is not { ClientId: { Length: > 0 and <= 64 } clientId, RedirectUri: { } uri })
            return;
        var app = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(db.Applications), a => a.Id == clientId,
            context.CancellationToken);
        if (app is not null && GenAuth.Core.Applications.OidcClientSettings.Lines(app.RedirectUris)
                .Any(r => GenAuth.Core.Applications.OidcClientSettings.RedirectUriMatches(r, uri)))
            context.RedirectUri = uri;
    }
}

/// <summary>Completes the discovery document: GenAuth's public URLs, the JWKS of every pool, claims and methods.</summary>
public sealed class DiscoveryHandler(IssuerProvider issuer) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        var b = issuer.BaseUrl;
        context.Issuer = new Uri(issuer.Issuer(""));
        context.AuthorizationEndpoint = new Uri($"{b}/oidc/auth");
        context.TokenEndpoint = new Uri($"{b}/oidc/token");
        context.UserInfoEndpoint = new Uri($"{b}/oidc/me");
        context.IntrospectionEndpoint = new Uri($"{b}/oidc/token/introspection");
        context.RevocationEndpoint = new Uri($"{b}/oidc/token/revocation");
        context.EndSessionEndpoint = new Uri($"{b}/oidc/session/end");
        context.JsonWebKeySetEndpoint = new Uri($"{b}/oidc/.well-known/jwks.json");
        foreach (var claim in OidcClaims.Supported)
            context.Claims.Add(claim);
        context.Metadata["backchannel_logout_supported"] = true;
        context.Metadata["backchannel_logout_session_supported"] = true;
        context.Metadata["frontchannel_logout_supported"] = true;
        context.Metadata["frontchannel_logout_session_supported"] = true;
        context.Metadata["claims_parameter_supported"] = false;
        context.Metadata["request_parameter_supported"] = false;
        context.Metadata["acr_values_supported"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { OidcClaims.AcrSingleFactor, OidcClaims.AcrMultiFactor });
        return default;
    }
}

/// <summary>
/// Which tokens get a row in OpenIddict's token table. Authorization codes (single use) and refresh tokens (rotation and
/// family revocation) do. Id tokens and the access tokens of the token endpoint don't: nothing checks an id token's row,
/// and an access token's row was a SQLite write per token (with the code's redemption and the session, the token
/// endpoint's main cost under load). Such an access token still dies with everything that ended it before:
/// its session (SessionCheckHandler), its authorization (OpenIddict's ValidateAuthorizationEntry: consent revoked),
/// its token family (UnstoredTokenRevocationCheck: a replayed code or refresh token, a revoked refresh token), and its
/// own revocation (UnstoredTokenRevocation writes a row under its jti, which UnstoredTokenRevocationCheck finds).
/// Access tokens of the authorization endpoint (implicit) keep their rows.
/// </summary>
public sealed class TokenStorageHandler : IOpenIddictServerHandler<GenerateTokenContext>
{
    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (OidcServer.IsIdToken(context.TokenType)
            || (OidcServer.IsAccessToken(context.TokenType) && context.EndpointType == OpenIddictServerEndpointType.Token))
            context.CreateTokenEntry = false;
        return default;
    }

    internal static string? UnstoredAccessTokenId(System.Security.Claims.ClaimsPrincipal? principal) =>
        principal is not null && OidcServer.IsAccessToken(principal.GetTokenType()) && string.IsNullOrEmpty(principal.GetTokenId())
        && principal.GetClaim(Claims.JwtId) is { Length: > 0 and <= 100 } jti
            ? jti
            : null;
}

/// <summary>
/// An unstored access token someone revoked has a row under its jti: validation then checks that row. One issued from a
/// token family (an authorization) is refused once a token of that family was revoked: OpenIddict revokes the family's
/// rows when a code or refresh token is replayed (RFC 6749 §4.1.2, §10.4) and a revoked refresh token ends the access
/// tokens of its grant (RFC 7009 §2.1), as the stored access tokens' rows did.
/// </summary>
public sealed class UnstoredTokenRevocationCheck(IOpenIddictTokenManager tokens, GenAuthDbContext db) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.IsRejected || TokenStorageHandler.UnstoredAccessTokenId(context.Principal) is not { } jti)
            return;
        if (context.Principal!.GetAuthorizationId() is { Length: > 0 } authorizationId
            && await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
                db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>(),
                t => t.Authorization!.Id == authorizationId && t.Status == Statuses.Revoked, context.CancellationToken))
        {
            context.Reject(
                error: context.EndpointType == OpenIddictServerEndpointType.Token ? Errors.InvalidGrant : Errors.InvalidToken,
                description: "The token family this access token belongs to was revoked.");
            return;
        }
        if (await tokens.FindByIdAsync(jti, context.CancellationToken) is not null)
            context.Principal!.SetTokenId(jti);
    }
}

/// <summary>Revoking an unstored access token writes its row (id = jti) so OpenIddict's own revocation marks it revoked.</summary>
public sealed class UnstoredTokenRevocation(GenAuthDbContext db, TimeProvider clock) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (TokenStorageHandler.UnstoredAccessTokenId(context.GenericTokenPrincipal) is not { } jti)
            return;
        var set = db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>();
        if (await set.FindAsync([jti], context.CancellationToken) is null)
        {
            set.Add(new OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken
            {
                Id = jti,
                Type = TokenTypeHints.AccessToken,
                Status = Statuses.Valid,
                Subject = context.GenericTokenPrincipal!.GetClaim(Claims.Subject),
                CreationDate = context.GenericTokenPrincipal.GetCreationDate()?.UtcDateTime ?? clock.GetUtcNow().UtcDateTime,
                ExpirationDate = context.GenericTokenPrincipal.GetExpirationDate()?.UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync(context.CancellationToken);
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                // The same token revoked twice at once: the other request's row serves.
            }
        }
        context.GenericTokenPrincipal!.SetTokenId(jti);
    }
}

/// <summary>
/// Each app authenticates at the token, introspection and revocation endpoints only the way it is registered
/// (tokenEndpointAuthMethod, RFC 7591 §2): client_secret_basic in the Authorization header, client_secret_post in the
/// form, none (a public client) with no secret at all. Any other way is invalid_client (RFC 6749 §5.2). Client
/// assertions (private_key_jwt) are refused: apps register no keys.
/// </summary>
public sealed class ClientAuthMethodHandler(IServiceProvider services) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.EndpointType is not (OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.Introspection
                or OpenIddictServerEndpointType.Revocation)
            || context.Request is not { ClientId: { Length: > 0 } clientId } request)
            return;
        var app = await OidcClientManager.AppForRequestAsync(services, clientId, context.CancellationToken);
        if (app is null)
            return; // OpenIddict's own client check answers invalid_client.
        var used = UsedMethod(context, request);
        var registered = app.TokenEndpointAuthMethod;
        if (used == registered)
            return;
        context.Reject(error: Errors.InvalidClient, description: used switch
        {
            "client_assertion" => "Client assertions are not supported: authenticate with the method this client is registered for.",
            _ when registered == GenAuth.Core.Applications.OidcClientSettings.None => "This client is public: it authenticates with no client secret.",
            _ => $"This client is registered for {registered}; it authenticated with {used}.",
        });
    }

    private static string UsedMethod(ProcessAuthenticationContext context, OpenIddictRequest request)
    {
        if (!string.IsNullOrEmpty(request.ClientAssertion) || !string.IsNullOrEmpty(request.ClientAssertionType))
            return "client_assertion";
        var header = Microsoft.AspNetCore.OpenIddictServerAspNetCoreHelpers.GetHttpRequest(context.Transaction)?.Headers.Authorization.ToString();
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return GenAuth.Core.Applications.OidcClientSettings.SecretBasic;
        return string.IsNullOrEmpty(request.ClientSecret) ? GenAuth.Core.Applications.OidcClientSettings.None
            : GenAuth.Core.Applications.OidcClientSettings.SecretPost;
    }
}

/// <summary>Discovery names the client authentication methods GenAuth accepts (no private_key_jwt: apps register no keys).</summary>
public sealed class DiscoveryAuthMethodsHandler : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        // Note: a public client (none) may introspect and revoke its own tokens too (openid-client's SPA flow does).
        foreach (var methods in new[] { context.TokenEndpointAuthenticationMethods, context.IntrospectionEndpointAuthenticationMethods,
                     context.RevocationEndpointAuthenticationMethods })
            Reset(methods, [.. GenAuth.Core.Applications.OidcClientSettings.KnownAuthMethods]);
        return default;
    }

    private static void Reset(HashSet<string> methods, string[] values)
    {
        methods.Clear();
        methods.UnionWith(values);
    }
}

/// <summary>
/// Writes the token endpoint's event (issueToken, refreshToken) when OpenIddict's own token writes didn't carry it
/// (client-credentials tokens have no row). Runs last in the sign-in, so a refused one leaves no event.
/// </summary>
public sealed class OidcAuditSaver(GenAuth.Core.Audit.AuditTrail audit) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.Token && !context.IsRejected)
            await audit.SavePendingAsync(context.CancellationToken);
    }
}

/// <summary>
/// One revokeToken event per token the revocation endpoint revokes: written once OpenIddict has marked the token (a
/// rejected revocation writes none).
/// </summary>
public sealed class OidcRevocationAudit(GenAuth.Core.Audit.AuditTrail audit, IServiceProvider services)
    : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected || context.GenericTokenPrincipal is not { } principal || context.Request.ClientId is not { } clientId)
            return;
        var app = await OidcClientManager.AppForRequestAsync(services, clientId, context.CancellationToken);
        if (app is null)
            return;
        var sub = principal.GetClaim(Claims.Subject);
        // Note: a client-credentials token's subject is the app itself, not a user.
        var userId = sub == app.Id ? null : sub;
        var http = Microsoft.AspNetCore.OpenIddictServerAspNetCoreHelpers.GetHttpRequest(context.Transaction)?.HttpContext;
        audit.RecordInPool(app.UserPoolId, app.Id, GenAuth.Core.Audit.AuditEventTypes.RevokeToken,
            userId is null ? GenAuth.Core.Audit.AuditActors.System : GenAuth.Core.Audit.AuditActors.User, userId, userId,
            new { tokenType = principal.GetTokenType(), clientId = app.Id }, target: userId is null ? "app:" + app.Id : null,
            ip: http?.Connection.RemoteIpAddress?.ToString(),
            userAgent: http?.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
        await audit.SavePendingAsync(context.CancellationToken);
    }
}
