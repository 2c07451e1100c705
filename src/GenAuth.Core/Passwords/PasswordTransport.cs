using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Passwords;

/// <summary>Undoes the SDK's password encryption (RSA PKCS#1 v1.5 with the pool's transport key, base64).</summary>
public sealed class PasswordTransport(KeyRing keys)
{
    public async Task<string> PublicKeyPemAsync(GenAuthDbContext db, string poolId, CancellationToken ct)
    {
        var key = await keys.GetActiveAsync(db, poolId, KeyUse.Transport, ct);
        return PemEncoding.WriteString("PUBLIC KEY", key.PublicKey);
    }

    /// <summary>
    /// Returns the plain password. Input that is not a ciphertext for our key is taken as a plain password.
    /// </summary>
    // Note: a failed decryption and a plain password take the same path, so the answer is always just
    // "wrong password" and the endpoint can't be used as a padding oracle.
    public async Task<string> DecryptAsync(GenAuthDbContext db, string poolId, string? input, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(input) || input.Length < 300 || input.Length > 800)
            return input ?? "";
        var bytes = new byte[input.Length];
        if (!Convert.TryFromBase64String(input, bytes, out var written))
            return input;
        var key = await keys.GetActiveAsync(db, poolId, KeyUse.Transport, ct);
        var size = key.Rsa.KeySize / 8;
        // Note: the SDK's JSEncrypt drops leading zero bytes of the ciphertext (about 1 login in 256), so a ciphertext
        // a few bytes short is left-padded back to the modulus size rather than taken for a plain password.
        if (written > size || written < size - 4)
            return input;
        var cipher = new byte[size];
        bytes.AsSpan(0, written).CopyTo(cipher.AsSpan(size - written));
        try
        {
            return Encoding.UTF8.GetString(key.Rsa.Decrypt(cipher, RSAEncryptionPadding.Pkcs1));
        }
        catch (CryptographicException)
        {
            return input;
        }
    }
}
