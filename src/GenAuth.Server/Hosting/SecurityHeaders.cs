using GenAuth.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenAuth.Server.Hosting;

public sealed class SecurityHeadersOptions
{
    public const string Section = "GenAuth:Http";

    /// <summary>Strict-Transport-Security max-age, sent over HTTPS (or when GenAuth:PublicUrl is https); 0 turns it off.</summary>
    public int HstsMaxAgeSeconds { get; set; } = 365 * 24 * 3600;
}

/// <summary>
/// Defaults every response gets unless its handler set its own: nosniff, a Content-Security-Policy with
/// frame-ancestors 'none' (and X-Frame-Options DENY for older browsers), Referrer-Policy no-referrer, and HSTS over
/// HTTPS. A page that sets a CSP (the hosted pages' nonce-based ones, the start page, the QR page) keeps it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For responses that are no page: JSON, text, files. Nothing may load or frame them.</summary>
    public const string DefaultCsp = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Banana Cake Pop: its scripts, styles, fonts and web workers from this server only; Monaco sets inline styles,
    /// its workers start from blob: URLs, and the IDE talks to the GraphQL endpoint (HTTP and WebSocket) on this
    /// origin only, so its cloud features and telemetry can't leave the machine. 'unsafe-eval' because the IDE's
    /// JSON-schema validator (Ajv) compiles validators with new Function and the IDE does not start without it;
    /// scripts still load from this origin only and no inline script runs.
    /// </summary>
    public const string IdeCsp = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
                                 "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
                                 "manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "no-referrer";

    /// <summary>
    /// The authorization endpoint's response_mode=form_post answer (OpenIddict's page): a form to the client's
    /// registered redirect URI, submitted by one fixed inline script allowed by its hash. form-action is left open
    /// because the target is the client's origin, which OpenIddict has already checked against the registration.
    /// </summary>
    public const string FormPostCsp = "default-src 'none'; script-src 'sha256-j7OoGArf6XW6YY4cAyS3riSSvrJRqpSi1fOF9vQ5SrI='; " +
                                      "base-uri 'none'; frame-ancestors 'none'";

    private static readonly PathString[] AuthorizationPaths = ["/oidc/auth", "/oauth/auth"];

    /// <param name="idePath">The IDE's path (the GraphQL path): its page, assets and workers get <see cref="IdeCsp"/>.</param>
    public static IApplicationBuilder UseGenAuthSecurityHeaders(this IApplicationBuilder app, PathString idePath)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value;
        var publicUrl = app.ApplicationServices.GetRequiredService<IOptions<GenAuthOptions>>().Value.PublicUrl;
        // Note: behind a TLS-terminating proxy the request is http; a public https URL says browsers reach us over TLS.
        var publicHttps = publicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
        var hsts = options.HstsMaxAgeSeconds > 0 ? $"max-age={options.HstsMaxAgeSeconds}" : null;
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var (http, ide, sts) = ((HttpContext, PathString, string?))state;
                Apply(http, ide, sts);
                return Task.CompletedTask;
            }, (context, idePath, hsts is not null && (context.Request.IsHttps || publicHttps) ? hsts : null));
            return next(context);
        });
    }

    private static void Apply(HttpContext http, PathString idePath, string? hsts)
    {
        var headers = http.Response.Headers;
        if (!headers.ContainsKey(HeaderNames.XContentTypeOptions))
            headers.XContentTypeOptions = "nosniff";
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(idePath) && IsHtmlOrScript(http.Response)
                ? IdeCsp
                : IsHtmlOrScript(http.Response) && AuthorizationPaths.Any(p => http.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
                    ? FormPostCsp
                    : DefaultCsp;
        // Note: X-Frame-Options only where the CSP forbids framing too; a page that allows a framer keeps that choice.
        if (!headers.ContainsKey(HeaderNames.XFrameOptions)
            && headers.ContentSecurityPolicy.ToString().Contains("frame-ancestors 'none'", StringComparison.Ordinal))
            headers.XFrameOptions = "DENY";
        if (!headers.ContainsKey("Referrer-Policy"))
            headers["Referrer-Policy"] = ReferrerPolicy;
        if (hsts is not null && !headers.ContainsKey(HeaderNames.StrictTransportSecurity))
            headers.StrictTransportSecurity = hsts;
    }

    /// <summary>The IDE's documents and worker scripts (a worker runs under its script's CSP); its JSON keeps the default.</summary>
    private static bool IsHtmlOrScript(HttpResponse response) =>
        response.ContentType is { } type
        && (type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            || type.Contains("javascript", StringComparison.OrdinalIgnoreCase));
}
