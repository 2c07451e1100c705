using System.Collections.Concurrent;
using System.Security.Cryptography;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Pools;

/// <summary>A pool's RSA key loaded for use.</summary>
public sealed record LoadedKey(string Kid, string UserPoolId, KeyUse Use, RSA Rsa, byte[] PublicKey);

/// <summary>
/// The pools' RSA keys: created with the pool, stored sealed in the database, cached in memory once loaded.
/// </summary>
public sealed class KeyRing(SecretSealer sealer)
{
    private readonly ConcurrentDictionary<string, LoadedKey> _byKid = new();
    private readonly ConcurrentDictionary<(string Pool, KeyUse Use), LoadedKey> _active = new();

    public static PoolKey CreateKey(string poolId, KeyUse use, SecretSealer sealer, DateTime now)
    {
        using var rsa = RSA.Create(2048);
        return new PoolKey
        {
            Id = Ids.NewSecret(8),
            UserPoolId = poolId,
            Use = use,
            PublicKey = rsa.ExportSubjectPublicKeyInfo(),
            PrivateKeySealed = sealer.Seal(rsa.ExportPkcs8PrivateKey()),
            Active = true,
            CreatedAt = now,
        };
    }

    public async Task<LoadedKey> GetActiveAsync(GenAuthDbContext db, string poolId, KeyUse use, CancellationToken ct)
    {
        if (_active.TryGetValue((poolId, use), out var cached))
            return cached;
        var row = await db.PoolKeys.IgnoreQueryFilters().AsNoTracking()
            .Where(k => k.UserPoolId == poolId && k.Use == use && k.Active)
            .OrderByDescending(k => k.CreatedAt)
            .FirstOrDefaultAsync(ct)
            ?? throw new GenAuthException(ErrorCodes.UserPoolNotFound);
        var loaded = Load(row);
        _active[(poolId, use)] = loaded;
        return loaded;
    }

    /// <summary>Finds a signing key by kid, from any pool; null when unknown.</summary>
    public async Task<LoadedKey?> FindAsync(GenAuthDbContext db, string kid, CancellationToken ct)
    {
        if (_byKid.TryGetValue(kid, out var cached))
            return cached;
        var row = await db.PoolKeys.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(k => k.Id == kid, ct);
        return row is null ? null : Load(row);
    }

    public async Task<IReadOnlyList<LoadedKey>> ListSigningKeysAsync(GenAuthDbContext db, string poolId, CancellationToken ct)
    {
        var rows = await db.PoolKeys.IgnoreQueryFilters().AsNoTracking()
            .Where(k => k.UserPoolId == poolId && k.Use == KeyUse.Signing)
            .ToListAsync(ct);
        return rows.Select(Load).ToList();
    }

    private LoadedKey Load(PoolKey row) =>
        _byKid.GetOrAdd(row.Id, kid =>
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(sealer.Unseal(row.PrivateKeySealed), out _);
            return new LoadedKey(row.Id, row.UserPoolId, row.Use, rsa, row.PublicKey);
        });
}
