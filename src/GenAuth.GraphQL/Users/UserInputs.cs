using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>
/// The profile fields shared by RegisterProfile, UpdateUserInput and CreateUserInput (all optional strings). These three
/// feed Core's <see cref="ProfileInput"/> ("the fields supplied"), so a field left out differs from one set to null.
/// </summary>
public abstract record ProfileFieldsInput
{
    public Optional<string?> Username { get; init; }
    public Optional<string?> Nickname { get; init; }
    public Optional<string?> Company { get; init; }
    public Optional<string?> Photo { get; init; }
    public Optional<string?> Device { get; init; }
    public Optional<string?> Browser { get; init; }
    public Optional<string?> Name { get; init; }
    public Optional<string?> GivenName { get; init; }
    public Optional<string?> FamilyName { get; init; }
    public Optional<string?> MiddleName { get; init; }
    public Optional<string?> Profile { get; init; }
    public Optional<string?> PreferredUsername { get; init; }
    public Optional<string?> Website { get; init; }
    public Optional<string?> Gender { get; init; }
    public Optional<string?> Birthdate { get; init; }
    public Optional<string?> Zoneinfo { get; init; }
    public Optional<string?> Locale { get; init; }
    public Optional<string?> Address { get; init; }
    public Optional<string?> Formatted { get; init; }
    public Optional<string?> StreetAddress { get; init; }
    public Optional<string?> Locality { get; init; }
    public Optional<string?> Region { get; init; }
    public Optional<string?> PostalCode { get; init; }
    public Optional<string?> City { get; init; }
    public Optional<string?> Province { get; init; }
    public Optional<string?> Country { get; init; }

