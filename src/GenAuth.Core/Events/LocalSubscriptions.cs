using System.Collections.Immutable;

namespace GenAuth.Core.Events;

/// <summary>Handlers per channel on this instance; copy-on-write so dispatch never takes a lock.</summary>
internal sealed class LocalSubscriptions
{
    private readonly object _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Action<string>>> _handlers =
        ImmutableDictionary<string, ImmutableArray<Action<string>>>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Adds a handler; true when it is the channel's first.</summary>
    public bool Add(string channel, Action<string> handler)
    {
        lock (_gate)
        {
            var existing = _handlers.GetValueOrDefault(channel, ImmutableArray<Action<string>>.Empty);
            _handlers = _handlers.SetItem(channel, existing.Add(handler));
            return existing.IsEmpty;
        }
    }

    /// <summary>Removes a handler; true when the channel has none left.</summary>
    public bool Remove(string channel, Action<string> handler)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(channel, out var existing))
                return false;
            var left = existing.Remove(handler);
            _handlers = left.IsEmpty ? _handlers.Remove(channel) : _handlers.SetItem(channel, left);
            return left.IsEmpty;
        }
    }

    public bool Has(string channel) => _handlers.ContainsKey(channel);

    public int ChannelCount => _handlers.Count;

    public void Dispatch(string channel, string payload, Action<Exception> onError)
    {
        if (!_handlers.TryGetValue(channel, out var handlers))
            return;
        foreach (var handler in handlers)
        {
            try
            {
                handler(payload);
            }
            catch (Exception e)
            {
                onError(e);
            }
        }
    }
}

/// <summary>Runs an action once, on dispose.</summary>
internal sealed class Unsubscriber(Action action) : IDisposable
{
    private Action? _action = action;

    public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
}
