using GenAuth.Core.Passwords;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;

namespace GenAuth.Core.Users;

/// <summary>
/// A user's password as every flow handles it: decrypted from the transport form, held to the pool's policy, hashed with
/// its strength recorded, verified. One place, so registration, login, change, reset and admin writes agree.
/// </summary>
public sealed class UserPasswords(GenAuthDbContext db, CallerContext caller, PasswordHasher hasher, PasswordPolicy policy,
    PasswordTransport transport)
{
    /// <summary>The plain password from what the client sent (plain or encrypted with the pool's public key).</summary>
    public Task<string> DecryptAsync(string poolId, string? input, CancellationToken ct) =>
        transport.DecryptAsync(db, poolId, input, ct);

    /// <summary>Refuses a password the pool's policy doesn't accept, in the caller's language.</summary>
    public void RequireAcceptable(UserPool pool, string? plain) => policy.Require(pool, plain, caller.Lang);

    public async Task SetAsync(User user, string plain, CancellationToken ct)
    {
        user.PasswordHash = await hasher.HashAsync(plain, ct);
        user.PasswordSecurityLevel = PasswordStrength.Level(plain);
    }

    /// <summary>
    /// After a successful verification: a hash with other parameters than the server's (an imported one, or older
    /// settings) is replaced by one with the server's, saved with the sign-in.
    /// </summary>
    public async Task UpgradeIfNeededAsync(User user, string plain, CancellationToken ct)
    {
        if (hasher.NeedsUpgrade(user.PasswordHash))
            user.PasswordHash = await hasher.HashAsync(plain, ct);
    }

    /// <summary>Constant work whether or not there is a hash, so a missing user can't be told from a wrong password.</summary>
    public Task<bool> VerifyAsync(string? hash, string plain, CancellationToken ct) => hasher.VerifyAsync(hash, plain, ct);
}
