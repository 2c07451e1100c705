using System.Security.Cryptography;
using OtpNet;
using QRCoder;

namespace GenAuth.Core.Mfa;

/// <summary>RFC 6238 as authenticator apps read it: SHA1, 6 digits, 30 s steps, ±1 step of drift.</summary>
public sealed class TotpCodes(TimeProvider clock)
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(20);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>otpauth://totp/{issuer}:{account}?secret=…&amp;period=30&amp;digits=6&amp;algorithm=SHA1&amp;issuer={issuer}</summary>
    public static string Uri(string issuer, string account, byte[] secret) =>
        $"otpauth://totp/{Escape(issuer)}:{Escape(account)}?secret={Base32(secret)}&period={StepSeconds}&digits={Digits}"
        + $"&algorithm=SHA1&issuer={Escape(issuer)}";

    /// <summary>The URI as a QR code in a PNG data URL, for an &lt;img src&gt;.</summary>
    public static string QrDataUrl(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>The time step the code matches within the drift window, or null.</summary>
    public long? Match(byte[] secret, string? code)
    {
        var trimmed = code?.Trim();
        if (trimmed is not { Length: Digits } || !trimmed.All(char.IsAsciiDigit))
            return null;
        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, trimmed, out var step, Drift) ? step : null;
    }

    private static string Escape(string s) => System.Uri.EscapeDataString(s);
}

/// <summary>Recovery codes: 96 random bits shown as xxxx-xxxx-xxxx-xxxx-xxxx-xxxx, stored as SHA-256.</summary>
public static class RecoveryCodes
{
    public static string New()
    {
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return string.Join('-', Enumerable.Range(0, 6).Select(i => hex.Substring(i * 4, 4)));
    }

    // Note: a plain hash suffices: the code carries 96 random bits, so there is nothing to brute-force offline.
    public static byte[] Hash(string? code) =>
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes((code ?? "").Trim().ToLowerInvariant()));

    public static bool Matches(string? code, byte[]? hash) =>
        hash is not null && CryptographicOperations.FixedTimeEquals(Hash(code), hash);
}

/// <summary>Opaque one-time tokens "{row id}.{secret}": the row is found by id, the secret compared by hash.</summary>
public static class OneTimeTokens
{
    public static (string Token, byte[] Hash) New(string id)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{id}.{secret}", SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)));
    }

    public static string? IdOf(string? token)
    {
        var dot = token?.IndexOf('.') ?? -1;
        var id = dot > 0 ? token![..dot] : null;
        return Common.Ids.IsValid(id) ? id : null;
    }

    public static bool Matches(string token, byte[] hash)
    {
        var secret = token[(token.IndexOf('.') + 1)..];
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)), hash);
    }
}
