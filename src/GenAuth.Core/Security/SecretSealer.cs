using System.Buffers.Text;
using System.Security.Cryptography;
using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>Seals small secrets (private keys, pool secrets) with the master key: AES-256-GCM, nonce and tag stored beside.</summary>
public sealed class SecretSealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretSealer(IOptions<GenAuthOptions> options)
    {
        _key = LoadOrCreateKey(options.Value);
    }

    public byte[] Seal(ReadOnlySpan<byte> plain)
    {
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return output;
    }

    /// <summary>A key for one purpose (e.g. keyed code hashes), derived from the master key with HKDF-SHA256.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, info: System.Text.Encoding.UTF8.GetBytes("genauth:" + purpose));

    /// <exception cref="CryptographicException">Not sealed with this key (altered, foreign, or too short to be sealed at all).</exception>
    public byte[] Unseal(ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < NonceSize + TagSize)
            throw new CryptographicException("Not a sealed value.");
        var plain = new byte[sealedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plain);
        return plain;
    }

    /// <summary>
    /// Seals purpose + payload into URL- and cookie-safe text (base64url, no padding): what a browser or relying party
    /// carries back to us (the SSO and external-flow cookies, link and CAS tickets). The purpose keeps one kind of
    /// sealed value from being replayed as another.
    /// </summary>
    public string SealText(ReadOnlySpan<byte> purpose, ReadOnlySpan<byte> payload)
    {
        var plain = new byte[purpose.Length + payload.Length];
        purpose.CopyTo(plain);
        payload.CopyTo(plain.AsSpan(purpose.Length));
        return Base64Url.EncodeToString(Seal(plain));
    }

    /// <summary>
    /// The payload <see cref="SealText"/> sealed for this purpose, or null for anything else: empty, longer than
    /// <paramref name="maxLength"/>, not base64url, too short, altered, sealed by another key or for another purpose.
    /// Whatever a client sends, this answers null rather than throwing.
    /// </summary>
    public byte[]? OpenText(string? text, ReadOnlySpan<byte> purpose, int maxLength)
    {
        if (string.IsNullOrEmpty(text) || text.Length > maxLength)
            return null;
        byte[] plain;
        try
        {
            plain = Unseal(Base64Url.DecodeFromChars(text));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
        return plain.Length >= purpose.Length && plain.AsSpan(0, purpose.Length).SequenceEqual(purpose) ? plain[purpose.Length..] : null;
    }

    private static byte[] LoadOrCreateKey(GenAuthOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            var configured = Convert.FromBase64String(options.MasterKey);
            if (configured.Length != 32)
                throw new InvalidOperationException("GenAuth:MasterKey must be the base64 of 32 bytes.");
            return configured;
        }

        PrivateFiles.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, "master.key");
        if (File.Exists(path))
        {
            PrivateFiles.Tighten(path);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var stream = PrivateFiles.CreateNew(path);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
