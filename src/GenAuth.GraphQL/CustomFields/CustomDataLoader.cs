using GenAuth.Core.CustomFields;

namespace GenAuth.GraphQL.CustomFields;

/// <summary>
/// Batches User.customData: list resolvers announce the users of their page (<see cref="Expect"/>), and the first
/// customData read loads the values of all of them in one go (two statements for a page, not one per user).
/// </summary>
public sealed class CustomDataLoader(CustomFieldService service)
{
    private readonly HashSet<string> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<CustomDataView>> _loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Expect(IEnumerable<string> userIds)
    {
        lock (_expected)
            _expected.UnionWith(userIds);
    }

    public async Task<IReadOnlyList<CustomDataView>> LoadAsync(string userId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_loaded.TryGetValue(userId, out var ready))
                return ready;
            List<string> batch;
            lock (_expected)
                batch = _expected.Where(id => !_loaded.ContainsKey(id)).Append(userId).Distinct().ToList();
            foreach (var (id, values) in await service.LoadAsync("USER", batch, ct))
                _loaded[id] = values;
            return _loaded[userId];
        }
        finally
        {
            _gate.Release();
        }
    }
}
