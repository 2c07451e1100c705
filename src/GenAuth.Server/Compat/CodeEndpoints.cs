using GenAuth.Core.Profile;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using GenAuth.Core.SignIn;
using GenAuth.Server.Callers;

using static GenAuth.Server.Compat.RestBody;

namespace GenAuth.Server.Compat;

/// <summary>The REST paths of codes, contacts, security level and avatar: thin adapters over the Core services.</summary>
public static class CodeEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthCodeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/sms/send", (Delegate)(static (HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            await Service<CodeSender>(http).SendSmsCodeAsync(Str(body, "phone"), Str(body, "phoneCountryCode"), Str(body, "scene"),
                http.RequestAborted);
            return null;
        })));
        app.MapPost("/api/v2/register/email-code", (Delegate)(static (HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var issue = Bool(body, "forceLogin") || Bool(body, "generateToken");
            var user = await Service<CodeLoginService>(http).RegisterByEmailCodeAsync(Str(body, "email"), Str(body, "code"),
                Profile(body), issue, http.RequestAborted).RequireSignedIn();
            return UserJson.From(user);
        })));
        app.MapPost("/api/v2/login/email-code", (Delegate)(static (HttpContext http) => Rest.RunAsync(http, async _ =>
        {
            var body = await RestBody.ReadAsync(http);
            var user = await Service<CodeLoginService>(http).LoginByEmailCodeAsync(Str(body, "email"), Str(body, "code"),
                http.RequestAborted).RequireSignedIn();
            return UserJson.From(user);
        })));
        app.MapGet("/api/v2/users/me/security-level", (Delegate)(static (HttpContext http) => Rest.RunAsync(http, async _ =>
            (object?)await Service<SecurityLevelService>(http).GetAsync(http.RequestAborted))));
        app.MapPost("/api/v2/upload", (Delegate)UploadAsync).DisableAntiforgery();
        app.MapGet("/uploads/avatar/{name}", (Delegate)ServeAvatar);
        app.MapGet("/api/v2/email/verify", (Delegate)VerifyEmailAsync);
        return app;
    }

    private static Task<IResult> UploadAsync(HttpContext http) => Rest.RunAsync(http, async _ =>
    {
        if (http.Request.Query["folder"].ToString() is not ("avatar" or ""))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "only folder=avatar is supported");
        if (!http.Request.HasFormContentType)
            throw new GenAuthException(ErrorCodes.InvalidImage);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault() ?? throw new GenAuthException(ErrorCodes.InvalidImage);
        if (file.Length > AvatarService.MaxBytes)
            throw new GenAuthException(ErrorCodes.InvalidImage);
        await using var stream = file.OpenReadStream();
        var (uploaded, _) = await Service<AvatarService>(http).UploadAsync(stream, http.RequestAborted);
        return new { key = uploaded.Key, url = uploaded.Url };
    });

    private static IResult ServeAvatar(HttpContext http, string name)
    {
        var found = Service<AvatarService>(http).Find(name);
        if (found is not { } f)
            return Results.NotFound();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.File(f.Path, f.ContentType);
    }

    /// <summary>The link in verify-email mails: the pool comes from the link, not from headers.</summary>
    private static async Task<IResult> VerifyEmailAsync(HttpContext http)
    {
        var caller = Service<CallerContext>(http);
        var db = Service<GenAuthDbContext>(http);
        var lang = http.Request.Headers.AcceptLanguage.ToString();
        var en = !lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        try
        {
            await Service<CallerResolver>(http).ResolveAsync(db, caller, new CallerHeaders(http.Request.Query["userPoolId"],
                null, null, en ? "en-US" : "zh-CN", http.Connection.RemoteIpAddress?.ToString(), null), http.RequestAborted);
            caller.RequirePool();
            await Service<ContactService>(http).VerifyEmailAsync(http.Request.Query["token"], http.RequestAborted);
            return Results.Text(en ? "Your email address is verified. You can close this page." : "邮箱验证成功，可以关闭此页面。",
                "text/plain; charset=utf-8");
        }
        catch (GenAuthException e)
        {
            return Results.Text(e.LocalizedMessage(caller.Lang), "text/plain; charset=utf-8", statusCode: 400);
        }
    }

    private static T Service<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();




    private static ProfileInput? Profile(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("profile", out var p) || p.ValueKind != JsonValueKind.Object)
            return null;
        var profile = new ProfileInput();
        foreach (var prop in p.EnumerateObject())
            profile[prop.Name] = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : prop.Value.ToString();
        return profile;
    }
}
