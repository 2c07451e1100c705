using Microsoft.Extensions.Logging;

namespace GenAuth.Core.Events;

/// <summary>The bus of a single instance: publishing calls this instance's handlers, synchronously.</summary>
public sealed class InMemoryEventBus(ILogger<InMemoryEventBus> logger) : IEventBus
{
    private readonly LocalSubscriptions _local = new();

    public Task PublishAsync(string channel, string payload, CancellationToken ct = default)
    {
        _local.Dispatch(channel, payload, e => logger.LogError(e, "An event handler failed on {Channel}", channel));
        return Task.CompletedTask;
    }

    public Task<IDisposable> SubscribeAsync(string channel, Action<string> handler, CancellationToken ct = default)
    {
        _local.Add(channel, handler);
        return Task.FromResult<IDisposable>(new Unsubscriber(() => _local.Remove(channel, handler)));
    }
}
