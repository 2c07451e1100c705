using GenAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace GenAuth.Tests.Compat;

/// <summary>
/// The server's route table as ASP.NET Core holds it (EndpointDataSource) plus the OIDC endpoints OpenIddict answers in
/// its own middleware. With GENAUTH_ROUTES_OUT set it is written there, one "METHOD /template" a line (METHOD * = any):
/// tests/sdk-compat/coverage.mjs matches the SDK's REST calls against it.
/// </summary>
public sealed class RouteTableTests : IDisposable
{
    private readonly GenAuthApp _app = new();

    public void Dispose() => _app.Dispose();

    public static IReadOnlyList<string> RoutesOf(IServiceProvider services)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods is { Count: > 0 } ? methods : ["*"])
                lines.Add($"{method} {template}");
        }
        var oidc = services.GetRequiredService<IOptions<OpenIddictServerOptions>>().Value;
        foreach (var uri in new[] { oidc.AuthorizationEndpointUris, oidc.TokenEndpointUris, oidc.UserInfoEndpointUris,
                     oidc.IntrospectionEndpointUris, oidc.RevocationEndpointUris, oidc.EndSessionEndpointUris, oidc.ConfigurationEndpointUris }
                     .SelectMany(u => u))
            lines.Add("* /" + uri.OriginalString.TrimStart('/'));
        return [.. lines];
    }

    [Fact]
    public void TheRouteTableHoldsTheRestAndOidcRoutes()
    {
        using var client = _app.CreateClient(); // starts the host, so the endpoints are built
        var routes = RoutesOf(_app.Services);

        if (Environment.GetEnvironmentVariable("GENAUTH_ROUTES_OUT") is { Length: > 0 } file)
            File.WriteAllLines(file, routes);

        Assert.Contains("* /graphql/v2", routes);
        Assert.Contains(routes, r => r.StartsWith("GET /api/v2/users/{id", StringComparison.Ordinal));
        Assert.Contains("* /oidc/token/introspection", routes);
    }
}
