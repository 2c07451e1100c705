using GenAuth.Core.Data;

namespace GenAuth.Core.Users;

/// <summary>A user of a pool, with every field of GenAuth's user field list.</summary>
public sealed class User : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public string? Status { get; set; } = "Activated";
    private string? _username;
    private string? _emailNormalized;

    /// <summary>As the user typed it; setting it also sets the normalised key and the skeleton (unique per pool).</summary>
    public string? Username
    {
        get => _username;
        set
        {
            _username = value;
            UsernameNormalized = Identifiers.NormalizeUsername(value);
            UsernameSkeleton = Identifiers.UsernameSkeleton(value);
        }
    }

    /// <summary>
    /// NFKC + case fold of the username: the unique key, so "Neo", "NEO" and full-width "Ｎｅｏ" are one account. Null for a
    /// username older than this rule that collided with an earlier account (it still signs in by its exact username).
    /// </summary>
    public string? UsernameNormalized { get; internal set; }

    /// <summary>UTS #39 skeleton of the normalised username: unique per pool, so look-alikes ("аlice", "alıce") are refused.</summary>
    public string? UsernameSkeleton { get; internal set; }

    public string? Email { get; set; }

    /// <summary>
    /// NFKC, trimmed, lower-case email: the unique key, so Bob@x.com and bob@x.com are one account. Setting it also sets
    /// <see cref="EmailSkeleton"/>.
    /// </summary>
    public string? EmailNormalized
    {
        get => _emailNormalized;
        set
        {
            _emailNormalized = value;
            EmailSkeleton = Identifiers.EmailSkeleton(value);
        }
    }

    /// <summary>The look-alike key of the email (non-ASCII characters mapped to their UTS #39 prototype): unique per pool.</summary>
    public string? EmailSkeleton { get; internal set; }

    public bool EmailVerified { get; set; }
    public string? Phone { get; set; }
    public string? PhoneCountryCode { get; set; }
    public bool PhoneVerified { get; set; }
    public string? Unionid { get; set; }
    public string? Openid { get; set; }
    public string? ExternalId { get; set; }
    public string? Nickname { get; set; }
    public string? RegisterSource { get; set; }
    public string? Photo { get; set; }
    public string? PasswordHash { get; set; }

    /// <summary>GenAuth's passwordSecurityLevel (1 low, 2 middle, 3 high), measured when the password was set; null if never.</summary>
    public int? PasswordSecurityLevel { get; set; }

    /// <summary>Set by an admin: the first password login answers a first-login token instead of a session.</summary>
    public bool ResetPasswordOnFirstLogin { get; set; }

    /// <summary>Set by an admin or a policy: the next password login answers a force-reset token instead of a session.</summary>
    public bool ForcePasswordReset { get; set; }
    public string? Oauth { get; set; }
    public int LoginsCount { get; set; }
    public DateTime? LastLogin { get; set; }
    public string? LastIp { get; set; }
    public DateTime SignedUp { get; set; }
    public bool Blocked { get; set; }
    public bool IsDeleted { get; set; }

    /// <summary>The main account of a sub-account (the SDK's loginBySubAccount signs in to it); null for any other user.</summary>
    public string? MainUserId { get; set; }

    /// <summary>When the account was deleted (archived); null while it is live.</summary>
    public DateTime? DeletedAt { get; set; }
    public string? Device { get; set; }
    public string? Browser { get; set; }
    public string? Company { get; set; }
    public string? Name { get; set; }
    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public string? MiddleName { get; set; }
    public string? Profile { get; set; }
    public string? PreferredUsername { get; set; }
    public string? Website { get; set; }
    public string Gender { get; set; } = "U";
    public string? Birthdate { get; set; }
    public string? Zoneinfo { get; set; }
    public string? Locale { get; set; }
    public string? Address { get; set; }
    public string? Formatted { get; set; }
    public string? StreetAddress { get; set; }
    public string? Locality { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Province { get; set; }
    public string? Country { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public string Arn => $"arn:cn:authing:{UserPoolId}:user:{Id}";
}
