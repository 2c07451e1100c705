using GenAuth.Core.Data;

namespace GenAuth.Core.Pools;

public enum KeyUse
{
    /// <summary>Signs id tokens and management tokens (RS256).</summary>
    Signing = 0,

    /// <summary>Decrypts passwords the SDK encrypts for transport (RSA PKCS#1 v1.5).</summary>
    // Note: a separate key from signing, so the padding-oracle surface of decryption can never touch token signatures.
    Transport = 1,
}

public sealed class PoolKey : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public KeyUse Use { get; set; }

    /// <summary>SubjectPublicKeyInfo, DER.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>PKCS#8 private key sealed with the master key (AES-GCM).</summary>
    public required byte[] PrivateKeySealed { get; set; }

    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}
