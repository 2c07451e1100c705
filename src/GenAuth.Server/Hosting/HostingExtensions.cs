using GenAuth.Server.GraphQL;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.Hosting;

/// <summary>The host's protections: error answers, body limit, CORS and security headers, the same in every environment.</summary>
public static class HostingExtensions
{
    public static IServiceCollection AddGenAuthHosting(this IServiceCollection services)
    {
        services.AddExceptionHandler<ErrorResponses>();
        services.AddGenAuthForwardedHeaders();
        // Note: Kestrel's own cap becomes GenAuth:Http:MaxBodyBytes instead of 30 MB; a path that takes more (the
        // avatar upload) raises it for its request only.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GraphQLHttpOptions>>((kestrel, http) =>
            kestrel.Limits.MaxRequestBodySize = http.Value.MaxBodyBytes);
        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.Section)
            .Validate(o => o.HstsMaxAgeSeconds >= 0, "GenAuth:Http:HstsMaxAgeSeconds must not be negative").ValidateOnStart();
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section)
            .Validate(o => o.PreflightMaxAgeSeconds >= 0, "GenAuth:Cors:PreflightMaxAgeSeconds must not be negative").ValidateOnStart();
        services.AddCors();
        services.Replace(ServiceDescriptor.Scoped<ICorsPolicyProvider, GenAuthCorsPolicyProvider>());
        services.AddScoped<ICorsOriginSource, PoolCorsOrigins>();
        services.AddScoped<ICorsOriginSource, AppCorsOrigins>();
        return services;
    }

    /// <summary>First in the pipeline, so every answer (errors included) carries the headers and CORS decision.</summary>
    public static WebApplication UseGenAuthHosting(this WebApplication app, PathString graphqlPath)
    {
        // Note: first, so the error handler, limits and logs all see the client's address, not the proxy's.
        app.UseGenAuthForwardedHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Note: ErrorResponses logs what may be logged (type, stack, trace id); the middleware's own log would
            // carry the exception's message, which can quote the request.
            SuppressDiagnosticsCallback = _ => true,
            // Note: ErrorResponses (an IExceptionHandler) answers every exception; this only satisfies the middleware.
            ExceptionHandler = http => ErrorResponses.WriteAsync(http, StatusCodes.Status500InternalServerError,
                GenAuth.Core.Common.ErrorCodes.Internal, null, http.RequestAborted),
        });
        app.UseGenAuthSecurityHeaders(graphqlPath);
        app.UseCors();
        return app;
    }
}
