using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Admin;

/// <summary>What a first start created (or found): printed once and written to bootstrap.json.</summary>
public sealed record BootstrapInfo(string UserPoolId, string AppId, string Secret, bool Created);

/// <summary>Migrates the database and makes sure the default pool and app exist (preset ids honoured).</summary>
public sealed class Bootstrapper(IServiceProvider services, IOptions<GenAuthOptions> options, ILogger<Bootstrapper> logger)
{
    /// <summary>The `migrate` command: applies the migrations and nothing else (no pool, no keys, no server).</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<GenAuthDbContext>(), ct);
    }

    public async Task<BootstrapInfo> RunAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        if (o.Database.MigrateOnStart)
            await DatabaseSetup.MigrateAsync(db, ct);
        else
            await DatabaseSetup.EnsureMigratedAsync(db, ct);

        var path = Path.Combine(o.DataDirectory, "bootstrap.json");
        var saved = File.Exists(path) ? JsonSerializer.Deserialize<BootstrapInfo>(await File.ReadAllTextAsync(path, ct)) : null;
        // Note: an empty setting (GenAuth__Bootstrap__Secret= in an env file) means unset, never a pool whose id or secret is "".
        var (presetPool, presetApp, presetSecret) = (Preset(o.Bootstrap.UserPoolId), Preset(o.Bootstrap.AppId), Preset(o.Bootstrap.Secret));
        var poolId = presetPool ?? saved?.UserPoolId;
        var pools = scope.ServiceProvider.GetRequiredService<PoolService>();
        if (poolId is not null && await pools.ExistsAsync(poolId, ct))
        {
            var pool = await db.UserPools.AsNoTracking().FirstAsync(p => p.Id == poolId, ct);
            var appId = presetApp ?? saved?.AppId
                        ?? await db.Applications.IgnoreQueryFilters().Where(a => a.UserPoolId == poolId).Select(a => a.Id).FirstAsync(ct);
            var existing = new BootstrapInfo(poolId, appId, pools.RevealSecret(pool), false);
            if (presetSecret is not null && presetSecret != existing.Secret)
                logger.LogWarning("GenAuth:Bootstrap:Secret differs from the secret stored for pool {PoolId}; the stored one is kept", poolId);
            await WriteAsync(path, existing, ct);
            return existing;
        }

        var created = await pools.CreatePoolAsync(o.Bootstrap.PoolName, poolId, presetApp, presetSecret,
            o.Bootstrap.AppName, ct);
        var info = new BootstrapInfo(created.Pool.Id, created.App.Id, created.Secret, true);
        await WriteAsync(path, info, ct);
        return info;
    }

    private static string? Preset(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task WriteAsync(string path, BootstrapInfo info, CancellationToken ct)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await PrivateFiles.WriteAllTextAsync(path, JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }), ct);
    }
}
