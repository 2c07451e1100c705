using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using GenAuth.Core;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;
using GenAuth.Server.Callers;
using GenAuth.Server.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.Pages;

/// <summary>
/// What every hosted page (login, personal center) shares: the app and pool it serves, the language, the CSP nonce,
/// the antiforgery token, and the one layout. Pages are server-rendered strings; every dynamic value goes through
/// <see cref="E"/> (HtmlEncoder), so nothing a user or an admin typed becomes markup.
/// </summary>
public sealed partial class PageRequest
{
    public const string LangCookie = "ga_lang";

    public required HttpContext Http { get; init; }
    public required UserPool Pool { get; init; }
    public required Application App { get; init; }
    public required bool DefaultApp { get; init; }
    public required string Lang { get; init; }
    public required string Nonce { get; init; }
    public required CallerContext Caller { get; init; }
    public required GenAuthDbContext Db { get; init; }

    /// <summary>The tenant the page signs in under (a tenant-enabled app and a tenant_id of a tenant using it): its branding shows.</summary>
    public GenAuth.Core.Tenants.Tenant? Tenant { get; init; }

    public bool English => Lang == "en-US";

    /// <summary>The UI string in the page's language.</summary>
    public string T(string key) => Texts.Get(key, Lang);

    /// <summary>HTML-encodes text and attribute values (quotes included).</summary>
    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>The hidden fields every form carries: the antiforgery token and the app it signs in to.</summary>
    public string Hidden(string? returnUrl = null)
    {
        var tokens = Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http);
        var sb = new StringBuilder();
        sb.Append($"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">");
        sb.Append($"<input type=\"hidden\" name=\"app_id\" value=\"{E(App.Id)}\">");
        if (Caller.TenantId is { } tenantId)
            sb.Append($"<input type=\"hidden\" name=\"tenant_id\" value=\"{E(tenantId)}\">");
        if (returnUrl is not null)
            sb.Append($"<input type=\"hidden\" name=\"return_url\" value=\"{E(returnUrl)}\">");
        return sb.ToString();
    }

    /// <summary>The personal center of this page's pool (with the app named when it isn't the pool's default).</summary>
    public string CenterUrl => DefaultApp ? "/u" : "/u?app_id=" + Uri.EscapeDataString(App.Id);

