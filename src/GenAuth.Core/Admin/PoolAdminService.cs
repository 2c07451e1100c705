using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>updateUserpool's input: null means "leave as is". Other capabilities add their settings here and on UserPool.</summary>
public sealed class PoolSettingsInput
{
    public string? Name { get; init; }
    public string? Logo { get; init; }
    public string? Domain { get; init; }
    public string? Description { get; init; }
    public bool? EmailVerifiedDefault { get; init; }
    public bool? SendWelcomeEmail { get; init; }
    public bool? RegisterDisabled { get; init; }
    public string? AllowedOrigins { get; init; }
    public int? TokenExpiresAfter { get; init; }
    public bool? LoginRequireEmailVerified { get; init; }
    public bool? MfaRequired { get; init; }
    public int? PasswordMinLength { get; init; }
    public bool? WhitelistEmailEnabled { get; init; }
    public bool? WhitelistPhoneEnabled { get; init; }
    public bool? WhitelistUsernameEnabled { get; init; }
    public int? QrCodeExpiresAfter { get; init; }
    public int? QrTicketExpiresAfter { get; init; }
    public bool? QrReturnFullUserInfo { get; init; }
    public bool? QrAllowExchangeFromBrowser { get; init; }

    /// <summary>zh-CN or en-US (any case); "" clears it back to GenAuth's default, zh-CN.</summary>
    public string? DefaultLanguage { get; init; }
}

/// <summary>The admin's pool: settings and the secret.</summary>
public sealed class PoolAdminService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, PoolDirectory directory, TimeProvider clock)
{
    public const int MinTokenLifetimeSeconds = 60;
    public const int MaxTokenLifetimeSeconds = 365 * 24 * 3600;

    public async Task<UserPool> UpdateAsync(PoolSettingsInput input, CancellationToken ct)
    {
        var pool = await TrackedPoolAsync(ct);
        // Note: checked and stored as browsers send origins, so CORS can match them exactly (2072 for a bad entry).
        var allowedOrigins = input.AllowedOrigins is { } origins ? OriginList.Normalize(origins) : null;
        if (input.TokenExpiresAfter is { } ttl && (ttl < MinTokenLifetimeSeconds || ttl > MaxTokenLifetimeSeconds))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"tokenExpiresAfter must be {MinTokenLifetimeSeconds} to {MaxTokenLifetimeSeconds} seconds");
        if (input.PasswordMinLength is { } min && (min < 8 || min > PasswordPolicy.MaxLength))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"passwordMinLength must be 8 to {PasswordPolicy.MaxLength}");
        if (input.QrCodeExpiresAfter is { } qrTtl && (qrTtl < 10 || qrTtl > 3600))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "qrcodeExpiresAfter must be 10 to 3600 seconds");
        if (input.QrTicketExpiresAfter is { } ticketTtl && (ticketTtl < 10 || ticketTtl > 86_400))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "ticketExpiresAfter must be 10 to 86400 seconds");
        if (input.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "name must have 1 to 200 characters");
        if (input.DefaultLanguage is { } lang)
            pool.DefaultLanguage = lang.Trim() switch
            {
                "" => null,
                var l when l.Equals("zh-CN", StringComparison.OrdinalIgnoreCase) => "zh-CN",
                var l when l.Equals("en-US", StringComparison.OrdinalIgnoreCase) => "en-US",
                _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "defaultLanguage must be zh-CN or en-US"),
            };
        pool.Name = input.Name ?? pool.Name;
        pool.Logo = input.Logo ?? pool.Logo;
        pool.Domain = input.Domain ?? pool.Domain;
        pool.Description = input.Description ?? pool.Description;
        pool.EmailVerifiedDefault = input.EmailVerifiedDefault ?? pool.EmailVerifiedDefault;
        pool.SendWelcomeEmail = input.SendWelcomeEmail ?? pool.SendWelcomeEmail;
        pool.RegisterDisabled = input.RegisterDisabled ?? pool.RegisterDisabled;
        pool.AllowedOrigins = allowedOrigins ?? pool.AllowedOrigins;
        pool.TokenExpiresAfter = input.TokenExpiresAfter ?? pool.TokenExpiresAfter;
        pool.LoginRequireEmailVerified = input.LoginRequireEmailVerified ?? pool.LoginRequireEmailVerified;
        pool.MfaRequired = input.MfaRequired ?? pool.MfaRequired;
        pool.PasswordMinLength = input.PasswordMinLength ?? pool.PasswordMinLength;
        pool.WhitelistEmailEnabled = input.WhitelistEmailEnabled ?? pool.WhitelistEmailEnabled;
        pool.WhitelistPhoneEnabled = input.WhitelistPhoneEnabled ?? pool.WhitelistPhoneEnabled;
        pool.WhitelistUsernameEnabled = input.WhitelistUsernameEnabled ?? pool.WhitelistUsernameEnabled;
        pool.QrCodeExpiresAfter = input.QrCodeExpiresAfter ?? pool.QrCodeExpiresAfter;
        pool.QrTicketExpiresAfter = input.QrTicketExpiresAfter ?? pool.QrTicketExpiresAfter;
        pool.QrReturnFullUserInfo = input.QrReturnFullUserInfo ?? pool.QrReturnFullUserInfo;
        pool.QrAllowExchangeFromBrowser = input.QrAllowExchangeFromBrowser ?? pool.QrAllowExchangeFromBrowser;
        return await SaveAsync(pool, ct);
    }

    /// <summary>A new secret; management tokens issued before stop working (their secret version no longer matches).</summary>
    public async Task<string> RefreshSecretAsync(CancellationToken ct)
    {
        var pool = await TrackedPoolAsync(ct);
        var secret = Ids.NewSecret();
        pool.SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        pool.SecretSealed = sealer.Seal(Encoding.UTF8.GetBytes(secret));
        pool.SecretVersion++;
        await SaveAsync(pool, ct);
        return secret;
    }

    private async Task<UserPool> TrackedPoolAsync(CancellationToken ct)
    {
        var poolId = caller.RequireAdmin().Id;
        return await db.UserPools.FirstOrDefaultAsync(p => p.Id == poolId, ct) ?? throw new GenAuthException(ErrorCodes.UserPoolNotFound);
    }

    private async Task<UserPool> SaveAsync(UserPool pool, CancellationToken ct)
    {
        pool.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        // Note: the directory caches pools for a few seconds; this instance forgets at once.
        directory.Forget(pool.Id);
        caller.Pool = pool;
        return pool;
    }
}
