using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace GenAuth.Server.Ide;

/// <summary>
/// Serves the Banana Cake Pop IDE (installed into wwwroot-bcp/ by Ide/BananaCakePop.targets) at the GraphQL path.
/// It is a middleware rather than an endpoint so it can share GET {graphqlPath} with the GraphQL endpoint:
/// it short-circuits only IDE requests and lets everything else (POST, GET ?query=, non-HTML) fall through.
/// </summary>
public static class BananaCakePopExtensions
{
    private const string ImmutableCache = "public, max-age=31536000, immutable";

    /// <param name="presetHeaders">Headers every new IDE tab starts with (the default pool's x-authing-userpool-id), read per request.</param>
    public static IApplicationBuilder UseBananaCakePop(
        this IApplicationBuilder app, PathString graphqlPath, Func<IReadOnlyDictionary<string, string>>? presetHeaders = null,
        string? distDirectory = null)
    {
        var root = distDirectory ?? Path.Combine(AppContext.BaseDirectory, "wwwroot-bcp");
        var indexFile = Path.Combine(root, "index.html");
        if (!File.Exists(indexFile))
        {
            app.ApplicationServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(BananaCakePopExtensions))
                .LogWarning("Banana Cake Pop files not found in {Root}; the GraphQL IDE is disabled.", root);
            return app;
        }

        var indexHtml = File.ReadAllText(indexFile);
        var files = new PhysicalFileProvider(root);
        app.UseWhen(
            context => IsReadRequest(context.Request) && context.Request.Path.StartsWithSegments(graphqlPath),
            branch =>
            {
                branch.Use((context, next) => ServeGeneratedAsync(context, next, graphqlPath, indexHtml, presetHeaders));
                branch.UseStaticFiles(new StaticFileOptions
                {
                    RequestPath = graphqlPath,
                    FileProvider = files,
                    OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
                        file.Context.Request.Path.StartsWithSegments(graphqlPath + "/static") ? ImmutableCache : "no-cache",
                });
            });
        return app;
    }

    /// <summary>A browser navigating to the GraphQL path; a GraphQL GET (?query=) is never an IDE request.</summary>
    public static bool IsIdeRequest(HttpRequest request, PathString graphqlPath) =>
        IsReadRequest(request)
        && (request.Path == graphqlPath || request.Path == graphqlPath + "/")
        && !request.Query.ContainsKey("query")
        && request.GetTypedHeaders().Accept.Any(a =>
            a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);

    private static bool IsReadRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

    private static Task ServeGeneratedAsync(HttpContext context, RequestDelegate next, PathString graphqlPath, string indexHtml,
        Func<IReadOnlyDictionary<string, string>>? presetHeaders)
    {
        var request = context.Request;
        var endpoint = request.PathBase + graphqlPath;
        if (IsIdeRequest(request, graphqlPath) || request.Path == graphqlPath + "/index.html")
        {
            // index.html uses relative asset URLs; the base makes them work at "/graphql/v2" without a redirect.
            var baseHref = $"<base href=\"{HtmlEncoder.Default.Encode(endpoint + "/")}\"/>";
            return WriteAsync(context, "text/html; charset=utf-8", indexHtml.Replace("<head>", "<head>" + baseHref, StringComparison.Ordinal));
        }

        if (request.Path == graphqlPath + "/bcp-config.json")
        {
            // Shape read by the IDE's preset loader (see README in the npm package and the express middleware);
            // httpHeaders ({ name: value }) become the connection's headers, so the first query already names a pool.
            var config = new BananaCakePopConfig(endpoint.Value!, UseBrowserUrlAsEndpoint: true, DisableTelemetry: true,
                presetHeaders?.Invoke() is { Count: > 0 } headers ? headers : null);
            return WriteAsync(context, "application/json; charset=utf-8", JsonSerializer.Serialize(config, JsonSerializerOptions.Web));
        }

        return next(context);
    }

    private static Task WriteAsync(HttpContext context, string contentType, string body)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync(body);
    }

    private sealed record BananaCakePopConfig(string Endpoint, bool UseBrowserUrlAsEndpoint, bool DisableTelemetry,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? HttpHeaders);
}
