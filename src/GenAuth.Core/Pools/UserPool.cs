namespace GenAuth.Core.Pools;

public sealed class UserPool
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string Domain { get; set; } = "";
    public string Logo { get; set; } = "";

    /// <summary>SHA-256 of the secret, compared in constant time.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>The secret sealed with the master key, so admins can read it back (GenAuth's userpool.secret).</summary>
    public required byte[] SecretSealed { get; set; }

    public bool RegisterDisabled { get; set; }
    public bool EmailVerifiedDefault { get; set; }
    public bool SendWelcomeEmail { get; set; }
    public bool LoginRequireEmailVerified { get; set; }
    public int TokenExpiresAfter { get; set; } = 1_296_000;
    public int PasswordMinLength { get; set; } = 8;

    /// <summary>GenAuth's passwordStrength (0 to 4): the composition every new password must have; see Security.PasswordStrength.</summary>
    public int PasswordStrength { get; set; }
    public string? AllowedOrigins { get; set; }

    /// <summary>
    /// Single sign-on across the pool's apps (GenAuth's appSsoEnabled): a browser signed in to one app gets the others
    /// without a prompt. When false, the authorization endpoint reuses a browser session only for the app it opened.
    /// </summary>
    public bool AppSsoEnabled { get; set; } = true;

    // App scan-login settings (GenAuth's qrcodeLoginStrategy).
    public int QrCodeExpiresAfter { get; set; } = 120;
    public int QrTicketExpiresAfter { get; set; } = 300;
    public bool QrReturnFullUserInfo { get; set; }
    public bool QrAllowExchangeFromBrowser { get; set; }

    /// <summary>Registration whitelists (GenAuth's whitelist.{email,phone,username}Enabled): only listed values may register.</summary>
    public bool WhitelistEmailEnabled { get; set; }
    public bool WhitelistPhoneEnabled { get; set; }
    public bool WhitelistUsernameEnabled { get; set; }

    /// <summary>Bumped by refreshUserpoolSecret; management tokens carry it, and older ones are refused.</summary>
    public int SecretVersion { get; set; } = 1;
    /// <summary>Digits in a verification code (4 to 8).</summary>
    public int VerifyCodeLength { get; set; } = 6;

    /// <summary>Wrong tries after which a code dies.</summary>
    public int VerifyCodeMaxAttempts { get; set; } = 5;

    /// <summary>Seconds a code lives (at most 600).</summary>
    public int VerifyCodeExpiresIn { get; set; } = 300;

    /// <summary>updatePhone also needs a code sent to the old number.</summary>
    public bool ChangePhoneVerifyOld { get; set; }

    /// <summary>updateEmail also needs a code sent to the old address.</summary>
    public bool ChangeEmailVerifyOld { get; set; }


    /// <summary>Per-pool SMTP server; when unset the GenAuth:Smtp configuration (or the outbox) is used.</summary>
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }

    /// <summary>Auto, None, StartTls or SslOnConnect.</summary>
    public string? SmtpSecurity { get; set; }
    public string? SmtpUsername { get; set; }

    /// <summary>SMTP password sealed with the master key.</summary>
    public byte[]? SmtpPasswordSealed { get; set; }

    /// <summary>From address of this pool's mail ("Name &lt;addr&gt;" or "addr"); overrides GenAuth:Smtp:From.</summary>
    public string? EmailFrom { get; set; }

    /// <summary>Every login needs a second factor; a user without one enrols during the login (the 1635 answer's needEnroll).</summary>
    public bool MfaRequired { get; set; }

    /// <summary>
    /// The language of messages (errors, mails, SMS) when a request names none (no x-authing-lang, no Accept-Language
    /// this server writes): zh-CN or en-US; null means zh-CN, GenAuth's default.
    /// </summary>
    public string? DefaultLanguage { get; set; }
    /// <summary>
    /// Calling codes this pool sends SMS to, comma-separated ("+86,+852"; "*" any country except premium and satellite
    /// ranges, which must be named); null means the server's GenAuth:Quotas:SmsCountries (+86 by default).
    /// </summary>
    public string? SmsCountries { get; set; }

    /// <summary>GenAuth's frequentRegisterCheck: at most Limit registrations from one IP in TimeInterval seconds, when enabled.</summary>
    public bool FrequentRegisterEnabled { get; set; }
    public int FrequentRegisterLimit { get; set; } = 10;
    public int FrequentRegisterInterval { get; set; } = 300;


    /// <summary>GenAuth's loginFailCheck: an IP with LoginFailCheckLimit failed logins within the interval is refused for the interval.</summary>
    public bool LoginFailCheckEnabled { get; set; }
    public int LoginFailCheckLimit { get; set; } = 50;
    public int LoginFailCheckInterval { get; set; } = 300;

    /// <summary>GenAuth's loginPasswordFailCheck: an account with that many wrong passwords within the interval is locked for the interval.</summary>
    public bool LoginPasswordFailCheckEnabled { get; set; }
    public int LoginPasswordFailCheckLimit { get; set; } = 5;
    public int LoginPasswordFailCheckInterval { get; set; } = 300;

    /// <summary>GenAuth's loginFailStrategy: what a failed check does. Only block-account (lock) is available; null means it.</summary>
    public string? LoginFailStrategy { get; set; }

    /// <summary>Days the pool's audit events are kept (1 to 3650); the sweeper deletes older ones.</summary>
    public int AuditRetentionDays { get; set; } = 180;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
