using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Passwords;
using GenAuth.Core.Messaging;
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
    public bool? AppSsoEnabled { get; init; }
    public bool? MfaRequired { get; init; }
    public int? PasswordMinLength { get; init; }

    /// <summary>GenAuth's passwordStrength, 0 to 4 (see Security.PasswordStrength).</summary>
    public int? PasswordStrength { get; init; }
    public int? VerifyCodeLength { get; init; }
    public int? VerifyCodeMaxAttempts { get; init; }
    public bool? ChangePhoneVerifyOld { get; init; }
    public bool? ChangeEmailVerifyOld { get; init; }

    /// <summary>
    /// Settings the caller asked to turn on whose protection this server doesn't have (e.g. "passwordUpdatePolicy",
    /// "app2WxappLoginStrategy"): the whole update is refused (2650) naming the first, so an admin never believes a
    /// protection is on when it is not. Turning such a setting off (or sending it empty) is accepted: off is the truth.
    /// </summary>
    public IReadOnlyList<string> Unsupported { get; init; } = [];
    public bool? WhitelistEmailEnabled { get; init; }
    public bool? WhitelistPhoneEnabled { get; init; }
    public bool? WhitelistUsernameEnabled { get; init; }
    public int? QrCodeExpiresAfter { get; init; }
    public int? QrTicketExpiresAfter { get; init; }
    public bool? QrReturnFullUserInfo { get; init; }
    public bool? QrAllowExchangeFromBrowser { get; init; }

    /// <summary>zh-CN or en-US (any case); "" clears it back to GenAuth's default, zh-CN.</summary>
    public string? DefaultLanguage { get; init; }

    /// <summary>Calling codes SMS may go to ("+86", "*"); an empty list goes back to the server's default.</summary>
    public IReadOnlyList<string?>? SmsCountries { get; init; }

    /// <summary>GenAuth's frequentRegisterCheck: registrations per IP (limit) in timeInterval seconds, when enabled.</summary>
    public bool? FrequentRegisterEnabled { get; init; }
    public int? FrequentRegisterLimit { get; init; }
    public int? FrequentRegisterInterval { get; init; }

    /// <summary>customSMSProvider.enabled: true is refused (2095) until per-pool providers exist.</summary>
    public bool? CustomSmsProviderEnabled { get; init; }
    /// <summary>GenAuth's login failure checks (per IP, per account) and strategy; see <see cref="LoginFailSettings"/>.</summary>
    public FailCheckInput? LoginFailCheck { get; init; }
    public FailCheckInput? LoginPasswordFailCheck { get; init; }
    public string? LoginFailStrategy { get; init; }
}

/// <summary>The admin's pool: settings and the secret.</summary>
public sealed class PoolAdminService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, PoolDirectory directory, TimeProvider clock)
{
    public const int MinTokenLifetimeSeconds = 60;
    public const int MaxTokenLifetimeSeconds = 365 * 24 * 3600;

    public async Task<UserPool> UpdateAsync(PoolSettingsInput input, CancellationToken ct)
    {
        var pool = await TrackedPoolAsync(ct);
        if (input.Unsupported.Count > 0)
            throw new GenAuthException(ErrorCodes.SettingNotSupported, detail: input.Unsupported[0]);
        if (input.PasswordStrength is { } strength && strength is < PasswordStrength.MinLevel or > PasswordStrength.MaxLevel)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"passwordStrength must be {PasswordStrength.MinLevel} to {PasswordStrength.MaxLevel}");
        if (input.VerifyCodeLength is { } codeLength && codeLength is < 4 or > 8)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "verifyCodeLength must be 4 to 8");
        if (input.VerifyCodeMaxAttempts is { } codeAttempts && codeAttempts is < 1 or > 10)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "verifyCodeMaxAttempts must be 1 to 10");
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
        ApplyAbuseSettings(pool, input);
        if (input.DefaultLanguage is { } lang)
            pool.DefaultLanguage = lang.Trim() switch
            {
                "" => null,
                var l when l.Equals("zh-CN", StringComparison.OrdinalIgnoreCase) => "zh-CN",
                var l when l.Equals("en-US", StringComparison.OrdinalIgnoreCase) => "en-US",
                _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "defaultLanguage must be zh-CN or en-US"),
            };
        LoginFailSettings.Apply(pool, input.LoginFailCheck, input.LoginPasswordFailCheck, input.LoginFailStrategy);
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
        pool.AppSsoEnabled = input.AppSsoEnabled ?? pool.AppSsoEnabled;
        pool.MfaRequired = input.MfaRequired ?? pool.MfaRequired;
        pool.PasswordMinLength = input.PasswordMinLength ?? pool.PasswordMinLength;
        pool.PasswordStrength = input.PasswordStrength ?? pool.PasswordStrength;
        pool.VerifyCodeLength = input.VerifyCodeLength ?? pool.VerifyCodeLength;
        pool.VerifyCodeMaxAttempts = input.VerifyCodeMaxAttempts ?? pool.VerifyCodeMaxAttempts;
        pool.ChangePhoneVerifyOld = input.ChangePhoneVerifyOld ?? pool.ChangePhoneVerifyOld;
        pool.ChangeEmailVerifyOld = input.ChangeEmailVerifyOld ?? pool.ChangeEmailVerifyOld;
        pool.WhitelistEmailEnabled = input.WhitelistEmailEnabled ?? pool.WhitelistEmailEnabled;
        pool.WhitelistPhoneEnabled = input.WhitelistPhoneEnabled ?? pool.WhitelistPhoneEnabled;
        pool.WhitelistUsernameEnabled = input.WhitelistUsernameEnabled ?? pool.WhitelistUsernameEnabled;
        pool.QrCodeExpiresAfter = input.QrCodeExpiresAfter ?? pool.QrCodeExpiresAfter;
        pool.QrTicketExpiresAfter = input.QrTicketExpiresAfter ?? pool.QrTicketExpiresAfter;
        pool.QrReturnFullUserInfo = input.QrReturnFullUserInfo ?? pool.QrReturnFullUserInfo;
        pool.QrAllowExchangeFromBrowser = input.QrAllowExchangeFromBrowser ?? pool.QrAllowExchangeFromBrowser;
        return await SaveAsync(pool, ct);
    }

    /// <summary>SMS countries, frequentRegisterCheck and customSMSProvider, checked before anything is changed.</summary>
    private static void ApplyAbuseSettings(UserPool pool, PoolSettingsInput input)
    {
        // Note: refused rather than stored and ignored, so an admin never believes SMS go through a provider they don't.
        if (input.CustomSmsProviderEnabled == true)
            throw new GenAuthException(ErrorCodes.CustomSmsProviderUnsupported);
        if (input.FrequentRegisterLimit is { } limit && (limit < 1 || limit > 100_000))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "frequentRegisterCheck.limit must be 1 to 100000");
        // Note: a day at most: the rate counters keep no window longer than that.
        if (input.FrequentRegisterInterval is { } interval && (interval < 1 || interval > 86_400))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "frequentRegisterCheck.timeInterval must be 1 to 86400 seconds");
        var countries = input.SmsCountries is { } list ? SmsCountries.Normalize(list) : pool.SmsCountries;
        pool.SmsCountries = countries;
        pool.FrequentRegisterEnabled = input.FrequentRegisterEnabled ?? pool.FrequentRegisterEnabled;
        pool.FrequentRegisterLimit = input.FrequentRegisterLimit ?? pool.FrequentRegisterLimit;
        pool.FrequentRegisterInterval = input.FrequentRegisterInterval ?? pool.FrequentRegisterInterval;
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