    /// <summary>Core's model of a partial write: one entry per supplied field, keyed by its GraphQL name.</summary>
    public ProfileInput ToProfileInput()
    {
        var profile = new ProfileInput();
        foreach (var property in GetType().GetProperties())
        {
            if (property.GetValue(this) is IOptional { IsSet: true } optional)
                profile[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = optional.BoxedValue;
        }
        return profile;
    }
}

internal static class ProfileFields
{
    public static void AddTo<T>(PartialInputObjectGraphType<T> type) where T : ProfileFieldsInput, new()
    {
        type.Field(x => x.Username, typeof(StringGraphType)).Description("Username: unique in the pool ignoring case, width (NFKC) and look-alike characters (UTS #39).");
        type.Field(x => x.Nickname, typeof(StringGraphType)).Description("Nickname (display name).");
        type.Field(x => x.Company, typeof(StringGraphType)).Description("Company or organisation.");
        type.Field(x => x.Photo, typeof(StringGraphType)).Description("Avatar URL: an absolute http(s) URL or a path of an upload to this server (/uploads/...); other schemes are refused (400).");
        type.Field(x => x.Device, typeof(StringGraphType)).Description("The device the user signs in from.");
        type.Field(x => x.Browser, typeof(StringGraphType)).Description("The browser the user signs in from.");
        type.Field(x => x.Name, typeof(StringGraphType)).Description("Full name (OIDC name).");
        type.Field(x => x.GivenName, typeof(StringGraphType)).Description("Given name (OIDC given_name).");
        type.Field(x => x.FamilyName, typeof(StringGraphType)).Description("Family name (OIDC family_name).");
        type.Field(x => x.MiddleName, typeof(StringGraphType)).Description("Middle name (OIDC middle_name).");
        type.Field(x => x.Profile, typeof(StringGraphType)).Description("Profile page URL (OIDC profile).");
        type.Field(x => x.PreferredUsername, typeof(StringGraphType)).Description("Preferred username (OIDC preferred_username).");
        type.Field(x => x.Website, typeof(StringGraphType)).Description("Web page or blog URL (OIDC website).");
        type.Field(x => x.Gender, typeof(StringGraphType)).Description("Gender: M, F or U (unknown); MALE and FEMALE are accepted.");
        type.Field(x => x.Birthdate, typeof(StringGraphType)).Description("Birthday (OIDC birthdate), e.g. 1990-01-31.");
        type.Field(x => x.Zoneinfo, typeof(StringGraphType)).Description("Time zone (OIDC zoneinfo), e.g. Asia/Shanghai.");
        type.Field(x => x.Locale, typeof(StringGraphType)).Description("Locale (OIDC locale), e.g. zh-CN.");
        type.Field(x => x.Address, typeof(StringGraphType)).Description("Postal address as one string.");
        type.Field(x => x.Formatted, typeof(StringGraphType)).Description("Full mailing address (OIDC address.formatted).");
        type.Field(x => x.StreetAddress, typeof(StringGraphType)).Description("Street address (OIDC address.street_address).");
        type.Field(x => x.Locality, typeof(StringGraphType)).Description("City or locality (OIDC address.locality).");
        type.Field(x => x.Region, typeof(StringGraphType)).Description("State, province or region (OIDC address.region).");
        type.Field(x => x.PostalCode, typeof(StringGraphType)).Description("Postal code (OIDC address.postal_code).");
        type.Field(x => x.City, typeof(StringGraphType)).Description("City of the address.");
        type.Field(x => x.Province, typeof(StringGraphType)).Description("Province of the address.");
        type.Field(x => x.Country, typeof(StringGraphType)).Description("Country (OIDC address.country).");
    }
}

public sealed record UserDdfInput(string Key, string Value);

public sealed class UserDdfInputType : InputObjectGraphType<UserDdfInput>
{
    public UserDdfInputType()
    {
        Name = "UserDdfInput";
        Field(x => x.Key, typeof(NonNullGraphType<StringGraphType>)).Description("The custom field's key.");
        Field(x => x.Value, typeof(NonNullGraphType<StringGraphType>)).Description("The custom field's value.");
    }
}

/// <summary>The profile given at registration; Core refuses admin-only fields (email, phone) when they are supplied.</summary>
public sealed record RegisterProfile : ProfileFieldsInput
{
    public Optional<string?> Ip { get; init; }
    public Optional<string?> Phone { get; init; }
    public Optional<string?> Email { get; init; }
    public Optional<string?> Oauth { get; init; }
    public Optional<List<UserDdfInput>?> Udf { get; init; }
}

public sealed class RegisterProfileInputType : PartialInputObjectGraphType<RegisterProfile>
{
    public RegisterProfileInputType()
    {
        Name = "RegisterProfile";
        Field(x => x.Ip, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        Field(x => x.Phone, typeof(StringGraphType)).Description("Refused when supplied: a phone is registered through registerByPhoneCode.");
        Field(x => x.Email, typeof(StringGraphType)).Description("Refused when supplied: the email is the register input's own.");
        Field(x => x.Oauth, typeof(StringGraphType)).Description("Raw profile data from an OAuth provider (JSON), kept on the user.");
        ProfileFields.AddTo(this);
        Field(x => x.Udf, typeof(ListGraphType<NonNullGraphType<UserDdfInputType>>)).Description("Custom field values: accepted for SDK compatibility and ignored (set them with setUdv after registering).");
    }
}

/// <summary>updateUser's input: a partial update, only the supplied fields change (null clears where allowed).</summary>
public sealed record UpdateUserInput : ProfileFieldsInput
{
    public Optional<string?> Email { get; init; }
    public Optional<string?> Unionid { get; init; }
    public Optional<string?> Openid { get; init; }
    public Optional<bool?> EmailVerified { get; init; }
    public Optional<string?> Phone { get; init; }
    public Optional<bool?> PhoneVerified { get; init; }
    public Optional<string?> Password { get; init; }
    public Optional<string?> Oauth { get; init; }
    public Optional<string?> TokenExpiredAt { get; init; }
    public Optional<int?> LoginsCount { get; init; }
    public Optional<string?> LastLogin { get; init; }
    public Optional<string?> LastIP { get; init; }
    public Optional<bool?> Blocked { get; init; }
    public Optional<string?> ExternalId { get; init; }
}

public sealed class UpdateUserInputType : PartialInputObjectGraphType<UpdateUserInput>
{
    public UpdateUserInputType()
    {
        Name = "UpdateUserInput";
        Field(x => x.Email, typeof(StringGraphType)).Description("Admin only: the email (case-insensitive, unique in the pool); null removes it.");
        Field(x => x.Unionid, typeof(StringGraphType)).Description("Admin only: the WeChat unionid.");
        Field(x => x.Openid, typeof(StringGraphType)).Description("Admin only: the WeChat openid.");
        Field(x => x.EmailVerified, typeof(BooleanGraphType)).Description("Admin only: whether the email is verified.");
        Field(x => x.Phone, typeof(StringGraphType)).Description("Admin only: the phone number, unique in the pool (+86 unless it starts with +country code); null removes it.");
        Field(x => x.PhoneVerified, typeof(BooleanGraphType)).Description("Admin only: whether the phone is verified.");
        Field(x => x.Password, typeof(StringGraphType)).Description("Admin only: a new password, checked against the pool's password policy.");
        Field(x => x.Oauth, typeof(StringGraphType)).Description("Admin only: raw profile data from an OAuth provider (JSON).");
        Field(x => x.TokenExpiredAt, typeof(StringGraphType)).Description("Admin only: a time (ISO 8601); one at or before now ends every session of the user.");
        Field(x => x.LoginsCount, typeof(IntGraphType)).Description("Admin only: the number of logins.");
        Field(x => x.LastLogin, typeof(StringGraphType)).Description("Admin only: the last login time (ISO 8601).");
        Field(x => x.LastIP, typeof(StringGraphType)).Description("Admin only: the IP of the last login.");
        Field(x => x.Blocked, typeof(BooleanGraphType)).Description("Admin only: true blocks the user (status Suspended, every session ends); false reactivates.");
        Field(x => x.ExternalId, typeof(StringGraphType)).Description("Admin only: the user's id in an external system.");
        ProfileFields.AddTo(this);
    }
}

/// <summary>Common fields of the register inputs (SDK names); some are accepted for compatibility and ignored.</summary>
public abstract record RegisterInputBase
{
    public string Password { get; init; } = "";
    public RegisterProfile? Profile { get; init; }
    public bool? ForceLogin { get; init; }
    public bool? GenerateToken { get; init; }
    public string? ClientIp { get; init; }
    public string? Params { get; init; }
    public string? Context { get; init; }
    public string? PhoneToken { get; init; }
    public string? EmailToken { get; init; }

