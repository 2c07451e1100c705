using GenAuth.Core.Users;
using GenAuth.Core.Profile;
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

public sealed class RegisterByPhoneCodeInputType : InputObjectGraphType
{
    public RegisterByPhoneCodeInputType()
    {
        Name = "RegisterByPhoneCodeInput";
        Field<NonNullGraphType<StringGraphType>>("phone");
        Field<NonNullGraphType<StringGraphType>>("code");
        Field<StringGraphType>("phoneCountryCode");
        Field<StringGraphType>("password");
        Field<RegisterProfileInputType>("profile");
        Field<BooleanGraphType>("forceLogin");
        Field<BooleanGraphType>("generateToken");
        Field<StringGraphType>("clientIp");
        Field<StringGraphType>("params");
        Field<StringGraphType>("context");
        Field<StringGraphType>("emailToken");
    }
}

public sealed class RegisterByEmailCodeInputType : InputObjectGraphType
{
    public RegisterByEmailCodeInputType()
    {
        Name = "RegisterByEmailCodeInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<StringGraphType>>("code");
        Field<RegisterProfileInputType>("profile");
        Field<BooleanGraphType>("forceLogin");
        Field<BooleanGraphType>("generateToken");
        Field<StringGraphType>("clientIp");
        Field<StringGraphType>("params");
        Field<StringGraphType>("context");
        Field<StringGraphType>("phoneToken");
    }
}

public sealed class LoginByPhoneCodeInputType : InputObjectGraphType
{
    public LoginByPhoneCodeInputType()
    {
        Name = "LoginByPhoneCodeInput";
        Field<NonNullGraphType<StringGraphType>>("phone");
        Field<NonNullGraphType<StringGraphType>>("code");
        Field<StringGraphType>("phoneCountryCode");
        Field<BooleanGraphType>("autoRegister");
        Field<StringGraphType>("clientIp");
        Field<StringGraphType>("params");
        Field<StringGraphType>("context");
    }
}

public sealed class LoginByEmailCodeInputType : InputObjectGraphType
{
    public LoginByEmailCodeInputType()
    {
        Name = "LoginByEmailCodeInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<StringGraphType>>("code");
        Field<StringGraphType>("clientIp");
        Field<StringGraphType>("params");
        Field<StringGraphType>("context");
    }
}

public sealed class SecurityLevelType : ObjectGraphType<SecurityLevel>
{
    public SecurityLevelType()
    {
        Name = "SecurityLevel";
        Description = "How well the signed-in account is protected (score 0-100).";
        Field<NonNullGraphType<IntGraphType>>("score").Resolve(c => c.Source.Score);
        Field<NonNullGraphType<BooleanGraphType>>("email").Resolve(c => c.Source.Email);
        Field<NonNullGraphType<BooleanGraphType>>("phone").Resolve(c => c.Source.Phone);
        Field<NonNullGraphType<BooleanGraphType>>("password").Resolve(c => c.Source.Password);
        Field<IntGraphType>("passwordSecurityLevel").Description("1 low, 2 middle, 3 high; null when never measured.")
            .Resolve(c => c.Source.PasswordSecurityLevel);
        Field<NonNullGraphType<BooleanGraphType>>("mfa").Resolve(c => c.Source.Mfa);
    }
}

public sealed class UploadedFileType : ObjectGraphType<UploadedFile>
{
    public UploadedFileType()
    {
        Name = "UploadedFile";
        Field<NonNullGraphType<StringGraphType>>("key").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("url").Resolve(c => c.Source.Url);
    }
}
