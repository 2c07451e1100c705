using System.Text.Json;
using GenAuth.Core.Mfa;
using GenAuth.Core.SignIn;
using GenAuth.Server.Callers;

using static GenAuth.Server.Compat.RestBody;

namespace GenAuth.Server.Compat;

/// <summary>
/// The REST paths of the SDK's MfaAuthenticationClient, thin adapters over the MFA services. During a login the SDK
/// sends the mfaToken as the bearer token; it is read from the Authorization header here.
/// </summary>
public static class MfaEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthMfaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/mfa/authenticator", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            IReadOnlyList<FactorView> factors = caller.UserId is not null
                ? await Enrollment(http).ListEnrolledFactorsAsync(http.RequestAborted)
                : await Login(http).ListFactorsForMfaTokenAsync(MfaToken(http), http.RequestAborted);
            return factors.Where(f => f.FactorType == FactorTypes.Otp).Select(f => new Dictionary<string, object?>
            {
                ["id"] = f.FactorId, ["createdAt"] = f.CreatedAt, ["updatedAt"] = f.UpdatedAt, ["userId"] = f.UserId,
                ["enable"] = true, ["authenticatorType"] = "totp",
                // Note: the secret and the recovery code are shown once at enrolment and never again (sealed / hashed).
                ["secret"] = null, ["recoveryCode"] = null,
            }).ToList();
        })));

        app.MapPost("/api/v2/mfa/totp/associate", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            var body = await RestBody.ReadAsync(http);
            var request = ViaMfaToken(http, caller.UserId, body)
                ? await Login(http).SendEnrollFactorRequestAsync(MfaToken(http), FactorTypes.Otp, null, null, null, http.RequestAborted)
                : await Enrollment(http).SendEnrollFactorRequestAsync(FactorTypes.Otp, null, null, null, http.RequestAborted);
            var otp = request.OtpData!;
            return new Dictionary<string, object?>
            {
                ["authenticator_type"] = "totp", ["secret"] = otp.Secret, ["qrcode_uri"] = otp.QrCodeUri,
                ["qrcode_data_url"] = otp.QrCodeDataUrl, ["recovery_code"] = otp.RecoveryCode,
            };
        })));
        app.MapPost("/api/v2/mfa/totp/associate/confirm", (Delegate)((HttpContext http) => Rest.RunAsync(http, async caller =>
        {
            var body = await RestBody.ReadAsync(http);
            if (!ViaMfaToken(http, caller.UserId, body))
            {
                await Enrollment(http).ConfirmTotpAsync(Str(body, "totp"), http.RequestAborted);
                return null;
            }
            // Enrolling during a login (1635 with needEnroll) completes it: the answer is the user with token.
            var enrolled = await Login(http).ConfirmTotpAsync(MfaToken(http), Str(body, "totp"), http.RequestAborted).RequireSignedIn();
            return UserJson.From(enrolled.User!);
        })));
        app.MapDelete("/api/v2/mfa/totp/associate", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            await Enrollment(http).ResetTotpAsync(http.RequestAborted);
            return null;
        })));

        app.MapPost("/api/v2/mfa/totp/verify", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            return UserJson.From(await Login(http).VerifyTotpAsync(MfaToken(http), Str(body, "totp"), http.RequestAborted).RequireSignedIn());
        })));
        app.MapPost("/api/v2/mfa/totp/recovery", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var result = await Login(http).VerifyRecoveryCodeAsync(MfaToken(http), Str(body, "recoveryCode"), http.RequestAborted)
                .RequireSignedIn();
            var user = UserJson.From(result.User);
            user["recoveryCode"] = result.RecoveryCode;
            return user;
        })));
        app.MapPost("/api/v2/applications/mfa/sms/verify", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            return UserJson.From(await Login(http).VerifySmsAsync(MfaToken(http), Str(body, "phone"), Str(body, "phoneCountryCode"),
                Str(body, "code"),
                http.RequestAborted).RequireSignedIn());
        })));
        app.MapPost("/api/v2/applications/mfa/email/verify", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            return UserJson.From(await Login(http).VerifyEmailAsync(MfaToken(http), Str(body, "email"), Str(body, "code"),
                http.RequestAborted).RequireSignedIn());
        })));
        app.MapPost("/api/v2/applications/mfa/check", (Delegate)((HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            return await Login(http).PhoneOrEmailBindableAsync(MfaToken(http), Str(body, "phone"), Str(body, "email"),
                http.RequestAborted);
        })));
        return app;
    }

    private static MfaEnrollmentService Enrollment(HttpContext http) => http.RequestServices.GetRequiredService<MfaEnrollmentService>();

    private static MfaLoginService Login(HttpContext http) => http.RequestServices.GetRequiredService<MfaLoginService>();

    private static string? MfaToken(HttpContext http) => HttpCaller.BearerOf(http.Request.Headers.Authorization.ToString());

    /// <summary>
    /// The SDK binds a factor during a login with the mfaToken as bearer and source APPLICATION; a bearer that is no
    /// session token is read as an mfaToken unless the body says SELF.
    /// </summary>
    private static bool ViaMfaToken(HttpContext http, string? userId, JsonElement body) =>
        userId is null && MfaToken(http) is not null && Str(body, "source") is not "SELF";


}
