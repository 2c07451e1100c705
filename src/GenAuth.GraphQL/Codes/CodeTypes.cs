using GenAuth.Core.Users;
using GenAuth.Core.Codes;
using GenAuth.GraphQL.Users;
using GraphQL.Types;

namespace GenAuth.GraphQL.Codes;

/// <summary>The SDK's EmailScene, every value it declares.</summary>
public sealed class EmailSceneEnum : EnumerationGraphType
{
    public EmailSceneEnum()
    {
        Name = "EmailScene";
        foreach (var value in new[]
                 {
                     "RESET_PASSWORD", "RESET_PASSWORD_VERIFY_CODE", "VERIFY_EMAIL", "FIRST_EMAIL_LOGIN_VERIFY",
                     "CONSOLE_CONDUCTED_VERIFY", "CHANGE_EMAIL", "EMAIL_BIND_VERIFY_CODE", "EMAIL_UNBIND_VERIFY_CODE",
                     "MFA_VERIFY", "VERIFY_CODE", "REGISTER_VERIFY_CODE", "LOGIN_VERIFY_CODE", "MFA_VERIFY_CODE",
                     "INFORMATION_COMPLETION_VERIFY_CODE",
                 })
            Add(value, value);
    }
}

public sealed record RegisterByPhoneCodeInput(string Phone, string Code, string? PhoneCountryCode, string? Password, RegisterProfile? Profile,
    bool? ForceLogin, bool? GenerateToken, string? ClientIp, string? Params, string? Context, string? EmailToken)
{
    /// <summary>The SDK's forceLogin / generateToken: register and return a session token at once.</summary>
    public bool IssueToken => ForceLogin == true || GenerateToken == true;
}

public sealed class RegisterByPhoneCodeInputType : InputObjectGraphType<RegisterByPhoneCodeInput>
{
    public RegisterByPhoneCodeInputType()
    {
        Name = "RegisterByPhoneCodeInput";
        Field(x => x.Phone, typeof(NonNullGraphType<StringGraphType>)).Description("The phone number to register.");
        Field(x => x.Code, typeof(NonNullGraphType<StringGraphType>)).Description("The SMS code sent by sendSmsCode.");
        Field(x => x.PhoneCountryCode, typeof(StringGraphType)).Description("The phone's country calling code; +86 when omitted.");
        Field(x => x.Password, typeof(StringGraphType)).Description("An optional password; the pool's password policy applies.");
        Field(x => x.Profile, typeof(RegisterProfileInputType)).Description("Profile fields of the new user.");
        Field(x => x.ForceLogin, typeof(BooleanGraphType)).Description("Also sign the new user in: the answer carries a token.");
        Field(x => x.GenerateToken, typeof(BooleanGraphType)).Description("Same as forceLogin (the SDK's other name).");
        Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        Field(x => x.Params, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
        Field(x => x.EmailToken, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
    }
}

public sealed record RegisterByEmailCodeInput(string Email, string Code, RegisterProfile? Profile, bool? ForceLogin, bool? GenerateToken,
    string? ClientIp, string? Params, string? Context, string? PhoneToken)
{
    /// <summary>The SDK's forceLogin / generateToken: register and return a session token at once.</summary>
    public bool IssueToken => ForceLogin == true || GenerateToken == true;
}

public sealed class RegisterByEmailCodeInputType : InputObjectGraphType<RegisterByEmailCodeInput>
{
    public RegisterByEmailCodeInputType()
    {
        Name = "RegisterByEmailCodeInput";
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>)).Description("The email address to register (case-insensitive, unique in the pool).");
        Field(x => x.Code, typeof(NonNullGraphType<StringGraphType>)).Description("The code sent by sendEmail(VERIFY_CODE).");
        Field(x => x.Profile, typeof(RegisterProfileInputType)).Description("Profile fields of the new user.");
        Field(x => x.ForceLogin, typeof(BooleanGraphType)).Description("Also sign the new user in: the answer carries a token.");
        Field(x => x.GenerateToken, typeof(BooleanGraphType)).Description("Same as forceLogin (the SDK's other name).");
        Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        Field(x => x.Params, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
        Field(x => x.PhoneToken, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
    }
}

public sealed record LoginByPhoneCodeInput(string Phone, string Code, string? PhoneCountryCode, bool? AutoRegister, string? ClientIp,
    string? Params, string? Context);

public sealed class LoginByPhoneCodeInputType : InputObjectGraphType<LoginByPhoneCodeInput>
{
    public LoginByPhoneCodeInputType()
    {
        Name = "LoginByPhoneCodeInput";
        Field(x => x.Phone, typeof(NonNullGraphType<StringGraphType>)).Description("The phone number.");
        Field(x => x.Code, typeof(NonNullGraphType<StringGraphType>)).Description("The SMS code sent by sendSmsCode.");
        Field(x => x.PhoneCountryCode, typeof(StringGraphType)).Description("The phone's country calling code; +86 when omitted.");
        Field(x => x.AutoRegister, typeof(BooleanGraphType)).Description("Accepted for SDK compatibility and ignored. An unknown number is registered when the pool allows registration.");
        Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        Field(x => x.Params, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
    }
}

public sealed record LoginByEmailCodeInput(string Email, string Code, string? ClientIp, string? Params, string? Context);

public sealed class LoginByEmailCodeInputType : InputObjectGraphType<LoginByEmailCodeInput>
{
    public LoginByEmailCodeInputType()
    {
        Name = "LoginByEmailCodeInput";
        Field(x => x.Email, typeof(NonNullGraphType<StringGraphType>)).Description("The account's email (case-insensitive).");
        Field(x => x.Code, typeof(NonNullGraphType<StringGraphType>)).Description("The code sent by sendEmail(VERIFY_CODE).");
        Field(x => x.ClientIp, typeof(StringGraphType)).Description("The client IP: accepted for SDK compatibility and ignored.");
        Field(x => x.Params, typeof(StringGraphType)).Description("Accepted for SDK compatibility and ignored.");
        Field(x => x.Context, typeof(StringGraphType)).Description("Pipeline context: accepted for SDK compatibility and ignored.");
    }
}
