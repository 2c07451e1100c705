using GenAuth.Core.SignIn;
using GenAuth.Core.Codes;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Codes;

/// <summary>Codes: sending, code login and registration, password recovery (SDK operation names and arguments).</summary>
public sealed class CodeMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<CommonMessageType>("sendSmsCode")
            .LimitPerRequest(PerRequest.Send)
            .PublicAccess()
            .Description("Sends a verification code by SMS (default country code +86). At most one send per number a minute.")
            .Argument<NonNullGraphType<StringGraphType>>("phone")
            .Argument<StringGraphType>("phoneCountryCode")
            .Argument<StringGraphType>("scene", "login, register, reset, bind, unbind, ...; none: usable by every phone flow")
            .ResolveAsync(async c =>
            {
                await c.Service<CodeSender>().SendSmsCodeAsync(c.GetArgument<string>("phone"), c.GetArgument<string?>("phoneCountryCode"),
                    c.GetArgument<string?>("scene"), c.CancellationToken);
                return Sent(c);
            });
        m.Field<CommonMessageType>("sendEmail")
            .LimitPerRequest(PerRequest.Send)
            .PublicAccess()
            .Description("Sends a code (VERIFY_CODE, RESET_PASSWORD, CHANGE_EMAIL, MFA_VERIFY, ...) or a verification link (VERIFY_EMAIL).")
            .Argument<NonNullGraphType<StringGraphType>>("email")
            .Argument<NonNullGraphType<EmailSceneEnum>>("scene")
            .ResolveAsync(async c =>
            {
                await c.Service<CodeSender>().SendEmailAsync(c.GetArgument<string>("email"), c.GetArgument<string>("scene"),
                    c.CancellationToken);
                return Sent(c);
            });

        m.Field<UserType>("registerByPhoneCode")
            .LimitPerRequest(PerRequest.Register)

            .PublicAccess()
            .Description("Registers with a phone number and an SMS code (phoneVerified true); the password is optional.")
            .Argument<NonNullGraphType<RegisterByPhoneCodeInputType>>("input")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<RegisterByPhoneCodeInput>("input");
                return await c.Service<CodeLoginService>().RegisterByPhoneCodeAsync(i.Phone, i.PhoneCountryCode, i.Code, i.Password,
                    i.Profile?.ToProfileInput(), i.IssueToken, c.CancellationToken).RequireSignedIn();
            });
        m.Field<UserType>("registerByEmailCode")
            .LimitPerRequest(PerRequest.Register)
            .PublicAccess()
            .Description("Registers with an email address and a code sent by sendEmail(VERIFY_CODE) (emailVerified true).")
            .Argument<NonNullGraphType<RegisterByEmailCodeInputType>>("input")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<RegisterByEmailCodeInput>("input");
                return await c.Service<CodeLoginService>().RegisterByEmailCodeAsync(i.Email, i.Code, i.Profile?.ToProfileInput(),
                    i.IssueToken, c.CancellationToken).RequireSignedIn();
            });
        m.Field<UserType>("loginByPhoneCode")
            .LimitPerRequest(PerRequest.Register)
            .PublicAccess()
            .Description("Logs in with an SMS code; an unknown number is registered when the pool allows registration.")
            .Argument<NonNullGraphType<LoginByPhoneCodeInputType>>("input")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<LoginByPhoneCodeInput>("input");
                return await c.Service<CodeLoginService>().LoginByPhoneCodeAsync(i.Phone, i.PhoneCountryCode, i.Code, c.CancellationToken).RequireSignedIn();
            });
        m.Field<UserType>("loginByEmailCode")
            .PublicAccess()
            .Description("Logs in with a code sent by sendEmail(VERIFY_CODE).")
            .Argument<NonNullGraphType<LoginByEmailCodeInputType>>("input")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<LoginByEmailCodeInput>("input");
                return await c.Service<CodeLoginService>().LoginByEmailCodeAsync(i.Email, i.Code, c.CancellationToken).RequireSignedIn();
            });

        m.Field<CommonMessageType>("resetPassword")

            .PublicAccess()
            .Description("Resets a password with a code sent to the phone (sendSmsCode) or the email (sendEmail RESET_PASSWORD); ends all sessions.")
            .Argument<StringGraphType>("phone")
            .Argument<StringGraphType>("phoneCountryCode")
            .Argument<StringGraphType>("email")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Argument<NonNullGraphType<StringGraphType>>("newPassword")
            .ResolveAsync(async c =>
            {
                await c.Service<PasswordResetService>().ResetByCodeAsync(c.GetArgument<string?>("phone"),
                    c.GetArgument<string?>("phoneCountryCode"), c.GetArgument<string?>("email"), c.GetArgument<string>("code"),
                    c.GetArgument<string>("newPassword"), c.CancellationToken);
                return Reset(c);
            });
        m.Field<CommonMessageType>("resetPasswordByFirstLoginToken")
            .PublicAccess()
            .Description("Sets the password with the token a first login answered (users an admin created with reset-on-first-login).")
            .Argument<NonNullGraphType<StringGraphType>>("token")
            .Argument<NonNullGraphType<StringGraphType>>("password")
            .ResolveAsync(async c =>
            {
                await c.Service<PasswordResetService>().ResetByFirstLoginTokenAsync(c.GetArgument<string>("token"),
                    c.GetArgument<string>("password"), c.CancellationToken);
                return Reset(c);
            });
        m.Field<CommonMessageType>("resetPasswordByForceResetToken")
            .PublicAccess()
            .Description("Changes the password with the token a force-reset login answered; the old password is required.")
            .Argument<NonNullGraphType<StringGraphType>>("token")
            .Argument<NonNullGraphType<StringGraphType>>("oldPassword")
            .Argument<NonNullGraphType<StringGraphType>>("newPassword")
            .ResolveAsync(async c =>
            {
                await c.Service<PasswordResetService>().ResetByForceResetTokenAsync(c.GetArgument<string>("token"),
                    c.GetArgument<string>("oldPassword"), c.GetArgument<string>("newPassword"), c.CancellationToken);
                return Reset(c);
            });
    }

    private static CommonMessage Sent(IResolveFieldContext c) => new(200, c.IsEnglish() ? "Sent" : "发送成功");
    private static CommonMessage Reset(IResolveFieldContext c) => new(200, c.IsEnglish() ? "Password reset" : "重置密码成功");

}
