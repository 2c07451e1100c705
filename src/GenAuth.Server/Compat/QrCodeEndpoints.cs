using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.QrLogin;
using GenAuth.Core.Users;
using GenAuth.Core.SignIn;
using QRCoder;

using static GenAuth.Server.Compat.RestBody;

namespace GenAuth.Server.Compat;

/// <summary>GenAuth's app scan-login REST API (/api/qrcode/* and the SDK's /api/v2/qrcode/* twins) over QrLoginService.</summary>
public static class QrCodeEndpoints
{
    public static IEndpointRouteBuilder MapGenAuthQrCodeApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/qrcode", "/api/v2/qrcode" })
        {
            app.MapPost(prefix + "/gene", (Delegate)GeneAsync);
            app.MapGet(prefix + "/check", (Delegate)CheckAsync);
            app.MapPost(prefix + "/scanned", (Delegate)((HttpContext http) =>
                TransitionAsync(http, (s, r) => s.ScannedAsync(r, http.RequestAborted), "QR code scanning confirmed successfully")));
            app.MapPost(prefix + "/confirm", (Delegate)((HttpContext http) =>
                TransitionAsync(http, (s, r) => s.ConfirmAsync(r, http.RequestAborted), "Authorization login successful")));
            app.MapPost(prefix + "/cancel", (Delegate)((HttpContext http) =>
                TransitionAsync(http, (s, r) => s.CancelAsync(r, http.RequestAborted), "Cancel authorization successfully")));
            app.MapPost(prefix + "/userinfo", (Delegate)UserInfoAsync);
            app.MapGet(prefix + "/image/{file}", (Delegate)ImageAsync);
        }
        return app;
    }

    private static Task<IResult> GeneAsync(HttpContext http) => Rest.RunAsync(http, async _ =>
    {
        var body = await RestBody.ReadAsync(http);
        // The seed spells it customeData; the SDK sends params.
        var custom = Prop(body, "customData") ?? Prop(body, "customeData") ?? Prop(body, "params");
        var customJson = custom is { ValueKind: JsonValueKind.String } s ? s.GetString()
            : custom is { ValueKind: JsonValueKind.Object } o ? o.GetRawText() : null;
        var code = await Qr(http).GenerateAsync(Str(body, "scene"), customJson, http.RequestAborted);
        return new { random = code.Random, expiresIn = code.ExpiresIn, url = BaseUrl(http) + QrLoginService.ImagePath(code.Random) };
    });

    private static Task<IResult> CheckAsync(HttpContext http) => Rest.RunAsync(http, async _ =>
        Status(await QrSignIn(http).CheckStatusAsync(http.Request.Query["random"].ToString(), openSession: true, http.RequestAborted)
            .RequireSignedIn()));

    private static Task<IResult> TransitionAsync(HttpContext http, Func<QrLoginService, string?, Task<QrCodeState>> transition,
        string message) => Rest.RunAsync(http, async _ =>
    {
        var body = await RestBody.ReadAsync(http);
        var state = await transition(Qr(http), Str(body, "random"));
        return new { random = state.Random, status = (int)state.Status, description = state.Status.ToString() };
    }, message);

    /// <summary>Ticket exchange: a management token in Authorization, or the pool secret in the body or x-authing-userpool-secret.</summary>
    private static Task<IResult> UserInfoAsync(HttpContext http) => Rest.RunAsync(http, async _ =>
    {
        var body = await RestBody.ReadAsync(http);
        var secret = Str(body, "secret") ?? (http.Request.Headers["x-authing-userpool-secret"].ToString() is { Length: > 0 } h ? h : null);
        var view = await QrSignIn(http).ExchangeTicketAsync(Str(body, "ticket"), secret, http.RequestAborted).RequireSignedIn();
        return UserJson(view);
    }, "Exchange for user information successfully");

    private static async Task<IResult> ImageAsync(HttpContext http, string file)
    {
        var random = file.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? file[..^4] : file;
        if (random.Length is 0 or > 64)
            return Results.NotFound();
        var payload = await Qr(http).ImagePayloadAsync(random, http.RequestAborted);
        if (payload is null)
            return Results.NotFound();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        http.Response.Headers.CacheControl = "private, max-age=600";
        return Results.Bytes(png, "image/png");
    }

    /// <summary>userInfo is nickname and photo, or the full user with its token when the pool returns full user info.</summary>
    private static object Status(QrCheckResult r) => new
    {
        random = r.State.Random,
        status = (int)r.State.Status,
        userInfo = r.User is { } full ? UserJson(full)
            : r.State.UserInfo is { } u ? new { nickname = u.Nickname, photo = u.Photo } : (object)new { },
        ticket = r.State.Ticket,
        scannedUserId = r.State.ScannedUserId,
        expireAt = r.State.ExpiresAt,
    };

    private static object UserJson(UserView v) => new
    {
        id = v.User.Id,
        userPoolId = v.User.UserPoolId,
        email = v.User.Email,
        emailVerified = v.User.EmailVerified,
        phone = v.User.Phone,
        phoneVerified = v.User.PhoneVerified,
        username = v.User.Username,
        nickname = v.User.Nickname,
        company = v.User.Company,
        photo = v.User.Photo,
        oauth = v.User.Oauth,
        token = v.Token,
        tokenExpiredAt = v.TokenExpiresAt?.UtcDateTime,
        loginsCount = v.User.LoginsCount,
        lastLogin = v.User.LastLogin,
        lastIp = v.User.LastIp,
        signedUp = v.User.SignedUp,
        blocked = v.User.Blocked,
        isDeleted = v.User.IsDeleted,
    };

    private static QrLoginService Qr(HttpContext http) => http.RequestServices.GetRequiredService<QrLoginService>();

    private static QrSignInService QrSignIn(HttpContext http) => http.RequestServices.GetRequiredService<QrSignInService>();

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";



}
