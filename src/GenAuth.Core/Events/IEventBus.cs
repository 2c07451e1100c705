namespace GenAuth.Core.Events;

/// <summary>
/// Publish/subscribe between the instances of this server: in memory for one instance, Redis pub/sub for several.
/// Delivery is at most once and unordered across channels; subscribers re-read state they must not miss.
/// </summary>
public interface IEventBus
{
    Task PublishAsync(string channel, string payload, CancellationToken ct = default);

    /// <summary>
    /// Calls <paramref name="handler"/> for every payload published on the channel from the moment the returned
    /// task completes (so a subscriber can subscribe first, then read the current state, and miss nothing).
    /// Handlers run on a thread of the bus and must be quick; disposing the result unsubscribes.
    /// </summary>
    Task<IDisposable> SubscribeAsync(string channel, Action<string> handler, CancellationToken ct = default);

    /// <summary>
    /// False while this instance may not hear events published on other instances (Redis unreachable): caches that
    /// rely on the bus for eviction must not answer from memory then.
    /// </summary>
    bool Connected => true;

    /// <summary>
    /// Changes every time the bus lost or regained its connection, i.e. whenever events may have been missed: a cache
    /// entry stored under an older epoch is stale.
    /// </summary>
    long Epoch => 0;
}

/// <summary>Channel names used on the bus (one place, so instances agree).</summary>
public static class EventChannels
{
    public static string QrCode(string random) => "qr:" + random;

    public const string SessionRevoked = "sessions:revoked";

    /// <summary>A pool's user count changed (payload: the pool id).</summary>
    public const string UserCountChanged = "users:count";

    /// <summary>A pool or app changed (payload: "pool:{id}" or "app:{id}").</summary>
    public const string DirectoryChanged = "directory:changed";

    /// <summary>A pool's pipeline functions, environment or custom-database settings changed (payload: the pool id).</summary>
    public const string PipelinesChanged = "pipelines:changed";
}