    /// <summary>
    /// Only a local path may follow a sign-in (no scheme, no "//host" or "/\host", no control characters): anything
    /// else would make the login page an open redirect.
    /// </summary>
    public string SafeReturnUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048 || url[0] != '/' || (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
            || url.Any(c => char.IsControl(c) || c == '\\'))
            return CenterUrl;
        return url;
    }

    /// <summary>This page's URL with the language replaced: the language switch's link.</summary>
    public string WithLang(string lang)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Http.Request.QueryString.Value);
        var pairs = query.Where(p => p.Key != "lang").SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("lang", lang));
        var path = Http.Request.Method == HttpMethods.Get ? Http.Request.Path.Value ?? "/" : PathAfterPost();
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, pairs);
    }

    // A form answer re-rendered after a POST switches language on its GET page.
    private string PathAfterPost() => (Http.Request.Path.Value ?? "").StartsWith("/u", StringComparison.Ordinal) ? "/u" : "/login";

    /// <summary>The complete page: layout, branding, language switch, with the strict CSP of this request's nonce.</summary>
    /// <param name="frameSources">" origin …" the page may frame (the front-channel logout iframes); none otherwise.</param>
    public IResult Render(string title, string body, int status = 200, string? script = null, string? mainAttributes = null,
        string mainId = "main", string? frameSources = null)
    {
        var brandColor = PageBranding.Color(App);
        var css = PageBranding.Css(App);
        var logo = Tenant is not null ? PageBranding.TenantLogo(Tenant) ?? PageBranding.Logo(App) : PageBranding.Logo(App);
        var sb = new StringBuilder(4096);
        sb.Append($"<!doctype html><html lang=\"{E(Lang)}\"><head><meta charset=\"utf-8\">");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append($"<title>{E(title)} · {E(App.Name)}</title>");
        sb.Append("<link rel=\"stylesheet\" href=\"/_pages/site.css\">");
        if (brandColor is not null || css is not null)
        {
            sb.Append($"<style nonce=\"{Nonce}\">");
            if (brandColor is not null)
                sb.Append($":root{{--primary:{brandColor};}}");
            if (css is not null)
                sb.Append(css);
            sb.Append("</style>");
        }
        sb.Append("</head><body>");
        sb.Append($"<a class=\"skip\" href=\"#{mainId}\">").Append(E(T("skip"))).Append("</a>");
        sb.Append("<header class=\"top\"><div class=\"brand\">");
        if (logo is not null)
            sb.Append($"<img class=\"logo\" src=\"{E(logo)}\" alt=\"\">");
        // A tenant's page names the tenant first (its name escaped like every value), then the app.
        if (Tenant is not null)
            sb.Append($"<span class=\"tenant-name\">{E(Tenant.Name)}</span><span class=\"muted\" aria-hidden=\"true\">·</span>");
        sb.Append($"<span class=\"app-name\">{E(App.Name)}</span></div>");
        sb.Append($"<nav class=\"langs\" aria-label=\"{E(T("language"))}\">");
        sb.Append(LangLink("zh-CN", "中文")).Append(LangLink("en-US", "English"));
        sb.Append("</nav></header>");
        sb.Append($"<main id=\"{mainId}\" tabindex=\"-1\"{mainAttributes ?? ""}>");
        sb.Append(body);
        sb.Append("</main>");
        sb.Append("<script src=\"/_pages/site.js\"></script>");
        if (script is not null)
            sb.Append($"<script src=\"{E(script)}\"></script>");
        sb.Append("</body></html>");
        ApplyHeaders(Http.Response, Nonce, RedirectOrigins(App), frameSources, PageBranding.ImageOrigin(logo));
        return Results.Content(sb.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private string LangLink(string lang, string label) => lang == Lang
        ? $"<a href=\"{E(WithLang(lang))}\" lang=\"{lang}\" aria-current=\"true\">{E(label)}</a>"
        : $"<a href=\"{E(WithLang(lang))}\" lang=\"{lang}\">{E(label)}</a>";

    /// <summary>Strict CSP: this server's scripts and styles only, plus the one nonce'd style block of the app's branding.</summary>
    /// <remarks>
    /// form-action also lists the origins of the app's registered redirect URIs: a sign-in post answers 303 to the
    /// OIDC authorize endpoint, which redirects to the app, and browsers apply form-action to that whole chain.
    /// </remarks>
    /// <param name="imageOrigin">" https://host" of a tenant's logo: the one other origin images may come from.</param>
    public static void ApplyHeaders(HttpResponse response, string nonce, string? formTargets = null, string? frameSources = null,
        string? imageOrigin = null)
    {
        var frames = string.IsNullOrEmpty(frameSources) ? "" : $"frame-src{frameSources}; ";
        response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:{imageOrigin}; {frames}" +
            $"connect-src 'self'; form-action 'self'{formTargets}; base-uri 'none'; frame-ancestors 'none'";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>A box for an error or a notice, announced to screen readers.</summary>
    public static string Alert(string? error, string? notice = null)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(error))
            sb.Append($"<p class=\"alert error\" role=\"alert\" id=\"form-error\">{E(error)}</p>");
        if (!string.IsNullOrEmpty(notice))
            sb.Append($"<p class=\"alert notice\" role=\"status\">{E(notice)}</p>");
        return sb.ToString();
    }

    /// <summary>A labelled input.</summary>
    public string Field(string name, string labelKey, string type = "text", string? value = null, string? autocomplete = null,
        bool required = true, string? id = null, string? extra = null)
    {
        id ??= "f-" + name;
        var ac = autocomplete is null ? "" : $" autocomplete=\"{autocomplete}\"";
        var req = required ? " required" : "";
        var val = value is null ? "" : $" value=\"{E(value)}\"";
        return $"<div class=\"field\"><label for=\"{E(id)}\">{E(T(labelKey))}</label>" +
               $"<input id=\"{E(id)}\" name=\"{E(name)}\" type=\"{type}\"{val}{ac}{req}{extra ?? ""}></div>";
    }

    /// <summary>" origin1 origin2 …" of the app's registered redirect URIs (http(s) origins, or a native app's scheme).</summary>
    public static string RedirectOrigins(Application app)
    {
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in (app.RedirectUris ?? "").Split([' ', ',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri))
                continue;
            if (uri.Scheme is "http" or "https")
                sources.Add(uri.GetLeftPart(UriPartial.Authority));
            else if (uri.Scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '-'))
                sources.Add(uri.Scheme + ":");
        }
        return sources.Count == 0 ? "" : " " + string.Join(' ', sources.Take(20));
    }

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
}

