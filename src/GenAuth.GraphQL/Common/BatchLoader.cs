using GraphQL;
using GraphQL.DataLoader;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL.Common;

/// <summary>
/// The request's batch loaders, by name. Scoped: keys collected while one GraphQL level resolves are fetched
/// together, and answers are cached for the rest of the request.
/// </summary>
public sealed class BatchLoaders
{
    private readonly Dictionary<string, object> _loaders = new(StringComparer.Ordinal);

    public BatchLoader<TKey, TValue> Get<TKey, TValue>(string name, Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        lock (_loaders)
        {
            if (!_loaders.TryGetValue(name, out var loader))
                _loaders[name] = loader = new BatchLoader<TKey, TValue>(fetch);
            return (BatchLoader<TKey, TValue>)loader;
        }
    }
}

/// <summary>
/// Collects keys and returns pending results; the execution strategy completes those only after every other node of
/// the level ran, so the first completion fetches all collected keys with one call (one SQL statement or a fixed few).
/// </summary>
public sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
    where TKey : notnull
{
    private readonly HashSet<TKey> _pending = [];
    private readonly Dictionary<TKey, TValue> _loaded = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        lock (_pending)
        {
            if (!_loaded.ContainsKey(key))
                _pending.Add(key);
        }
        return new Pending(this, key);
    }

    /// <summary>Several keys at once; missing ones are left out of the list.</summary>
    public IDataLoaderResult<List<TValue>> LoadMany(IReadOnlyList<TKey> keys)
    {
        foreach (var key in keys)
            Load(key);
        return new Many(this, keys);
    }

    private async Task<TValue?> GetAsync(TKey key, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            List<TKey> batch;
            lock (_pending)
            {
                if (_loaded.TryGetValue(key, out var done))
                    return done;
                _pending.Add(key);
                batch = [.. _pending];
                _pending.Clear();
            }
            var found = await fetch(batch, ct);
            lock (_pending)
            {
                foreach (var k in batch)
                    _loaded[k] = found.TryGetValue(k, out var v) ? v : default!;
                return _loaded[key];
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Many(BatchLoader<TKey, TValue> loader, IReadOnlyList<TKey> keys) : IDataLoaderResult<List<TValue>>
    {
        public async Task<List<TValue>> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var list = new List<TValue>(keys.Count);
            foreach (var key in keys)
                if (await loader.GetAsync(key, cancellationToken) is { } value)
                    list.Add(value);
            return list;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    private sealed class Pending(BatchLoader<TKey, TValue> loader, TKey key) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken);
    }
}

public static class BatchLoaderExtensions
{
    public static BatchLoaders Loaders(this IResolveFieldContext context) => context.RequestServices!.GetRequiredService<BatchLoaders>();

    /// <summary>A batch-loaded list as GenAuth's { totalCount, list } page (a key the batch didn't find: empty).</summary>
    public static GenAuth.Core.Common.Page<T> AsPage<T>(this List<T>? list) =>
        list is null ? GenAuth.Core.Common.Page<T>.Empty : new GenAuth.Core.Common.Page<T>(list.Count, list);

    /// <summary>A pending result turned into another once it arrives (still completed in the batch phase).</summary>
    public static IDataLoaderResult<TOut> Then<TIn, TOut>(this IDataLoaderResult<TIn> result, Func<TIn, TOut> map) =>
        new Mapped<TIn, TOut>(result, map);

    private sealed class Mapped<TIn, TOut>(IDataLoaderResult<TIn> inner, Func<TIn, TOut> map) : IDataLoaderResult<TOut>
    {
        public async Task<TOut> GetResultAsync(CancellationToken cancellationToken = default) => map(await inner.GetResultAsync(cancellationToken));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
