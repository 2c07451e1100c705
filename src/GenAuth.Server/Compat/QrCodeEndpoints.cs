using GenAuth.Core.SignIn;
using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.QrLogin;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace GenAuth.Server.Compat;

/// <summary>GenAuth's app scan-login REST API (/api/qrcode/* and the SDK's /api/v2/qrcode/* twins) over QrLoginService.</summary>
public static class QrCodeEndpoints
{
    /// <summary>The seed spells it customeData; the SDK sends params. A string is kept as is, an object as its JSON.</summary>
    public sealed record GeneBody(string? Scene, JsonElement? CustomData, JsonElement? CustomeData, JsonElement? Params);

    public sealed record RandomBody(string? Random);

    /// <summary>The pool secret may come in the body or in x-authing-userpool-secret.</summary>
    public sealed record TicketBody(string? Ticket, string? Secret);

    public static IEndpointRouteBuilder MapGenAuthQrCodeApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/qrcode", "/api/v2/qrcode" })
        {
            var qr = app.MapGroup(prefix);
            qr.MapPost("/gene", GeneAsync);
            qr.MapGet("/check", static (HttpContext http, [FromQuery] string? random, QrSignInService qr, CancellationToken ct) =>
                Rest.RunAsync(http, async _ => Status(await qr.CheckStatusAsync(random ?? "", openSession: true, ct).RequireSignedIn())));
            qr.MapPost("/scanned", static (HttpContext http, RestBody<RandomBody> body, QrLoginService qr, CancellationToken ct) =>
                TransitionAsync(http, () => qr.ScannedAsync(body.Value.Random, ct), "QR code scanning confirmed successfully"));
            qr.MapPost("/confirm", static (HttpContext http, RestBody<RandomBody> body, QrLoginService qr, CancellationToken ct) =>
                TransitionAsync(http, () => qr.ConfirmAsync(body.Value.Random, ct), "Authorization login successful"));
            qr.MapPost("/cancel", static (HttpContext http, RestBody<RandomBody> body, QrLoginService qr, CancellationToken ct) =>
                TransitionAsync(http, () => qr.CancelAsync(body.Value.Random, ct), "Cancel authorization successfully"));
            qr.MapPost("/userinfo", UserInfoAsync);
            qr.MapGet("/image/{file}", ImageAsync);
        }
        return app;
    }

    private static Task<JsonHttpResult<RestEnvelope>> GeneAsync(HttpContext http, RestBody<GeneBody> body, QrLoginService qr,
        CancellationToken ct) => Rest.RunAsync(http, async _ =>
    {
        var b = body.Value;
        var custom = b.CustomData ?? b.CustomeData ?? b.Params;
        var customJson = custom is { ValueKind: JsonValueKind.String } s ? s.GetString()
            : custom is { ValueKind: JsonValueKind.Object } o ? o.GetRawText() : null;
        var code = await qr.GenerateAsync(b.Scene, customJson, ct);
        return new { random = code.Random, expiresIn = code.ExpiresIn, url = BaseUrl(http.Request) + QrLoginService.ImagePath(code.Random) };
    });

    private static Task<JsonHttpResult<RestEnvelope>> TransitionAsync(HttpContext http, Func<Task<QrCodeState>> transition, string message) =>
        Rest.RunAsync(http, async _ =>
        {
            var state = await transition();
            return new { random = state.Random, status = (int)state.Status, description = state.Status.ToString() };
        }, message);

    /// <summary>Ticket exchange: a management token in Authorization, or the pool secret in the body or x-authing-userpool-secret.</summary>
    private static Task<JsonHttpResult<RestEnvelope>> UserInfoAsync(HttpContext http, RestBody<TicketBody> body,
        [FromHeader(Name = "x-authing-userpool-secret")] string? secretHeader, QrSignInService qr, CancellationToken ct) =>
        Rest.RunAsync(http, async _ =>
        {
            var b = body.Value;
            var secret = b.Secret ?? (secretHeader is { Length: > 0 } ? secretHeader : null);
            return UserJson.From(await qr.ExchangeTicketAsync(b.Ticket, secret, ct).RequireSignedIn());
        }, "Exchange for user information successfully");

    private static async Task<Results<NotFound, FileContentHttpResult>> ImageAsync(string file, QrLoginService qr, HttpResponse response,
        CancellationToken ct)
    {
        var random = file.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? file[..^4] : file;
        if (random.Length is 0 or > 64)
            return TypedResults.NotFound();
        var payload = await qr.ImagePayloadAsync(random, ct);
        if (payload is null)
            return TypedResults.NotFound();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        response.Headers.CacheControl = "private, max-age=600";
        return TypedResults.Bytes(png, "image/png");
    }

    /// <summary>userInfo is nickname and photo, or the full user with its token when the pool returns full user info.</summary>
    private static object Status(QrCheckResult r) => new
    {
        random = r.State.Random,
        status = (int)r.State.Status,
        userInfo = r.User is { } full ? UserJson.From(full)
            : r.State.UserInfo is { } u ? new { nickname = u.Nickname, photo = u.Photo } : (object)new { },
        ticket = r.State.Ticket,
        scannedUserId = r.State.ScannedUserId,
        expireAt = IsoTime.Format(r.State.ExpiresAt),
    };

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
