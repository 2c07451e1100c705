using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Pipelines;

/// <summary>One enabled function as a run needs it.</summary>
public sealed record PipeDefinition(string Id, string Name, string SourceCode, int TimeoutMs)
{
    /// <summary>
    /// The function's text names user.customData / user.groups: only then does a run load them (two queries) and
    /// write their changes back. A function that never names them costs no query.
    /// </summary>
    public bool UsesCustomData { get; } = SourceCode.Contains("customData", StringComparison.Ordinal);
    public bool UsesGroups { get; } = SourceCode.Contains("groups", StringComparison.Ordinal);
}

/// <summary>Everything a pool's runs need, read once and cached: enabled functions by trigger, env, fetch hosts, custom database.</summary>
public sealed record PoolPipelines(
    FrozenDictionary<string, PipeDefinition[]> ByTrigger,
    SandboxEnvironment Environment,
    bool CustomDatabaseEnabled,
    string? LoginScript,
    string? GetUserScript)
{
    public static readonly PoolPipelines None = new(FrozenDictionary<string, PipeDefinition[]>.Empty, SandboxEnvironment.Empty, false, null, null);

    public PipeDefinition[] For(string trigger) => ByTrigger.TryGetValue(trigger, out var list) ? list : [];

    public bool HasAny => ByTrigger.Count > 0;
}

/// <summary>
/// Per-pool cache of <see cref="PoolPipelines"/>: a sign-in in a pool without functions makes no query for them. A change
/// forgets the pool here and, through the event bus (Redis), on every other instance at once. A cached entry is only
/// trusted while the bus that evicts it is connected and has not been interrupted since it was cached (an eviction
/// published meanwhile was lost); otherwise the database answers. GenAuth:Pipelines:CacheSeconds bounds an entry's life.
/// </summary>
public sealed class PipelineDirectory
{
    internal const string EnvPurpose = "GenAuth.Pipeline.env.v1";

    private sealed record Cached(PoolPipelines Pipelines, long Epoch);

    private readonly IMemoryCache cache;
    private readonly SecretSealer sealer;
    private readonly IOptions<PipelineOptions> options;
    private readonly IEventBus bus;
    // Note: bumped by every eviction of a pool, so a load that began before a change is not cached after it.
    private readonly ConcurrentDictionary<string, long> generations = new(StringComparer.Ordinal);

    public PipelineDirectory(IMemoryCache cache, SecretSealer sealer, IOptions<PipelineOptions> options, IEventBus bus)
    {
        this.cache = cache;
        this.sealer = sealer;
        this.options = options;
        this.bus = bus;
        _ = bus.SubscribeAsync(EventChannels.PipelinesChanged, ForgetHere);
    }

    public async Task<PoolPipelines> GetAsync(GenAuthDbContext db, string poolId, CancellationToken ct)
    {
        var epoch = bus.Epoch;
        if (!bus.Connected)
            return await LoadAsync(db, poolId, ct);
        if (cache.TryGetValue(("pipelines", poolId), out Cached? cached) && cached!.Epoch == epoch)
            return cached.Pipelines;
        var generation = generations.GetValueOrDefault(poolId);
        var fresh = await LoadAsync(db, poolId, ct);
        if (generations.GetValueOrDefault(poolId) == generation)
            cache.Set(("pipelines", poolId), new Cached(fresh, epoch), TimeSpan.FromSeconds(Math.Max(1, options.Value.CacheSeconds)));
        return fresh;
    }

    /// <summary>Forgets the pool's functions here and on every other instance (through the bus).</summary>
    public void Forget(string poolId)
    {
        ForgetHere(poolId);
        _ = AnnounceAsync(poolId);
    }

    private void ForgetHere(string poolId)
    {
        generations.AddOrUpdate(poolId, 1, (_, g) => g + 1);
        cache.Remove(("pipelines", poolId));
    }

    private async Task AnnounceAsync(string poolId)
    {
        try
        {
            await bus.PublishAsync(EventChannels.PipelinesChanged, poolId);
        }
        catch (Exception)
        {
            // Note: Redis is down: the other instances' bus is not connected either (they read the database), and when
            // it returns the new epoch drops what they cached before.
        }
    }

    private async Task<PoolPipelines> LoadAsync(GenAuthDbContext db, string poolId, CancellationToken ct)
    {
        var functions = await db.Set<PipelineFunction>().IgnoreQueryFilters().AsNoTracking()
            .Where(f => f.UserPoolId == poolId && f.Enabled)
            .OrderBy(f => f.Order).ThenBy(f => f.CreatedAt).ThenBy(f => f.Id)
            .Select(f => new { f.Id, f.Name, f.SourceCode, f.TimeoutMs, f.Trigger })
            .ToListAsync(ct);
        var env = await db.Set<PipelineEnvVar>().IgnoreQueryFilters().AsNoTracking().Where(e => e.UserPoolId == poolId).ToListAsync(ct);
        var settings = await db.Set<PipelineSettings>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.UserPoolId == poolId, ct);
        if (functions.Count == 0 && env.Count == 0 && settings is null)
            return PoolPipelines.None;
        var byTrigger = functions.GroupBy(f => f.Trigger)
            .ToFrozenDictionary(g => g.Key, g => g.Select(f => new PipeDefinition(f.Id, f.Name, f.SourceCode, f.TimeoutMs)).ToArray());
        var values = env.ToDictionary(e => e.Key, e => Unseal(poolId, e), StringComparer.Ordinal);
        return new PoolPipelines(byTrigger, new SandboxEnvironment(values, FetchHosts(settings?.FetchAllowList)),
            settings?.CustomDatabaseEnabled == true, settings?.CustomDatabaseLoginScript, settings?.CustomDatabaseGetUserScript);
    }

    public static IReadOnlyList<string> FetchHosts(string? list) =>
        (list ?? "").Split(['\n', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => h.ToLowerInvariant()).Distinct().ToArray();

    internal byte[] Seal(string poolId, string key, string value) =>
        sealer.Seal(Encoding.UTF8.GetBytes($"{EnvPurpose}|{poolId}|{key}|{value}"));

    internal string Unseal(string poolId, PipelineEnvVar row)
    {
        var text = Encoding.UTF8.GetString(sealer.Unseal(row.SealedValue));
        var prefix = $"{EnvPurpose}|{poolId}|{row.Key}|";
        // Note: a sealed value copied to another pool's or key's row doesn't open there.
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException("An environment variable's sealed value belongs to another pool or key.");
        return text[prefix.Length..];
    }
}
