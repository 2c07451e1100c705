using GenAuth.Core.Pools;

namespace GenAuth.Server.QrLogin;

/// <summary>
/// The hosted scan login lives in the login page's QR tab now (Pages/LoginPages: /login?tab=qr, and /login/qrcode
/// as before, with its registered redirect_uri ticket hand-off). This keeps the old script path answering.
/// </summary>
public static class QrLoginPage
{
    public static IEndpointRouteBuilder MapQrLoginPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login/qrcode/qrcode.js", () => Results.Redirect("/_pages/qr.js", permanent: true));
        return app;
    }

    /// <summary>Exact match against the app's registered callbacks.</summary>
    public static bool IsRegistered(Application app, string uri) =>
        (app.RedirectUris ?? "").Split([' ', ',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Contains(uri, StringComparer.Ordinal);
}
