using GenAuth.Core.SignIn;
using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Server.Callers;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>
/// The REST paths of the SDK's MfaAuthenticationClient, thin adapters over the MFA services. During a login the SDK
/// sends the mfaToken as the bearer token; it is read from the Authorization header here.
/// </summary>
public static class MfaEndpoints
{
    /// <summary>source SELF: a signed-in user binds a factor to their own account (else an mfaToken bearer means a login).</summary>
    public sealed record AssociateBody(string? Source);

    public sealed record TotpBody(string? Totp, string? Source);

    public sealed record RecoveryBody(string? RecoveryCode);

    public sealed record SmsFactorBody(string? Phone, string? PhoneCountryCode, string? Code);

    public sealed record EmailFactorBody(string? Email, string? Code);

    public sealed record BindableBody(string? Phone, string? Email);

    public sealed record ImportTotpBody(string? UserId, string? Secret, string? RecoveryCode);

    /// <summary>Face recognition: not supported by this server (2651).</summary>
    internal static Task<object?> FaceNotSupported(GenAuth.Core.Callers.CallerContext _) =>
        throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "face recognition (face MFA)");

    public static IEndpointRouteBuilder MapGenAuthMfaApi(this IEndpointRouteBuilder app)
    {
        var mfa = app.MapGroup("/api/v2/mfa");
        mfa.MapGet("/authenticator", static (HttpContext http, [FromHeader] string? authorization, MfaEnrollmentService enrollment,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            IReadOnlyList<FactorView> factors = caller.UserId is not null
                ? await enrollment.ListEnrolledFactorsAsync(ct)
                : await login.ListFactorsForMfaTokenAsync(HttpCaller.BearerOf(authorization), ct);
            return factors.Where(f => f.FactorType == FactorTypes.Otp).Select(f => new Dictionary<string, object?>
            {
                ["id"] = f.FactorId, ["createdAt"] = IsoTime.Format(f.CreatedAt), ["updatedAt"] = IsoTime.Format(f.UpdatedAt),
                ["userId"] = f.UserId, ["enable"] = true, ["authenticatorType"] = "totp",
                // Note: the secret and the recovery code are shown once at enrolment and never again (sealed / hashed).
                ["secret"] = null, ["recoveryCode"] = null,
            }).ToList();
        }));

        mfa.MapPost("/totp/associate", static (HttpContext http, [FromHeader] string? authorization, RestBody<AssociateBody> body,
            MfaEnrollmentService enrollment, MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            var mfaToken = HttpCaller.BearerOf(authorization);
            var request = ViaMfaToken(caller.UserId, mfaToken, body.Value.Source)
                ? await login.SendEnrollFactorRequestAsync(mfaToken, FactorTypes.Otp, null, null, null, ct)
                : await enrollment.SendEnrollFactorRequestAsync(FactorTypes.Otp, null, null, null, ct);
            var otp = request.OtpData!;
            return new Dictionary<string, object?>
            {
                ["authenticator_type"] = "totp", ["secret"] = otp.Secret, ["qrcode_uri"] = otp.QrCodeUri,
                ["qrcode_data_url"] = otp.QrCodeDataUrl, ["recovery_code"] = otp.RecoveryCode,
            };
        }));
        mfa.MapPost("/totp/associate/confirm", static (HttpContext http, [FromHeader] string? authorization, RestBody<TotpBody> body,
            MfaEnrollmentService enrollment, MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async caller =>
        {
            var b = body.Value;
            var mfaToken = HttpCaller.BearerOf(authorization);
            if (!ViaMfaToken(caller.UserId, mfaToken, b.Source))
            {
                await enrollment.ConfirmTotpAsync(b.Totp, ct);
                return null;
            }
            // Enrolling during a login (1635 with needEnroll) completes it: the answer is the user with token.
            var enrolled = await login.ConfirmTotpAsync(mfaToken, b.Totp, ct).RequireSignedIn();
            return UserJson.From(enrolled.User!);
        }));
        mfa.MapDelete("/totp/associate", static (HttpContext http, MfaEnrollmentService enrollment, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                await enrollment.ResetTotpAsync(ct);
                return null;
            }));

        mfa.MapPost("/totp/verify", static (HttpContext http, [FromHeader] string? authorization, RestBody<TotpBody> body,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            UserJson.From(await login.VerifyTotpAsync(HttpCaller.BearerOf(authorization), body.Value.Totp, ct).RequireSignedIn())));
        mfa.MapPost("/totp/recovery", static (HttpContext http, [FromHeader] string? authorization, RestBody<RecoveryBody> body,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var result = await login.VerifyRecoveryCodeAsync(HttpCaller.BearerOf(authorization), body.Value.RecoveryCode, ct).RequireSignedIn();
            var user = UserJson.From(result.User);
            user["recoveryCode"] = result.RecoveryCode;
            return user;
        }));

        // Admin (MFAManagementClient): a user's bound factors, unbinding one, importing an existing TOTP secret.
        // Face MFA (associateFaceByUrl/ByLocalFile/ByBlob, verifyFaceMfa) compares photos with a face-recognition model,
        // which this server doesn't have: both calls answer FeatureNotSupported (2651) rather than a 404, whoever asks.
        mfa.MapPost("/face/associate", static (HttpContext http, CancellationToken ct) => Rest.RunAsync(http, FaceNotSupported, audited: false));
        mfa.MapPost("/face/verify", static (HttpContext http, CancellationToken ct) => Rest.RunAsync(http, FaceNotSupported, audited: false));
        mfa.MapPost("/totp/import", static (HttpContext http, RestBody<ImportTotpBody> body, MfaAdminService admin, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (object?)await admin.ImportTotpAsync(body.Value.UserId, body.Value.Secret, body.Value.RecoveryCode, ct)));
        app.MapGet("/api/v2/users/" + ManagementEndpoints.Id + "/mfa-bound", static (HttpContext http, string id, MfaAdminService admin,
            CancellationToken ct) => Rest.RunAsync(http, async _ => (object?)await admin.StatusAsync(id, ct)));
        app.MapDelete("/api/v2/users/" + ManagementEndpoints.Id + "/mfa-bound", static (HttpContext http, string id, [FromQuery] string? type,
            MfaAdminService admin, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            await admin.UnbindAsync(id, type, ct);
            return null;
        }));

        var appMfa = app.MapGroup("/api/v2/applications/mfa");
        appMfa.MapPost("/sms/verify", static (HttpContext http, [FromHeader] string? authorization, RestBody<SmsFactorBody> body,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            return UserJson.From(await login.VerifySmsAsync(HttpCaller.BearerOf(authorization), b.Phone, b.PhoneCountryCode, b.Code, ct).RequireSignedIn());
        }));
        appMfa.MapPost("/email/verify", static (HttpContext http, [FromHeader] string? authorization, RestBody<EmailFactorBody> body,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            return UserJson.From(await login.VerifyEmailAsync(HttpCaller.BearerOf(authorization), b.Email, b.Code, ct).RequireSignedIn());
        }));
        appMfa.MapPost("/check", static (HttpContext http, [FromHeader] string? authorization, RestBody<BindableBody> body,
            MfaLoginService login, CancellationToken ct) => Rest.RunAsync(http, async _ =>
            (object?)await login.PhoneOrEmailBindableAsync(HttpCaller.BearerOf(authorization), body.Value.Phone, body.Value.Email, ct)));
        return app;
    }

    /// <summary>
    /// The SDK binds a factor during a login with the mfaToken as bearer and source APPLICATION; a bearer that is no
    /// session token is read as an mfaToken unless the body says SELF.
    /// </summary>
    private static bool ViaMfaToken(string? userId, string? mfaToken, string? source) =>
        userId is null && mfaToken is not null && source is not "SELF";
}
