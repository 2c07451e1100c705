using GenAuth.Core.Profile;
using GenAuth.Core.Tokens;
using GenAuth.Core.SignIn;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using GenAuth.Server.Callers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.Compat;

/// <summary>The REST paths of codes, contacts, security level and avatar: thin adapters over the Core services.</summary>
public static class CodeEndpoints
{
    public sealed record SmsCodeBody(string? Phone, string? PhoneCountryCode, string? Scene);

    public sealed record EmailCodeBody(string? Email, string? Code);

    /// <summary>profile is free-form (every value read as text); forceLogin or generateToken issue a token.</summary>
    public sealed record EmailCodeRegisterBody(string? Email, string? Code, JsonElement? Profile, bool ForceLogin, bool GenerateToken);

    public static IEndpointRouteBuilder MapGenAuthCodeApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        v2.MapPost("/sms/send", static (HttpContext http, RestBody<SmsCodeBody> body, CodeSender codes, CancellationToken ct) =>
            Rest.RunAsync(http, async _ =>
            {
                var b = body.Value;
                await codes.SendSmsCodeAsync(b.Phone, b.PhoneCountryCode, b.Scene, ct);
                return null;
            }));
        v2.MapPost("/register/email-code", static (HttpContext http, RestBody<EmailCodeRegisterBody> body, CodeLoginService logins,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            return UserJson.From(await logins.RegisterByEmailCodeAsync(b.Email, b.Code, Profile(b.Profile), b.ForceLogin || b.GenerateToken, ct).RequireSignedIn());
        }));
        v2.MapPost("/login/email-code", static (HttpContext http, RestBody<EmailCodeBody> body, CodeLoginService logins,
            CancellationToken ct) => Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            return UserJson.From(await logins.LoginByEmailCodeAsync(b.Email, b.Code, ct).RequireSignedIn());
        }));
        v2.MapGet("/users/me/security-level", static (HttpContext http, SecurityLevelService levels, CancellationToken ct) =>
            Rest.RunAsync(http, async _ => (object?)await levels.GetAsync(ct)));
        v2.MapPost("/upload", UploadAsync).DisableAntiforgery();
        v2.MapGet("/email/verify", VerifyEmailAsync);
        app.MapGet("/uploads/avatar/{name}", ServeAvatar);
        return app;
    }

    private const int UploadFramingBytes = 64 * 1024;

    /// <summary>The form is read here, not bound: a request that is no form answers 2xxx in the envelope, not HTTP 415.</summary>
    private static Task<JsonHttpResult<RestEnvelope>> UploadAsync(HttpContext http, [FromQuery] string? folder, AvatarService avatars,
        CancellationToken ct) => Rest.RunAsync(http, async _ =>
    {
        // The face MFA calls upload their photos here first: face recognition is not supported (2651), say so at once.
        if (folder == "face-photo")
            throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "face recognition (face MFA)");
        if (folder is not (null or "" or "avatar"))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "only folder=avatar is supported");
        if (!http.Request.HasFormContentType)
            throw new GenAuthException(ErrorCodes.InvalidImage);
        // Note: the image's limit plus room for the multipart framing, never the server-wide body limit or Kestrel's 30 MB.
        var form = await RestBody.ReadFormAsync(http, AvatarService.MaxBytes + UploadFramingBytes, ct);
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault() ?? throw new GenAuthException(ErrorCodes.InvalidImage);
        if (file.Length > AvatarService.MaxBytes)
            throw new GenAuthException(ErrorCodes.InvalidImage);
        await using var stream = file.OpenReadStream();
        var (uploaded, _) = await avatars.UploadAsync(stream, ct);
        return new { key = uploaded.Key, url = uploaded.Url };
    });

    private static Results<NotFound, PhysicalFileHttpResult> ServeAvatar(HttpResponse response, string name, AvatarService avatars)
    {
        if (avatars.Find(name) is not { } f)
            return TypedResults.NotFound();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        // Note: the data directory may be relative (./data); the file was written relative to the working directory.
        return TypedResults.PhysicalFile(Path.GetFullPath(f.Path), f.ContentType);
    }

    /// <summary>
    /// The link in verify-email mails: the pool comes from the link, not from headers; a browser opens it, so the page
    /// speaks English unless x-authing-lang or Accept-Language asks for Chinese.
    /// </summary>
    private static async Task<ContentHttpResult> VerifyEmailAsync(HttpContext http, [FromQuery] string? userPoolId, [FromQuery] string? token,
        CallerContext caller, GenAuthDbContext db, CallerResolver resolver, ContactService contacts, CancellationToken ct)
    {
        var lang = HttpCaller.LangOf(http.Request) ?? "en-US";
        var en = !lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        try
        {
            await resolver.ResolveAsync(db, caller, new CallerHeaders(userPoolId, null, null, en ? "en-US" : "zh-CN",
                http.Connection.RemoteIpAddress?.ToString(), null), ct);
            caller.RequirePool();
            await contacts.VerifyEmailAsync(token, ct);
            return TypedResults.Text(en ? "Your email address is verified. You can close this page." : "邮箱验证成功，可以关闭此页面。",
                "text/plain; charset=utf-8");
        }
        catch (GenAuthException e)
        {
            return TypedResults.Text(e.LocalizedMessage(caller.Lang), "text/plain; charset=utf-8", statusCode: 400);
        }
    }

    private static ProfileInput? Profile(JsonElement? p)
    {
        if (p is not { ValueKind: JsonValueKind.Object } obj)
            return null;
        var profile = new ProfileInput();
        foreach (var prop in obj.EnumerateObject())
            profile[prop.Name] = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : prop.Value.ToString();
        return profile;
    }
}
