using System.Text.Json.Serialization;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.SignIn;
using GenAuth.Server.Callers;

namespace GenAuth.Server.Compat;

/// <summary>
/// POST /api/v3/signin, the SDK's signinByCredentials, in GenAuth's v3 envelope: { statusCode: 200, message, data: {
/// access_token, id_token, token_type, expire_in, scope } } or { statusCode, apiCode, code, message } (HTTP 200: the SDK
/// reads statusCode from the body). The ways in are Core's (<see cref="CredentialsSignInService"/>).
/// </summary>
public static class SignInV3Endpoints
{
    public static IEndpointRouteBuilder MapGenAuthSignInV3Api(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v3/signin", static async (HttpContext http, RestBody<SignInBody> body, CredentialsSignInService signIn,
            TimeProvider clock, CancellationToken ct) =>
        {
            CallerContext? caller = null;
            try
            {
                caller = await http.ResolveCallerAsync();
                var b = body.Value;
                var options = b.Options ?? new SignInOptionsBody(null, null, null, null, null, null);
                if (caller.TenantId is null && options.TenantId is { Length: > 0 and <= 64 } tenantId)
                    caller.TenantId = tenantId;
                var user = await signIn.SignInAsync(new CredentialsSignIn(
                    b.Connection,
                    b.PasswordPayload is { } p ? new CredentialsPassword(p.Password, p.Account, p.Email, p.Username, p.Phone) : null,
                    b.PassCodePayload is { } c ? new CredentialsPassCode(c.PassCode, c.Email, c.Phone, c.PhoneCountryCode) : null,
                    b.LdapPayload is { } l ? new CredentialsDirectory(l.SAMAccountName, l.Password) : null,
                    b.AdPayload is { } a ? new CredentialsDirectory(a.SAMAccountName, a.Password) : null,
                    options.AutoRegister == true,
                    options.ResponseType,
                    options.PasswordEncryptType), ct);
                var now = clock.GetUtcNow();
                var expiresIn = user.TokenExpiresAt is { } exp ? Math.Max(0, (long)(exp - now).TotalSeconds) : 0;
                // Note: the access token and the id token are the session's GenAuth token (what every v2 way in returns:
                // it authenticates getCurrentUser and the API); no refresh token: refresh uses the session's token.
                return Results.Json(new V3Envelope(200, null, null, "", new
                {
                    scope = options.Scope is { Length: > 0 and <= 512 } scope ? scope : "openid profile",
                    access_token = user.Token,
                    id_token = user.Token,
                    token_type = "Bearer",
                    expire_in = expiresIn,
                }));
            }
            catch (GenAuthException e)
            {
                var status = e.Code == ErrorCodes.TooManyAttempts.Code ? 429 : e.Code is >= 400 and < 600 ? e.Code : 400;
                return Results.Json(new V3Envelope(status, e.Code, e.Code, e.LocalizedMessage(caller?.Lang ?? HttpCaller.LangOf(http.Request)), e.Payload));
            }
        });
        return app;
    }

    /// <summary>GenAuth's v3 answer; code repeats apiCode for clients that read the v2 field.</summary>
    private sealed record V3Envelope(int StatusCode, int? ApiCode, int? Code, string Message, object? Data);

    public sealed record SignInBody(
        string? Connection,
        PasswordPayloadBody? PasswordPayload,
        PassCodePayloadBody? PassCodePayload,
        DirectoryPayloadBody? LdapPayload,
        DirectoryPayloadBody? AdPayload,
        SignInOptionsBody? Options);

    public sealed record PasswordPayloadBody(string? Password, string? Account, string? Email, string? Username, string? Phone);

    public sealed record PassCodePayloadBody(string? PassCode, string? Email, string? Phone, string? PhoneCountryCode);

    public sealed record DirectoryPayloadBody([property: JsonPropertyName("sAMAccountName")] string? SAMAccountName, string? Password);

    public sealed record SignInOptionsBody(bool? AutoRegister, string? ResponseType, string? PasswordEncryptType, string? Scope, string? TenantId,
        string? State);
}
