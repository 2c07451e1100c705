using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Codes;

/// <summary>
/// Issues and checks verification codes and one-time tokens. Codes are CSPRNG digits, stored as HMAC-SHA256 under a
/// key derived from the master key (a stolen database doesn't reveal them), bound to pool + channel + target + scene.
/// </summary>
public sealed class CodeService(SecretSealer sealer, TimeProvider clock, IOptions<CodeOptions> options)
{
    public const string Sms = "sms";
    public const string Email = "email";
    public const string Token = "token";

    /// <summary>At most one code per target in this window, whatever the scene.</summary>
    private TimeSpan ResendInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.ResendIntervalSeconds));
    public const int MaxExpirySeconds = 600;

    private readonly byte[] _key = sealer.DeriveKey("verification-codes");

    // Note: serialises the "last send" check and the insert per target, so two parallel sends can't both pass the limit.
    private static readonly SemaphoreSlim[] Stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>
    /// Creates a code for the target (enforcing the resend interval), then runs <paramref name="deliver"/> with it;
    /// if delivery fails the code is removed, so the user may retry at once.
    /// </summary>
    public async Task IssueAsync(GenAuthDbContext db, UserPool pool, string channel, string target, string scene,
        Func<string, int, Task> deliver, CancellationToken ct)
    {
        var stripe = Stripes[(int)((uint)HashCode.Combine(pool.Id, channel, target) % Stripes.Length)];
        await stripe.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var last = await db.VerificationCodes.AsNoTracking()
                .Where(c => c.Channel == channel && c.Target == target)
                .OrderByDescending(c => c.CreatedAt).Select(c => (DateTime?)c.CreatedAt).FirstOrDefaultAsync(ct);
            if (last is { } at && now - at < ResendInterval)
            {
                var wait = (int)Math.Ceiling((ResendInterval - (now - at)).TotalSeconds);
                throw new GenAuthException(ErrorCodes.SendTooFrequent, new { retryAfter = wait },
                    $"{wait} s");
            }
            var length = Math.Clamp(pool.VerifyCodeLength, 4, 8);
            var code = RandomNumberGenerator.GetInt32(0, (int)Math.Pow(10, length)).ToString($"D{length}");
            var expiresIn = Math.Clamp(pool.VerifyCodeExpiresIn, 60, MaxExpirySeconds);

            // A new code replaces the unused ones of the same scene.
            await db.VerificationCodes.Where(c => c.Channel == channel && c.Target == target && c.Scene == scene && c.ConsumedAt == null)
                .ExecuteDeleteAsync(ct);
            var row = NewRow(pool, channel, target, scene, code, now, now.AddSeconds(expiresIn), Math.Max(1, pool.VerifyCodeMaxAttempts));
            db.VerificationCodes.Add(row);
            await db.SaveChangesAsync(ct);
            try
            {
                await deliver(code, expiresIn / 60);
                GenAuthTelemetry.CodeSent(channel, sent: true);
            }
            catch
            {
                GenAuthTelemetry.CodeSent(channel, sent: false);
                await db.VerificationCodes.Where(c => c.Id == row.Id).ExecuteDeleteAsync(CancellationToken.None);
                throw;
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>
    /// Checks and consumes the newest live code of the target in one of the accepted scenes. A wrong code spends one try;
    /// of concurrent correct submissions exactly one wins (the conditional update), the others get 2001.
    /// </summary>
    public async Task ConsumeAsync(GenAuthDbContext db, string channel, string target, IReadOnlyCollection<string> scenes,
        string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw new GenAuthException(ErrorCodes.CodeRequired);
        var row = await db.VerificationCodes.AsNoTracking()
            .Where(c => c.Channel == channel && c.Target == target && scenes.Contains(c.Scene) && c.ConsumedAt == null)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct)
            ?? throw new GenAuthException(ErrorCodes.WrongCode);
        await ConsumeRowAsync(db, row, code.Trim(), ct);
    }

    /// <summary>A one-time token "id.secret" for a user (first-login and force-reset flows).</summary>
    public async Task<string> IssueTokenAsync(GenAuthDbContext db, UserPool pool, string userId, string scene, TimeSpan lifetime,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = Ids.NewSecret(24);
        var row = NewRow(pool, Token, userId, scene, secret, now, now.Add(lifetime), 5);
        db.VerificationCodes.Add(row);
        await db.SaveChangesAsync(ct);
        return row.Id + "." + secret;
    }

    /// <summary>Consumes a token issued for the scene; returns the user id it was issued for.</summary>
    public async Task<string> ConsumeTokenAsync(GenAuthDbContext db, string scene, string? token, CancellationToken ct)
    {
        var parts = token?.Split('.', 2);
        if (parts is not { Length: 2 } || !Ids.IsValid(parts[0]))
            throw new GenAuthException(ErrorCodes.InvalidToken);
        var id = parts[0];
        var row = await db.VerificationCodes.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id && c.Channel == Token && c.Scene == scene && c.ConsumedAt == null, ct)
            ?? throw new GenAuthException(ErrorCodes.InvalidToken);
        try
        {
            await ConsumeRowAsync(db, row, parts[1], ct);
        }
        catch (GenAuthException)
        {
            throw new GenAuthException(ErrorCodes.InvalidToken);
        }
        return row.Target;
    }

    private async Task ConsumeRowAsync(GenAuthDbContext db, VerificationCode row, string code, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (row.ExpiresAt <= now)
            throw new GenAuthException(ErrorCodes.CodeExpired);
        if (row.Attempts >= row.MaxAttempts)
            throw new GenAuthException(ErrorCodes.CodeAttemptsExceeded);
        if (!CryptographicOperations.FixedTimeEquals(Hash(row.UserPoolId, row.Channel, row.Target, row.Scene, code), row.CodeHash))
        {
            await db.VerificationCodes.Where(c => c.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            throw new GenAuthException(ErrorCodes.WrongCode);
        }
        var won = await db.VerificationCodes
            .Where(c => c.Id == row.Id && c.ConsumedAt == null && c.Attempts < c.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), ct);
        if (won != 1)
            throw new GenAuthException(ErrorCodes.WrongCode);
    }

    private VerificationCode NewRow(UserPool pool, string channel, string target, string scene, string code, DateTime now,
        DateTime expires, int maxAttempts) => new()
    {
        Id = Ids.New(clock),
        UserPoolId = pool.Id,
        Channel = channel,
        Target = target,
        Scene = scene,
        CodeHash = Hash(pool.Id, channel, target, scene, code),
        MaxAttempts = maxAttempts,
        CreatedAt = now,
        ExpiresAt = expires,
    };

    private byte[] Hash(string poolId, string channel, string target, string scene, string code) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{poolId}\n{channel}\n{target}\n{scene}\n{code}"));
}

/// <summary>GenAuth:Codes: server-wide code settings (per-pool ones live on the pool).</summary>
public sealed class CodeOptions
{
    /// <summary>Minimum seconds between two codes to one target (60, as GenAuth).</summary>
    public int ResendIntervalSeconds { get; set; } = 60;
}
