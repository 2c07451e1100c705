using System.Net;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenAuth.Server.QrLogin;

/// <summary>
/// The hosted scan-login page, /login/qrcode?app_id=…[&amp;redirect_uri=…][&amp;transport=sse]: static HTML and JS
/// (embedded in this assembly) driven by the qrCodeStatusChanged subscription.
/// </summary>
public static class QrLoginPage
{
    private static readonly Lazy<string> Html = new(() => Read("qrcode.html"));
    private static readonly Lazy<string> Script = new(() => Read("qrcode.js"));

    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data: https: http:; " +
                               "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapQrLoginPage(this IEndpointRouteBuilder app)
    {
        var page = app.MapGroup("/login/qrcode");
        page.MapGet("", PageAsync);
        page.MapGet("/qrcode.js", static (HttpResponse response) =>
        {
            response.Headers.CacheControl = "no-cache";
            return TypedResults.Text(Script.Value, "text/javascript; charset=utf-8");
        });
        return app;
    }

    private static async Task<ContentHttpResult> PageAsync(HttpResponse response,
        [FromQuery(Name = "app_id")] string? appId, [FromQuery(Name = "redirect_uri")] string? redirectUri, [FromQuery] string? transport,
        GenAuthDbContext db, PoolDirectory pools, CancellationToken ct)
    {
        redirectUri ??= "";
        var app = string.IsNullOrEmpty(appId) ? null : await pools.FindAppAsync(db, appId, ct);
        if (app is null)
            return TypedResults.Text("Unknown app_id", "text/plain", statusCode: 404);
        // Note: the ticket goes only to a callback registered for the app, never to any URL a link names.
        if (redirectUri.Length > 0 && !IsRegistered(app, redirectUri))
            return TypedResults.Text("redirect_uri is not registered for this app", "text/plain", statusCode: 400);

        response.Headers.ContentSecurityPolicy = Csp;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        var html = Html.Value
            .Replace("{{APP_ID}}", WebUtility.HtmlEncode(app.Id))
            .Replace("{{REDIRECT_URI}}", WebUtility.HtmlEncode(redirectUri))
            .Replace("{{TRANSPORT}}", transport == "sse" ? "sse" : "auto");
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private static bool IsRegistered(Application app, string uri) =>
        (app.RedirectUris ?? "").Split([' ', ',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Contains(uri, StringComparer.Ordinal);

    private static string Read(string name)
    {
        var assembly = typeof(QrLoginPage).Assembly;
        using var stream = assembly.GetManifestResourceStream("GenAuth.Server.QrLogin.Page." + name)
                           ?? throw new InvalidOperationException($"Embedded page file {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
