using System.Net;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Common;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GenAuth.Server.Operations;

/// <summary>What operators expect: health and readiness probes, metrics, traces, structured logs, graceful shutdown.</summary>
public static class OperationsExtensions
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddGenAuthOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = Read(builder.Configuration);
        services.AddOptions<OperationsOptions>().Bind(builder.Configuration.GetSection("GenAuth"))
            .Validate(o => o.Shutdown.TimeoutSeconds > 0, "GenAuth:Shutdown:TimeoutSeconds must be positive")
            .Validate(o => (o.Metrics.AllowedNetworks ?? []).All(n => IPNetwork.TryParse(n, out _)), "GenAuth:Metrics:AllowedNetworks must be CIDR networks")
            .ValidateOnStart();

        // Graceful shutdown: Kestrel stops accepting, in-flight requests get this long; WebSockets close with 1001 and
        // event streams complete as soon as the host is stopping (GraphQLWebSocketTransport, SseTransport).
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(1, settings.Shutdown.TimeoutSeconds)));
        services.AddHostedService<OutboxFlush>();

        var health = services.AddHealthChecks()
            .AddCheck<StoppingCheck>("stopping", tags: [ReadyTag])
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag]);
        if (RedisConfiguration(builder.Configuration) is { } redis)
            health.AddCheck("redis", new RedisReadyCheck(redis), tags: [ReadyTag]);

        if (settings.Logging.Json)
        {
            // Note: the host's request scope (RequestId, TraceId, path) and GraphQLExecutor's (PoolId, OperationName).
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // Note: nothing of OpenTelemetry is registered unless asked for, so the instruments have no listener and cost a branch.
        if (settings.Metrics.Enabled || settings.Tracing.OtlpEndpoint is { Length: > 0 })
        {
            var telemetry = services.AddOpenTelemetry();
            if (settings.Metrics.Enabled)
            {
                services.AddSingleton<ServerMetrics>();
                telemetry.WithMetrics(metrics => metrics
                    .AddMeter(GenAuthTelemetry.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddPrometheusExporter());
            }
            if (settings.Tracing.OtlpEndpoint is { Length: > 0 } endpoint)
            {
                telemetry.WithTracing(tracing => tracing
                    .AddSource(GenAuthTelemetry.SignInSourceName, "Microsoft.AspNetCore")
                    .AddOtlpExporter(o =>
                    {
                        o.Endpoint = new Uri(endpoint);
                        o.Protocol = settings.Tracing.OtlpProtocol.Equals("HttpProtobuf", StringComparison.OrdinalIgnoreCase)
                            ? OtlpExportProtocol.HttpProtobuf
                            : OtlpExportProtocol.Grpc;
                    }));
            }
        }
        return builder;
    }

    public static WebApplication MapGenAuthOperations(this WebApplication app)
    {
        // Note: the default writer answers the status word only (Healthy / Unhealthy, 200 / 503): no check names, no errors.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        var settings = app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.Metrics;
        if (settings.Enabled)
        {
            app.Services.GetRequiredService<ServerMetrics>();
            var networks = (settings.AllowedNetworks ?? OperationsOptions.MetricsOptions.Loopback).Select(n => IPNetwork.Parse(n)).ToArray();
            var key = string.IsNullOrEmpty(settings.BearerKey) ? null : Encoding.UTF8.GetBytes("Bearer " + settings.BearerKey);
            app.MapPrometheusScrapingEndpoint(settings.Path);
            app.UseWhen(http => http.Request.Path.StartsWithSegments(settings.Path), branch => branch.Use(async (http, next) =>
            {
                // Note: answered as if there were no such path, so a scanner learns nothing.
                if (!MayRead(http, networks, key))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(http);
            }));
        }
        return app;
    }

    private static bool MayRead(HttpContext http, IPNetwork[] networks, byte[]? key)
    {
        if (key is not null && http.Request.Headers.Authorization.ToString() is { Length: > 0 } given
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), key))
            return true;
        if (http.Connection.RemoteIpAddress is not { } ip)
            return false;
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        return networks.Any(n => n.Contains(ip));
    }

    private static OperationsOptions Read(IConfiguration configuration)
    {
        var options = new OperationsOptions();
        configuration.GetSection("GenAuth").Bind(options);
        return options;
    }

    private static string? RedisConfiguration(IConfiguration config)
    {
        var redis = config.GetConnectionString("Redis") ?? config["GenAuth:Redis"];
        return string.IsNullOrWhiteSpace(redis) ? null : redis;
    }
}