    /// <summary>The SDK's forceLogin / generateToken: register and return a session token at once.</summary>
    public bool IssueToken => ForceLogin == true || GenerateToken == true;
}

internal static class RegisterFields
{
    public static void AddTo<T>(InputObjectGraphType<T> type) where T : RegisterInputBase
    {
        type.Field(x => x.Password, typeof(NonNullGraphType<StringGraphType>)).Description("The password (plain, or encrypted with the pool's public key as the SDKs send it); the pool's password policy applies.");
        type.Field(x => x.Profile, typeof(RegisterProfileInputType)).Description("Profile fields of the new user.");
        type.Field(x => x.ForceLogin, typeof(BooleanGraphType)).Description("Also sign the new user in: the answer carries a token (unless the pool requires a verified email first).");
        type.Field(x => x.GenerateToken, typeof(BooleanGraphType)).Description("Same as forceLogin (the SDK's other name).");
        type.Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        type.Field(x => x.Params, typeof(StringGraphType)).Description("Custom data as JSON: accepted for SDK compatibility and ignored. (set it with setUdv).");
        type.Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
        type.Field(x => x.PhoneToken, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        type.Field(x => x.EmailToken, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
    }
}

public sealed record RegisterByEmailInput : RegisterInputBase
{
    public string Email { get; init; } = "";
}

public sealed class RegisterByEmailInputType : InputObjectGraphType<RegisterByEmailInput>
{
    public RegisterByEmailInputType()
    {
        Name = "RegisterByEmailInput";
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>)).Description("The email address: case-insensitive, unique in the pool.");
        RegisterFields.AddTo(this);
    }
}

public sealed record RegisterByUsernameInput : RegisterInputBase
{
    public string Username { get; init; } = "";
}

public sealed class RegisterByUsernameInputType : InputObjectGraphType<RegisterByUsernameInput>
{
    public RegisterByUsernameInputType()
    {
        Name = "RegisterByUsernameInput";
        Field(x => x.Username, typeof(NonNullGraphType<StringGraphType>)).Description("The username: unique in the pool ignoring case, width (NFKC) and look-alike characters (UTS #39).");
        RegisterFields.AddTo(this);
    }
}

/// <summary>Common fields of the password login inputs (SDK names).</summary>
public abstract record LoginInputBase
{
    public string Password { get; init; } = "";
    public string? CaptchaCode { get; init; }
    public bool? AutoRegister { get; init; }
    public string? ClientIp { get; init; }
    public string? Params { get; init; }
    public string? Context { get; init; }
}

internal static class LoginFields
{
    public static void AddTo<T>(InputObjectGraphType<T> type) where T : LoginInputBase
    {
        type.Field(x => x.Password, typeof(NonNullGraphType<StringGraphType>)).Description("The password (plain, or encrypted with the pool's public key as the SDKs send it).");
        type.Field(x => x.CaptchaCode, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored. Repeated failures are throttled instead.");
        type.Field(x => x.AutoRegister, typeof(BooleanGraphType)).Description("Log in or register: an account that does not exist is registered with this password (same checks and quotas as register*) and signed in. An existing account only logs in.");
        type.Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        type.Field(x => x.Params, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        type.Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
    }
}

public sealed record LoginByEmailInput : LoginInputBase
{
    public string Email { get; init; } = "";
}

public sealed class LoginByEmailInputType : InputObjectGraphType<LoginByEmailInput>
{
    public LoginByEmailInputType()
    {
        Name = "LoginByEmailInput";
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>)).Description("The account's email (case-insensitive).");
        LoginFields.AddTo(this);
    }
}

public sealed record LoginByUsernameInput : LoginInputBase
{
    public string Username { get; init; } = "";
}

public sealed class LoginByUsernameInputType : InputObjectGraphType<LoginByUsernameInput>
{
    public LoginByUsernameInputType()
    {
        Name = "LoginByUsernameInput";
        Field(x => x.Username, typeof(NonNullGraphType<StringGraphType>)).Description("The account's username (case and width are ignored).");
        LoginFields.AddTo(this);
    }
}

public sealed record LoginByPhonePasswordInput : LoginInputBase
{
    public string Phone { get; init; } = "";
    public string? PhoneCountryCode { get; init; }
}

public sealed class LoginByPhonePasswordInputType : InputObjectGraphType<LoginByPhonePasswordInput>
{
    public LoginByPhonePasswordInputType()
    {
        Name = "LoginByPhonePasswordInput";
        Field(x => x.Phone, typeof(NonNullGraphType<StringGraphType>)).Description("The account's phone number.");
        Field(x => x.PhoneCountryCode, typeof(StringGraphType)).Description("The phone's country calling code; +86 when omitted.");
        LoginFields.AddTo(this);
    }
}
