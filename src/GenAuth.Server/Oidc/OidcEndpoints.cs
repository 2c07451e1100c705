using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;
using GenAuth.Server.Callers;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Server.Oidc;

/// <summary>The public keys that verify our id tokens, and a minimal OpenID discovery document.</summary>
public static class OidcEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthOidc(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/oidc/.well-known");
        wellKnown.MapGet("/jwks.json", static async (HttpContext http, GenAuthDbContext db, KeyRing keyRing, CancellationToken ct) =>
        {
            var caller = await http.ResolveCallerAsync();
            var poolIds = caller.Pool is { } pool
                ? [pool.Id]
                : await db.UserPools.AsNoTracking().Select(p => p.Id).ToListAsync(ct);
            var keys = new List<object>();
            foreach (var poolId in poolIds)
                foreach (var key in await keyRing.ListSigningKeysAsync(db, poolId, ct))
                    keys.Add(ToJwk(key));
            return TypedResults.Json(new { keys });
        });

        wellKnown.MapGet("/openid-configuration", static (IssuerProvider issuer) =>
        {
            var baseUrl = issuer.BaseUrl;
            return TypedResults.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer(""),
                ["jwks_uri"] = $"{baseUrl}/oidc/.well-known/jwks.json",
                ["response_types_supported"] = new[] { "id_token" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["claims_supported"] = new[]
                {
                    "sub", "iss", "aud", "exp", "iat", "sid", "name", "given_name", "family_name", "middle_name", "nickname",
                    "preferred_username", "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
                    "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at",
                },
            });
        });
        return app;
    }

    private static object ToJwk(LoadedKey key)
    {
        var p = key.Rsa.ExportParameters(false);
        return new
        {
            kty = "RSA",
            use = "sig",
            alg = "RS256",
            kid = key.Kid,
            n = Base64Url(p.Modulus!),
            e = Base64Url(p.Exponent!),
        };
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
