using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace GenAuth.Server.Operations;

/// <summary>Ready when the database answers and has no pending migration.</summary>
public sealed class DatabaseReadyCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        if (!await db.Database.CanConnectAsync(ct))
            return HealthCheckResult.Unhealthy("database unreachable");
        return (await db.Database.GetPendingMigrationsAsync(ct)).Any()
            ? HealthCheckResult.Unhealthy("migrations pending")
            : HealthCheckResult.Healthy();
    }
}

/// <summary>Not ready once the host is stopping, so a load balancer stops sending new requests during the drain.</summary>
public sealed class StoppingCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("stopping")
            : HealthCheckResult.Healthy());
}

/// <summary>Ready when Redis (ConnectionStrings:Redis or GenAuth:Redis) answers a PING; registered only when it is configured.</summary>
public sealed class RedisReadyCheck(string configuration) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var redis = await ConnectAsync(ct);
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("redis unreachable");
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken ct)
    {
        if (_redis is { } ready)
            return ready;
        await _connecting.WaitAsync(ct);
        try
        {
            if (_redis is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                // Note: keeps reconnecting in the background, so a probe after Redis came back answers ready.
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = 2000;
                _redis = await ConnectionMultiplexer.ConnectAsync(options);
            }
            return _redis;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public void Dispose()
    {
        _redis?.Dispose();
        _connecting.Dispose();
    }
}