/// <summary>Opens a page: resolves the app (or the pool's default app), the language and the request's caller.</summary>
public sealed class PageSetup(BootstrapService bootstrap, PoolDirectory pools, CallerResolver resolver)
{
    public async Task<PageRequest?> OpenAsync(HttpContext http, string? appId, CancellationToken ct)
    {
        var db = http.RequestServices.GetRequiredService<GenAuthDbContext>();
        var defaultAppId = bootstrap.Info?.AppId;
        var id = string.IsNullOrWhiteSpace(appId) ? defaultAppId : appId.Trim();
        if (string.IsNullOrEmpty(id) || id.Length > 64)
            return null;
        var app = await pools.FindAppAsync(db, id, ct);
        if (app is null)
            return null;
        var pool = await pools.FindPoolAsync(db, app.UserPoolId, ct);
        if (pool is null)
            return null;
        var lang = LanguageOf(http, pool.DefaultLanguage);
        var caller = http.RequestServices.GetRequiredService<CallerContext>();
        await resolver.ResolveAsync(db, caller, new CallerHeaders(null, app.Id, null, lang,
            http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null), ct);
        caller.Lang = lang;
        // The tenant a tenant-enabled app signs in under: the page's tenant_id, carried by its forms (Hidden). Only a form
        // the handler already read (within its limits) is looked at: this never reads a body itself.
        var tenant = http.Request.Query["tenant_id"].ToString() is { Length: > 0 } q ? q
            : http.Features.Get<Microsoft.AspNetCore.Http.Features.IFormFeature>()?.Form?["tenant_id"].ToString() is { Length: > 0 } f ? f : null;
        caller.TenantId = tenant is { Length: <= 64 } ? tenant : null;
        // A tenant-enabled app's page shows the tenant's branding, when the tenant exists in the pool and uses the app.
        GenAuth.Core.Tenants.Tenant? shown = null;
        if (caller.TenantId is { } tenantId && GenAuth.Core.Tenants.AppTypes.TenantEnabled(app.AppType))
        {
            var found = await db.Tenants.AsNoTracking().IgnoreQueryFilters()
                .FirstOrDefaultAsync(t => t.Id == tenantId && t.UserPoolId == pool.Id, ct);
            if (found is not null && found.AppIds.Split(',', StringSplitOptions.TrimEntries).Contains(app.Id))
                shown = found;
        }
        return new PageRequest
        {
            Http = http, Pool = pool, App = app, DefaultApp = app.Id == defaultAppId, Lang = lang, Nonce = PageRequest.NewNonce(),
            Caller = caller, Db = db, Tenant = shown,
        };
    }

    /// <summary>?lang= (remembered in a cookie), else the cookie, else Accept-Language, else the pool's default.</summary>
    public static string LanguageOf(HttpContext http, string? poolDefault)
    {
        var query = Normalize(http.Request.Query["lang"].ToString());
        if (query is not null)
        {
            http.Response.Cookies.Append(PageRequest.LangCookie, query, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/", IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
            return query;
        }
        return Normalize(http.Request.Cookies[PageRequest.LangCookie])
               ?? HttpCaller.PreferredLanguage(http.Request.Headers.AcceptLanguage.ToString())
               ?? Normalize(poolDefault) ?? "zh-CN";
    }

    private static string? Normalize(string? lang) =>
        string.IsNullOrEmpty(lang) ? null
        : lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en-US"
        : lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN"
        : null;

    /// <summary>A page for a request that names no known app: plain, in the browser's language.</summary>
    public static IResult UnknownApp(HttpContext http)
    {
        var lang = LanguageOf(http, null);
        var nonce = PageRequest.NewNonce();
        PageRequest.ApplyHeaders(http.Response, nonce);
        var html = $"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
                   $"<title>{PageRequest.E(Texts.Get("unknown-app", lang))}</title><link rel=\"stylesheet\" href=\"/_pages/site.css\"></head>" +
                   $"<body><main id=\"main\"><h1>{PageRequest.E(Texts.Get("unknown-app", lang))}</h1></main></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, 404);
    }
}

/// <summary>The app's branding as the pages apply it: only values that can't break out of their place are used.</summary>
public static partial class PageBranding
{
    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();

    public static string? Color(Application app) =>
        app.Branding?.PrimaryColor is { } c && HexColor().IsMatch(c) ? c : null;

