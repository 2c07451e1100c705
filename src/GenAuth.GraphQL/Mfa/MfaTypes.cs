using GenAuth.Core.Mfa;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL.Types;

namespace GenAuth.GraphQL.Mfa;

public sealed class FactorTypeEnum : EnumerationGraphType
{
    public FactorTypeEnum()
    {
        Name = "FactorType";
        Description = "MFA factor types (GenAuth V3). FACE is named for compatibility and refused as not supported.";
        Add(FactorTypes.Otp, FactorTypes.Otp, "TOTP authenticator app");
        Add(FactorTypes.Sms, FactorTypes.Sms, "SMS code");
        Add(FactorTypes.Email, FactorTypes.Email, "Email code");
        Add(FactorTypes.Face, FactorTypes.Face, "Face (not supported)");
    }
}

public sealed record FactorProfileInput(string? PhoneNumber, string? PhoneCountryCode, string? Email);

public sealed class FactorProfileInputType : InputObjectGraphType<FactorProfileInput>
{
    public FactorProfileInputType()
    {
        Name = "FactorProfileInput";
        Field(x => x.PhoneNumber, typeof(StringGraphType)).Description("SMS: the phone that receives the code.");
        Field(x => x.PhoneCountryCode, typeof(StringGraphType)).Description("SMS: the country calling code, +86 when omitted.");
        Field(x => x.Email, typeof(StringGraphType)).Description("EMAIL: the address that receives the code.");
    }
}

public sealed record EnrollmentDataInput(string? PassCode, string? Photo, bool? IsExternalPhoto);

public sealed class EnrollmentDataInputType : InputObjectGraphType<EnrollmentDataInput>
{
    public EnrollmentDataInputType()
    {
        Name = "EnrollmentDataInput";
        Field(x => x.PassCode, typeof(StringGraphType)).Description("The OTP, SMS or email code.");
        Field(x => x.Photo, typeof(StringGraphType)).Description("FACE only (not supported).");
        Field(x => x.IsExternalPhoto, typeof(BooleanGraphType)).Description("FACE only (not supported).");
    }
}

public sealed class OtpDataType : ObjectGraphType<OtpData>
{
    public OtpDataType()
    {
        Name = "OtpData";
        Field<NonNullGraphType<StringGraphType>>("qrCodeUri").Resolve(c => c.Source.QrCodeUri);
        Field<NonNullGraphType<StringGraphType>>("qrCodeDataUrl").Description("PNG data URL of the QR code of qrCodeUri.")
            .Resolve(c => c.Source.QrCodeDataUrl);
        Field<NonNullGraphType<StringGraphType>>("recoveryCode").Description("Shown once; it replaces the OTP once at login.")
            .Resolve(c => c.Source.RecoveryCode);
    }
}

public sealed class SendEnrollFactorRequestPayloadType : ObjectGraphType<EnrollmentRequest>
{
    public SendEnrollFactorRequestPayloadType()
    {
        Name = "SendEnrollFactorRequestPayload";
        Field<NonNullGraphType<StringGraphType>>("enrollmentToken").Description("Single use, valid 60 seconds.")
            .Resolve(c => c.Source.EnrollmentToken);
        Field<OtpDataType>("otpData").Description("OTP only.").Resolve(c => c.Source.OtpData);
    }
}

public sealed class FactorProfileType : ObjectGraphType<FactorView>
{
    public FactorProfileType()
    {
        Name = "FactorProfile";
        Field<StringGraphType>("phoneNumber").Resolve(c => c.Source.PhoneNumber);
        Field<StringGraphType>("phoneCountryCode").Resolve(c => c.Source.PhoneCountryCode);
        Field<StringGraphType>("email").Resolve(c => c.Source.Email);
    }
}

public sealed class MfaFactorType : ObjectGraphType<FactorView>
{
    public MfaFactorType()
    {
        Name = "MfaFactor";
        Field<NonNullGraphType<StringGraphType>>("factorId").Resolve(c => c.Source.FactorId);
        Field<NonNullGraphType<FactorTypeEnum>>("factorType").Resolve(c => c.Source.FactorType);
        Field<NonNullGraphType<FactorProfileType>>("profile").Resolve(c => c.Source);
        Field<NonNullGraphType<StringGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
    }
}

/// <summary>enrollFactor's answer: the factor's fields, plus the logged-in user when an mfaToken was enrolling.</summary>
public sealed class EnrollFactorPayloadType : ObjectGraphType<EnrolledFactor>
{
    public EnrollFactorPayloadType()
    {
        Name = "EnrollFactorPayload";
        Field<NonNullGraphType<StringGraphType>>("factorId").Resolve(c => c.Source.Factor.FactorId);
        Field<NonNullGraphType<FactorTypeEnum>>("factorType").Resolve(c => c.Source.Factor.FactorType);
        Field<NonNullGraphType<FactorProfileType>>("profile").Resolve(c => c.Source.Factor);
        Field<NonNullGraphType<StringGraphType>>("createdAt").Resolve(c => c.Source.Factor.CreatedAt.Iso());
        Field<UserType>("user").Description("Set only when enrolling with an mfaToken: the login it completed, with token.")
            .Resolve(c => c.Source.User);
    }
}

public sealed class FactorToEnrollType : ObjectGraphType<string>
{
    public FactorToEnrollType()
    {
        Name = "FactorToEnroll";
        Field<NonNullGraphType<FactorTypeEnum>>("factorType").Resolve(c => c.Source);
    }
}

public sealed class MfaRecoveryPayloadType : ObjectGraphType<RecoveryLogin>
{
    public MfaRecoveryPayloadType()
    {
        Name = "MfaRecoveryPayload";
        Field<NonNullGraphType<UserType>>("user").Description("The logged-in user, with token.").Resolve(c => c.Source.User);
        Field<NonNullGraphType<StringGraphType>>("recoveryCode").Description("The new recovery code: the one used is spent.")
            .Resolve(c => c.Source.RecoveryCode);
    }
}
