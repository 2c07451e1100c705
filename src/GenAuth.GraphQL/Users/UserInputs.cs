using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>The profile fields shared by RegisterProfile and UpdateUserInput (all optional strings).</summary>
internal static class ProfileFields
{
    public static readonly string[] Names =
    [
        "username", "nickname", "company", "photo", "device", "browser", "name", "givenName", "familyName", "middleName",
        "profile", "preferredUsername", "website", "gender", "birthdate", "zoneinfo", "locale", "address", "formatted",
        "streetAddress", "locality", "region", "postalCode", "city", "province", "country",
    ];

    public static void AddTo(InputObjectGraphType type)
    {
        foreach (var name in Names)
            type.Field<StringGraphType>(name);
    }
}

public sealed class UserDdfInputType : InputObjectGraphType
{
    public UserDdfInputType()
    {
        Name = "UserDdfInput";
        Field<NonNullGraphType<StringGraphType>>("key");
        Field<NonNullGraphType<StringGraphType>>("value");
    }
}

public sealed class RegisterProfileInputType : InputObjectGraphType
{
    public RegisterProfileInputType()
    {
        Name = "RegisterProfile";
        Field<StringGraphType>("ip");
        Field<StringGraphType>("phone");
        Field<StringGraphType>("email");
        Field<StringGraphType>("oauth");
        ProfileFields.AddTo(this);
        Field<ListGraphType<NonNullGraphType<UserDdfInputType>>>("udf");
    }
}

public sealed class UpdateUserInputType : InputObjectGraphType
{
    public UpdateUserInputType()
    {
        Name = "UpdateUserInput";
        Field<StringGraphType>("email");
        Field<StringGraphType>("unionid");
        Field<StringGraphType>("openid");
        Field<BooleanGraphType>("emailVerified");
        Field<StringGraphType>("phone");
        Field<BooleanGraphType>("phoneVerified");
        Field<StringGraphType>("password");
        Field<StringGraphType>("oauth");
        Field<StringGraphType>("tokenExpiredAt");
        Field<IntGraphType>("loginsCount");
        Field<StringGraphType>("lastLogin");
        Field<StringGraphType>("lastIP");
        Field<BooleanGraphType>("blocked");
        Field<StringGraphType>("externalId");
        ProfileFields.AddTo(this);
    }
}

/// <summary>Common fields of the register inputs (SDK names); some are accepted for compatibility and ignored.</summary>
internal static class RegisterFields
{
    public static void AddTo(InputObjectGraphType type)
    {
        type.Field<NonNullGraphType<StringGraphType>>("password");
        type.Field<RegisterProfileInputType>("profile");
        type.Field<BooleanGraphType>("forceLogin");
        type.Field<BooleanGraphType>("generateToken");
        type.Field<StringGraphType>("clientIp");
        type.Field<StringGraphType>("params");
        type.Field<StringGraphType>("context");
        type.Field<StringGraphType>("phoneToken");
        type.Field<StringGraphType>("emailToken");
    }
}

public sealed class RegisterByEmailInputType : InputObjectGraphType
{
    public RegisterByEmailInputType()
    {
        Name = "RegisterByEmailInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        RegisterFields.AddTo(this);
    }
}

public sealed class RegisterByUsernameInputType : InputObjectGraphType
{
    public RegisterByUsernameInputType()
    {
        Name = "RegisterByUsernameInput";
        Field<NonNullGraphType<StringGraphType>>("username");
        RegisterFields.AddTo(this);
    }
}

/// <summary>Common fields of the password login inputs (SDK names).</summary>
internal static class LoginFields
{
    public static void AddTo(InputObjectGraphType type)
    {
        type.Field<NonNullGraphType<StringGraphType>>("password");
        type.Field<StringGraphType>("captchaCode");
        type.Field<BooleanGraphType>("autoRegister");
        type.Field<StringGraphType>("clientIp");
        type.Field<StringGraphType>("params");
        type.Field<StringGraphType>("context");
    }
}

public sealed class LoginByEmailInputType : InputObjectGraphType
{
    public LoginByEmailInputType()
    {
        Name = "LoginByEmailInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        LoginFields.AddTo(this);
    }
}

public sealed class LoginByUsernameInputType : InputObjectGraphType
{
    public LoginByUsernameInputType()
    {
        Name = "LoginByUsernameInput";
        Field<NonNullGraphType<StringGraphType>>("username");
        LoginFields.AddTo(this);
    }
}

public sealed class LoginByPhonePasswordInputType : InputObjectGraphType
{
    public LoginByPhonePasswordInputType()
    {
        Name = "LoginByPhonePasswordInput";
        Field<NonNullGraphType<StringGraphType>>("phone");
        Field<StringGraphType>("phoneCountryCode");
        LoginFields.AddTo(this);
    }
}
