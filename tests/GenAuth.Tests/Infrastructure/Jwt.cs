using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GenAuth.Tests.Infrastructure;

/// <summary>Reads and forges compact JWTs for tests, with nothing but the BCL.</summary>
public static class Jwt
{
    public static JsonObject Header(string token) => Part(token, 0);

    public static JsonObject Payload(string token) => Part(token, 1);

    /// <summary>header.payload.signature, signed by the given function over "header.payload".</summary>
    public static string Create(JsonObject header, JsonObject payload, Func<byte[], byte[]> sign)
    {
        var input = Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return input + "." + Encode(sign(Encoding.ASCII.GetBytes(input)));
    }

    public static string SignRs256(JsonObject header, JsonObject payload, RSA key) =>
        Create(header, payload, data => key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>Verifies an RS256 signature with a JWK (n, e) as published at /oidc/.well-known/jwks.json.</summary>
    public static bool VerifyRs256(string token, JsonNode jwk)
    {
        using var rsa = RsaFromJwk(jwk);
        var lastDot = token.LastIndexOf('.');
        return rsa.VerifyData(Encoding.ASCII.GetBytes(token[..lastDot]), Decode(token[(lastDot + 1)..]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    public static RSA RsaFromJwk(JsonNode jwk)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Decode(jwk["n"]!.GetValue<string>()),
            Exponent = Decode(jwk["e"]!.GetValue<string>()),
        });
        return rsa;
    }

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static JsonObject Part(string token, int index) =>
        JsonNode.Parse(Decode(token.Split('.')[index]))!.AsObject();
}
