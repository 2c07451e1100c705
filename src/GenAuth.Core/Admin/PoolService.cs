using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>Pool administration: creating pools, management tokens, reading the caller's pool.</summary>
public sealed class PoolService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, TokenService tokens,
    PoolDirectory directory, TimeProvider clock)
{
    public sealed record CreatedPool(UserPool Pool, Application App, string Secret);

    /// <summary>Creates a pool with its signing and transport keys and one application, in one transaction.</summary>
    public async Task<CreatedPool> CreatePoolAsync(string name, string? poolId, string? appId, string? secret, string appName, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        secret ??= Ids.NewSecret();
        var pool = new UserPool
        {
            Id = poolId ?? Ids.New(clock),
            Name = name,
            SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            SecretSealed = sealer.Seal(Encoding.UTF8.GetBytes(secret)),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var app = new Application
        {
            Id = appId ?? Ids.New(clock),
            UserPoolId = pool.Id,
            Name = appName,
            SecretSealed = sealer.Seal(Encoding.UTF8.GetBytes(Ids.NewSecret())),
            CreatedAt = now,
        };
        db.UserPools.Add(pool);
        db.Applications.Add(app);
        db.PoolKeys.Add(KeyRing.CreateKey(pool.Id, KeyUse.Signing, sealer, now));
        db.PoolKeys.Add(KeyRing.CreateKey(pool.Id, KeyUse.Transport, sealer, now));
        await db.SaveChangesAsync(ct);
        return new CreatedPool(pool, app, secret);
    }

    /// <summary>accessToken(userPoolId, secret): a management token for the pool, checked in constant time.</summary>
    public async Task<IssuedToken> AccessTokenAsync(string userPoolId, string secret, CancellationToken ct)
    {
        var pool = Ids.IsValid(userPoolId) ? await directory.FindPoolAsync(db, userPoolId, ct) : null;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? ""));
        if (pool is null || !CryptographicOperations.FixedTimeEquals(given, pool.SecretHash))
            throw new GenAuthException(ErrorCodes.WrongSecret);
        return await tokens.IssueManagementTokenAsync(db, pool, ct);
    }

    public UserPool CurrentPoolForAdmin() => caller.RequireAdmin();

    public Task<IssuedToken> RefreshAccessTokenAsync(CancellationToken ct) =>
        tokens.IssueManagementTokenAsync(db, caller.RequireAdmin(), ct);

    public string RevealSecret(UserPool pool) => Encoding.UTF8.GetString(sealer.Unseal(pool.SecretSealed));

    public Task<bool> ExistsAsync(string poolId, CancellationToken ct) =>
        db.UserPools.AnyAsync(p => p.Id == poolId, ct);
}
