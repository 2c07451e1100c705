using GenAuth.Core.Admin;
using System.Net;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;

namespace GenAuth.Server.Hosting;

/// <summary>
/// What a newcomer sees at the server's root: where the IDE, the hosted pages, the OIDC documents and the docs are,
/// with the default pool's ids filled in (never its secret).
/// </summary>
public static class StartPage
{
    private const string Csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Lazy<string> Readme = new(() =>
    {
        using var stream = typeof(StartPage).Assembly.GetManifestResourceStream("GenAuth.Server.README.md");
        if (stream is null)
            return "README.md was not embedded in this build.";
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapStartPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", static (HttpResponse response, BootstrapService bootstrap, IssuerProvider issuer) =>
        {
            SecurityHeaders(response);
            return TypedResults.Content(Html(bootstrap.Info, issuer.BaseUrl), "text/html; charset=utf-8");
        });
        app.MapGet("/docs/README.md", static (HttpResponse response) =>
        {
            SecurityHeaders(response);
            // Note: text/plain so every browser shows the Markdown instead of downloading it.
            return TypedResults.Text(Readme.Value, "text/plain; charset=utf-8");
        });
        return app;
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Csp;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
    }

    private static string Html(BootstrapInfo? info, string baseUrl)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var poolId = info?.UserPoolId;
        var appId = info?.AppId;
        var qrPage = appId is null ? "" : $"""
            <li><a href="/login/qrcode?app_id={E(Uri.EscapeDataString(appId))}">Hosted QR login page</a> for the default app
              (<code>/login/qrcode?app_id=…</code>; scan with an app that calls <code>/api/v2/qrcode/scanned</code> and <code>confirm</code>)</li>
            """;
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>GenAuth</title>
            <style>
              body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
              code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
              li { margin: .4rem 0; }
            </style>
            </head>
            <body>
            <h1>GenAuth is running</h1>
            <p>A GraphQL-first identity backend. Public URL: <code>{{E(baseUrl)}}</code></p>
            <ul>
              <li><a href="/graphql/v2">GraphQL IDE</a> (Banana Cake Pop) at <code>/graphql/v2</code>, with the default pool's
                <code>x-authing-userpool-id</code> header preset. For admin-only fields, query
                <code>accessToken(userPoolId, secret)</code> with the pool secret from <code>data/bootstrap.json</code>, then add the
                header <code>Authorization: Bearer &lt;accessToken&gt;</code> in the connection settings.</li>
            {{qrPage}}
              <li><a href="/oidc/.well-known/openid-configuration">OpenID discovery document</a> and
                <a href="/oidc/.well-known/jwks.json">JWKS</a> (the keys that verify id tokens)</li>
              <li><a href="/docs/README.md">README</a>: configuration, the REST paths, how the code is organised</li>
              <li><a href="/healthz">/healthz</a></li>
            </ul>
            <p>Default user pool id: <code>{{E(poolId ?? "(not bootstrapped yet)")}}</code><br>
            Default app id: <code>{{E(appId ?? "(not bootstrapped yet)")}}</code></p>
            </body>
            </html>
            """;
    }
}
