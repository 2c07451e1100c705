using System.Net;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;

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
        app.MapGet("/login/qrcode", (Delegate)PageAsync);
        app.MapGet("/login/qrcode/qrcode.js", (Delegate)((HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Script.Value, "text/javascript; charset=utf-8");
        }));
        return app;
    }

    private static async Task<IResult> PageAsync(HttpContext http)
    {
        var appId = http.Request.Query["app_id"].ToString();
        var redirectUri = http.Request.Query["redirect_uri"].ToString();
        var transport = http.Request.Query["transport"].ToString() == "sse" ? "sse" : "auto";
        var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
        var app = appId.Length == 0 ? null
            : await http.RequestServices.GetRequiredService<PoolDirectory>().FindAppAsync(db, appId, http.RequestAborted);
        if (app is null)
            return Results.Text("Unknown app_id", "text/plain", statusCode: 404);
        // Note: the ticket goes only to a callback registered for the app, never to any URL a link names.
        if (redirectUri.Length > 0 && !IsRegistered(app, redirectUri))
            return Results.Text("redirect_uri is not registered for this app", "text/plain", statusCode: 400);

        http.Response.Headers.ContentSecurityPolicy = Csp;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var html = Html.Value
            .Replace("{{APP_ID}}", WebUtility.HtmlEncode(app.Id))
            .Replace("{{REDIRECT_URI}}", WebUtility.HtmlEncode(redirectUri))
            .Replace("{{TRANSPORT}}", transport);
        return Results.Content(html, "text/html; charset=utf-8");
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