    /// <summary>The admin's CSS, inside a style element: "&lt;" can never close it.</summary>
    public static string? Css(Application app) =>
        string.IsNullOrWhiteSpace(app.Branding?.CustomCss) ? null : app.Branding.CustomCss.Replace("<", "\\3c ");

    /// <summary>A data: image or a local path (the CSP allows no other origin).</summary>
    public static string? Logo(Application app) =>
        app.Logo is { Length: > 0 and < 200_000 } l
        && (l.StartsWith("data:image/", StringComparison.Ordinal) || (l.StartsWith('/') && !l.StartsWith("//", StringComparison.Ordinal)))
            ? l : null;

    /// <summary>
    /// A tenant's logo: a data: image, or an absolute https URL (no credentials, no quote or space: it goes into an
    /// attribute and the CSP); anything else is not shown.
    /// </summary>
    public static string? TenantLogo(GenAuth.Core.Tenants.Tenant tenant)
    {
        var l = tenant.Logo;
        if (l is not { Length: > 0 and < 200_000 })
            return null;
        if (l.StartsWith("data:image/", StringComparison.Ordinal) && !l.StartsWith("data:image/svg", StringComparison.OrdinalIgnoreCase))
            return l;
        return l.Length <= 2048 && Uri.TryCreate(l, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
               && string.IsNullOrEmpty(uri.UserInfo) && !l.Any(c => c is '"' or '\'' or ' ' or ';' or ',' || char.IsControl(c))
            ? uri.AbsoluteUri
            : null;
    }

    /// <summary>" https://host[:port]" for an https logo (the CSP's img-src must allow it); null for data: and local ones.</summary>
    public static string? ImageOrigin(string? logo) =>
        logo is not null && logo.StartsWith("https://", StringComparison.Ordinal) && Uri.TryCreate(logo, UriKind.Absolute, out var uri)
            ? " " + uri.GetLeftPart(UriPartial.Authority)
            : null;

    /// <summary>The sign-in methods the app shows: password, code, qr (all when the app names none).</summary>
    public static bool Shows(Application app, string method)
    {
        var list = app.Branding?.LoginMethods;
        if (string.IsNullOrWhiteSpace(list))
            return true;
        return list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(method, StringComparer.OrdinalIgnoreCase);
    }
}

public static class PageServices
{
    /// <summary>Antiforgery for every page form, with its keys persisted under the data directory (restarts keep forms valid).</summary>
    public static IServiceCollection AddHostedPages(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("GenAuth");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<GenAuthOptions>, ILoggerFactory, GenAuth.Core.Security.SecretSealer>(
            (o, genauth, logs, sealer) =>
            {
                o.XmlRepository = new SealedXmlRepository(new FileSystemXmlRepository(
                    new DirectoryInfo(Path.Combine(genauth.Value.DataDirectory, "dataprotection-keys")), logs), sealer);
            });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ga_csrf";
            o.FormFieldName = "__RequestVerificationToken";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Note: antiforgery would send X-Frame-Options SAMEORIGIN; the pages forbid every framer (CSP frame-ancestors
            // 'none', and the security-headers middleware adds X-Frame-Options DENY to match).
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddScoped<PageSetup>();
        return services;
    }

    public static IEndpointRouteBuilder MapHostedPages(this IEndpointRouteBuilder app)
    {
        PageAssets.Map(app);
        LoginPages.Map(app);
        AccountPages.Map(app);
        return app;
    }
}

/// <summary>The pages' CSS and scripts, embedded in the assembly: nothing is fetched from elsewhere.</summary>
public static class PageAssets
{
    private static readonly Dictionary<string, Lazy<string>> Files = new()
    {
        ["site.css"] = new(() => Read("site.css")),
        ["site.js"] = new(() => Read("site.js")),
        ["qr.js"] = new(() => Read("qr.js")),
        ["logout.js"] = new(() => Read("logout.js")),
    };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/_pages/{name}", (string name, HttpResponse response) =>
        {
            if (!Files.TryGetValue(name, out var file))
                return Results.NotFound();
            response.Headers.CacheControl = "no-cache";
            response.Headers.XContentTypeOptions = "nosniff";
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            return Results.Text(file.Value, type);
        });

    private static string Read(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("GenAuth.Server.Pages.Assets." + name)
                           ?? throw new InvalidOperationException($"Embedded page asset {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
