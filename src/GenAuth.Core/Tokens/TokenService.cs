using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Jose;

namespace GenAuth.Core.Tokens;

/// <summary>Issues and verifies RS256 tokens signed with the pool's key (id tokens and management tokens).</summary>
public sealed class TokenService(KeyRing keys, TimeProvider clock, IssuerProvider issuer)
{
    public const int ManagementTokenLifetimeSeconds = 7200;

    /// <param name="issuedAt">The instant the caller computed <paramref name="expiresAt"/> from, so exp - iat is the lifetime.</param>
    public async Task<IssuedToken> IssueIdTokenAsync(GenAuthDbContext db, UserPool pool, User user, string sessionId,
        string? appId, DateTimeOffset issuedAt, DateTimeOffset expiresAt, CancellationToken ct,
        IReadOnlyDictionary<string, object?>? extraClaims = null)
    {
        var now = issuedAt;
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = issuer.Issuer(pool.Id),
            ["sub"] = user.Id,
            ["aud"] = appId ?? pool.Id,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["sid"] = sessionId,
            ["userpool_id"] = pool.Id,
            ["token_type"] = TokenTypes.Id,
        };
        IdTokenClaims.AddProfile(claims, user);
        GenAuthTelemetry.TokenIssued("id");
        // Note: claims a pipeline function added (user.addToken); reserved names were already refused by the pipeline,
        // and the standard ones are kept whatever the extra set says.
        if (extraClaims is not null)
            foreach (var (name, value) in extraClaims)
                claims.TryAdd(name, value);
        return new IssuedToken(await SignAsync(db, pool.Id, claims, ct), now, expiresAt);
    }

    public async Task<IssuedToken> IssueManagementTokenAsync(GenAuthDbContext db, UserPool pool, CancellationToken ct)
    {
        var poolId = pool.Id;
        var now = clock.GetUtcNow();
        var exp = now.AddSeconds(ManagementTokenLifetimeSeconds);
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = issuer.Issuer(poolId),
            ["sub"] = poolId,
            ["aud"] = poolId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = exp.ToUnixTimeSeconds(),
            ["userpool_id"] = poolId,
            ["token_type"] = TokenTypes.Management,
            ["scope"] = "admin",
            ["sv"] = pool.SecretVersion,
        };
        GenAuthTelemetry.TokenIssued("management");
        return new IssuedToken(await SignAsync(db, poolId, claims, ct), now, exp);
    }

    /// <summary>
    /// Verifies signature (RS256 only, key found by kid among the pools' keys), expiry and the pool binding.
    /// Returns null for anything that is not a valid token of ours.
    /// </summary>
    public Task<(TokenPayload Payload, LoadedKey Key)?> VerifyAsync(GenAuthDbContext db, string token, CancellationToken ct) =>
        // Note: on every authenticated request: with metrics off no counting wrapper (and no state machine) runs.
        GenAuthTelemetry.TokensVerified.Enabled ? VerifyCountedAsync(db, token, ct) : VerifyTokenAsync(db, token, ct);

    private async Task<(TokenPayload Payload, LoadedKey Key)?> VerifyCountedAsync(GenAuthDbContext db, string token, CancellationToken ct)
    {
        var verified = await VerifyTokenAsync(db, token, ct);
        GenAuthTelemetry.TokenVerified(verified is not null);
        return verified;
    }

    private async Task<(TokenPayload Payload, LoadedKey Key)?> VerifyTokenAsync(GenAuthDbContext db, string token, CancellationToken ct)
    {
        try
        {
            // Note: jose-jwt returns null headers for an empty or "null" header segment; that is a malformed token, not a crash.
            var headers = JWT.Headers(token);
            if (headers is null || !headers.TryGetValue("kid", out var kidObj) || kidObj?.ToString() is not { Length: > 0 } kid)
                return null;
            var key = await keys.FindAsync(db, kid, ct);
            if (key is null || key.Use != KeyUse.Signing)
                return null;
            // Note: the expected algorithm is fixed, so "alg: none" and HS256-with-the-public-key are refused by jose-jwt.
            var json = JWT.Decode(token, key.Rsa, JwsAlgorithm.RS256);
            var payload = JsonSerializer.Deserialize<TokenPayload>(json);
            if (payload is null || payload.UserPoolId != key.UserPoolId)
                return null;
            if (payload.Exp <= clock.GetUtcNow().ToUnixTimeSeconds())
                return null;
            return (payload, key);
        }
        catch (Exception e) when (e is JoseException or ArgumentException or FormatException or JsonException
                                       or IndexOutOfRangeException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private async Task<string> SignAsync(GenAuthDbContext db, string poolId, Dictionary<string, object?> claims, CancellationToken ct)
    {
        var key = await keys.GetActiveAsync(db, poolId, KeyUse.Signing, ct);
        var extra = new Dictionary<string, object> { ["kid"] = key.Kid, ["typ"] = "JWT" };
        return JWT.Encode(claims, key.Rsa, JwsAlgorithm.RS256, extra);
    }
}
