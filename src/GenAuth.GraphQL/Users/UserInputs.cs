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
        type.Field(x => x.Username, typeof(StringGraphType));
        type.Field(x => x.Nickname, typeof(StringGraphType));
        type.Field(x => x.Company, typeof(StringGraphType));
        type.Field(x => x.Photo, typeof(StringGraphType));
        type.Field(x => x.Device, typeof(StringGraphType));
        type.Field(x => x.Browser, typeof(StringGraphType));
        type.Field(x => x.Name, typeof(StringGraphType));
        type.Field(x => x.GivenName, typeof(StringGraphType));
        type.Field(x => x.FamilyName, typeof(StringGraphType));
        type.Field(x => x.MiddleName, typeof(StringGraphType));
        type.Field(x => x.Profile, typeof(StringGraphType));
        type.Field(x => x.PreferredUsername, typeof(StringGraphType));
        type.Field(x => x.Website, typeof(StringGraphType));
        type.Field(x => x.Gender, typeof(StringGraphType));
        type.Field(x => x.Birthdate, typeof(StringGraphType));
        type.Field(x => x.Zoneinfo, typeof(StringGraphType));
        type.Field(x => x.Locale, typeof(StringGraphType));
        type.Field(x => x.Address, typeof(StringGraphType));
        type.Field(x => x.Formatted, typeof(StringGraphType));
        type.Field(x => x.StreetAddress, typeof(StringGraphType));
        type.Field(x => x.Locality, typeof(StringGraphType));
        type.Field(x => x.Region, typeof(StringGraphType));
        type.Field(x => x.PostalCode, typeof(StringGraphType));
        type.Field(x => x.City, typeof(StringGraphType));
        type.Field(x => x.Province, typeof(StringGraphType));
        type.Field(x => x.Country, typeof(StringGraphType));
    }
}

public sealed record UserDdfInput(string Key, string Value);

public sealed class UserDdfInputType : InputObjectGraphType<UserDdfInput>
{
    public UserDdfInputType()
    {
        Name = "UserDdfInput";
        Field(x => x.Key, typeof(NonNullGraphType<StringGraphType>));
        Field(x => x.Value, typeof(NonNullGraphType<StringGraphType>));
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
        Field(x => x.Ip, typeof(StringGraphType));
        Field(x => x.Phone, typeof(StringGraphType));
        Field(x => x.Email, typeof(StringGraphType));
        Field(x => x.Oauth, typeof(StringGraphType));
        ProfileFields.AddTo(this);
        Field(x => x.Udf, typeof(ListGraphType<NonNullGraphType<UserDdfInputType>>));
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
        Field(x => x.Email, typeof(StringGraphType));
        Field(x => x.Unionid, typeof(StringGraphType));
        Field(x => x.Openid, typeof(StringGraphType));
        Field(x => x.EmailVerified, typeof(BooleanGraphType));
        Field(x => x.Phone, typeof(StringGraphType));
        Field(x => x.PhoneVerified, typeof(BooleanGraphType));
        Field(x => x.Password, typeof(StringGraphType));
        Field(x => x.Oauth, typeof(StringGraphType));
        Field(x => x.TokenExpiredAt, typeof(StringGraphType));
        Field(x => x.LoginsCount, typeof(IntGraphType));
        Field(x => x.LastLogin, typeof(StringGraphType));
        Field(x => x.LastIP, typeof(StringGraphType));
        Field(x => x.Blocked, typeof(BooleanGraphType));
        Field(x => x.ExternalId, typeof(StringGraphType));
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
        type.Field(x => x.Password, typeof(NonNullGraphType<StringGraphType>));
        type.Field(x => x.Profile, typeof(RegisterProfileInputType));
        type.Field(x => x.ForceLogin, typeof(BooleanGraphType));
        type.Field(x => x.GenerateToken, typeof(BooleanGraphType));
        type.Field(x => x.ClientIp, typeof(StringGraphType));
        type.Field(x => x.Params, typeof(StringGraphType));
        type.Field(x => x.Context, typeof(StringGraphType));
        type.Field(x => x.PhoneToken, typeof(StringGraphType));
        type.Field(x => x.EmailToken, typeof(StringGraphType));
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
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>));
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
        Field(x => x.Username, typeof(NonNullGraphType<StringGraphType>));
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
        type.Field(x => x.Password, typeof(NonNullGraphType<StringGraphType>));
        type.Field(x => x.CaptchaCode, typeof(StringGraphType));
        type.Field(x => x.AutoRegister, typeof(BooleanGraphType));
        type.Field(x => x.ClientIp, typeof(StringGraphType));
        type.Field(x => x.Params, typeof(StringGraphType));
        type.Field(x => x.Context, typeof(StringGraphType));
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
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>));
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
        Field(x => x.Username, typeof(NonNullGraphType<StringGraphType>));
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
        Field(x => x.Phone, typeof(NonNullGraphType<StringGraphType>));
        Field(x => x.PhoneCountryCode, typeof(StringGraphType));
        LoginFields.AddTo(this);
    }
}
