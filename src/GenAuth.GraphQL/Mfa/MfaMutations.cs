using GenAuth.Core.Mfa;
using GenAuth.Core.SignIn;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Mfa;

/// <summary>MFA enrolment (GenAuth V3 names) and the second step of a login answered with 1635.</summary>
public sealed class MfaMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<SendEnrollFactorRequestPayloadType>>("sendEnrollFactorRequest")
            .LimitPerRequest(PerRequest.Send)
            .PublicAccess()
            .Description("Starts enrolling a factor: OTP answers the QR code and a recovery code; SMS and EMAIL send a code. "
                         + "With mfaToken (a 1635 answer with needEnroll), for the user of that login instead of the caller.")
            .Argument<NonNullGraphType<FactorTypeEnum>>("factorType")
            .Argument<FactorProfileInputType>("profile")
            .Argument<StringGraphType>("mfaToken")
            .ResolveAsync(async c =>
            {
                var profile = c.GetArgument<FactorProfileInput?>("profile");
                var (type, phone, code, email) = (c.GetArgument<string>("factorType"), profile?.PhoneNumber, profile?.PhoneCountryCode,
                    profile?.Email);
                return c.GetArgument<string?>("mfaToken") is { } mfaToken
                    ? await c.Service<MfaLoginService>().SendEnrollFactorRequestAsync(mfaToken, type, phone, code, email, c.CancellationToken)
                    : await c.Service<MfaEnrollmentService>().SendEnrollFactorRequestAsync(type, phone, code, email, c.CancellationToken);
            });
        m.Field<NonNullGraphType<EnrollFactorPayloadType>>("enrollFactor")
            .PublicAccess()
            .Description("Enrols the factor of an enrollmentToken with its code. With mfaToken this also completes that login: "
                         + "the answer's user carries the token.")
            .Argument<NonNullGraphType<StringGraphType>>("enrollmentToken")
            .Argument<NonNullGraphType<EnrollmentDataInputType>>("enrollmentData")
            .Argument<FactorTypeEnum>("factorType")
            .Argument<StringGraphType>("mfaToken")
            .ResolveAsync(async c =>
            {
                var data = c.GetArgument<EnrollmentDataInput>("enrollmentData");
                var (token, passCode, type) = (c.GetArgument<string>("enrollmentToken"), data.PassCode, c.GetArgument<string?>("factorType"));
                return c.GetArgument<string?>("mfaToken") is { } mfaToken
                    ? await c.Service<MfaLoginService>().EnrollFactorAsync(mfaToken, token, passCode, type, c.CancellationToken).RequireSignedIn()
                    : new EnrolledFactor(await c.Service<MfaEnrollmentService>().EnrollFactorAsync(token, passCode, type,
                        c.CancellationToken), null);
            });
        m.Field<NonNullGraphType<CommonMessageType>>("resetFactor")
            .UserAccess()
            .Description("Removes one of the caller's factors; needs a login of the last 5 minutes, and for an SMS or email factor a code sent to it (sendSmsCode with scene mfa-verify, sendEmail with MFA_VERIFY).")
            .Argument<NonNullGraphType<StringGraphType>>("factorId")
            .Argument<StringGraphType>("passCode", "For an SMS or email factor: a code sent to that phone or email (wrong or missing: 2001).")
            .ResolveAsync(async c =>
            {
                await c.Service<MfaEnrollmentService>().ResetFactorAsync(c.GetArgument<string>("factorId"), c.CancellationToken,
                    c.GetArgument<string?>("passCode"));
                return new CommonMessage(200, "ok");
            });

        m.Field<NonNullGraphType<UserType>>("verifyTotpMfa")
            .PublicAccess()
            .Description("Completes a login answered with 1635 using the authenticator app's code.")
            .Argument<NonNullGraphType<StringGraphType>>("mfaToken")
            .Argument<NonNullGraphType<StringGraphType>>("totp")
            .ResolveAsync(async c => await c.Service<MfaLoginService>().VerifyTotpAsync(c.GetArgument<string>("mfaToken"),
                c.GetArgument<string>("totp"), c.CancellationToken).RequireSignedIn());
        m.Field<NonNullGraphType<UserType>>("verifySmsMfa")
            .PublicAccess()
            .Description("Completes a login answered with 1635 using a code sent to the enrolled phone.")
            .Argument<NonNullGraphType<StringGraphType>>("mfaToken")
            .Argument<StringGraphType>("phone")
            .Argument<StringGraphType>("phoneCountryCode")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<MfaLoginService>().VerifySmsAsync(c.GetArgument<string>("mfaToken"),
                c.GetArgument<string?>("phone"), c.GetArgument<string?>("phoneCountryCode"), c.GetArgument<string>("code"),
                c.CancellationToken).RequireSignedIn());
        m.Field<NonNullGraphType<UserType>>("verifyEmailMfa")
            .PublicAccess()
            .Description("Completes a login answered with 1635 using a code sent to the enrolled email.")
            .Argument<NonNullGraphType<StringGraphType>>("mfaToken")
            .Argument<StringGraphType>("email")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .ResolveAsync(async c => await c.Service<MfaLoginService>().VerifyEmailAsync(c.GetArgument<string>("mfaToken"),
                c.GetArgument<string?>("email"), c.GetArgument<string>("code"), c.CancellationToken).RequireSignedIn());
        m.Field<NonNullGraphType<MfaRecoveryPayloadType>>("verifyRecoveryCode")
            .PublicAccess()
            .Description("Completes a login answered with 1635 with the OTP factor's recovery code, which is replaced.")
            .Argument<NonNullGraphType<StringGraphType>>("mfaToken")
            .Argument<NonNullGraphType<StringGraphType>>("recoveryCode")
            .ResolveAsync(async c => await c.Service<MfaLoginService>().VerifyRecoveryCodeAsync(c.GetArgument<string>("mfaToken"),
                c.GetArgument<string>("recoveryCode"), c.CancellationToken).RequireSignedIn());
    }
}
