using GenAuth.Core.Common;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GenAuth.Core.Events;

/// <summary>
/// The bus across instances: Redis pub/sub. Each instance holds one Redis subscription per channel that has local
/// handlers and fans out to them; publishing goes through Redis only, so every instance (this one included) hears
/// an event the same way.
/// </summary>
public sealed class RedisEventBus : IEventBus, IAsyncDisposable
{
    private const string Prefix = "genauth:";

    private readonly ILogger<RedisEventBus> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly LocalSubscriptions _local = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, (Task Ready, Action<RedisChannel, RedisValue> Handler)> _remote = new(StringComparer.Ordinal);
    private long _epoch;
    private int _subscriptionsBroken;

    public RedisEventBus(string configuration, ILogger<RedisEventBus> logger)
    {
        _logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        // Note: start even when Redis is down; publishes fail (logged) and subscriptions retry on reconnect.
        options.AbortOnConnectFail = false;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(options));
        // Note: connect now, so Connected is true from the first request on (not only after the first publish).
        _ = _connection.Value;
    }

    /// <inheritdoc />
    public bool Connected =>
        _connection.Value.IsCompletedSuccessfully && _connection.Value.Result.IsConnected && Volatile.Read(ref _subscriptionsBroken) == 0;

    /// <inheritdoc />
    public long Epoch => Interlocked.Read(ref _epoch);

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        // Note: messages published while a connection was down are lost (pub/sub keeps nothing): a new epoch tells
        // the caches that their entries may have missed an eviction.
        redis.ConnectionFailed += (_, e) =>
        {
            Interlocked.Increment(ref _epoch);
            _logger.LogWarning("Redis connection lost ({Failure}): caches answer from the database until it returns", e.FailureType);
        };
        redis.ConnectionRestored += (_, _) =>
        {
            Interlocked.Increment(ref _epoch);
            _logger.LogWarning("Redis connection restored: the event bus is shared again");
            Resubscribe();
        };
        return redis;
    }

    public async Task PublishAsync(string channel, string payload, CancellationToken ct = default)
    {
        var redis = await _connection.Value.WaitAsync(ct);
        GenAuthTelemetry.RedisCall("bus");
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Prefix + channel), payload);
    }

    public async Task<IDisposable> SubscribeAsync(string channel, Action<string> handler, CancellationToken ct = default)
    {
        Task ready;
        lock (_gate)
        {
            _local.Add(channel, handler);
            if (_remote.TryGetValue(channel, out var existing))
            {
                ready = existing.Ready;
            }
            else
            {
                void OnMessage(RedisChannel _, RedisValue value) =>
                    _local.Dispatch(channel, value.ToString(), e => _logger.LogError(e, "An event handler failed on {Channel}", channel));
                ready = SubscribeRemoteAsync(channel, OnMessage);
                _remote[channel] = (ready, OnMessage);
            }
        }
        var unsubscribe = new Unsubscriber(() => Remove(channel, handler));
        try
        {
            await ready.WaitAsync(ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Note: Redis is down (degraded): the handler stays and the channel is subscribed again when Redis
            // returns; until then Connected is false, so callers that must not miss events read the database instead.
            _logger.LogWarning("Subscribing to {Channel} waits for Redis ({Error})", channel, e.GetType().Name);
        }
        catch
        {
            unsubscribe.Dispose();
            throw;
        }
        return unsubscribe;
    }

    /// <summary>Channels with a live Redis subscription on this instance (diagnostics, tests).</summary>
    public int ChannelCount => _local.ChannelCount;

    private async Task SubscribeRemoteAsync(string channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            var redis = await _connection.Value;
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Prefix + channel), handler);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Note: e.g. an instance started while Redis was down: the channel is subscribed again when Redis returns,
            // and until then Connected is false, so the caches that rely on the bus answer from the database.
            Volatile.Write(ref _subscriptionsBroken, 1);
            throw;
        }
    }

    // Note: the client library may have kept (and restored) the handler of the failed attempt: dropped first, so the
    // channel has it once and no event is dispatched twice.
    private async Task ResubscribeRemoteAsync(string channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            var redis = await _connection.Value;
            await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(Prefix + channel), handler);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // the subscription below fails the same way and marks the bus broken
        }
        await SubscribeRemoteAsync(channel, handler);
    }

    // Subscriptions that failed (Redis was down when they were made) are made again once Redis answers.
    private void Resubscribe()
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscriptionsBroken, 0);
            foreach (var (channel, remote) in _remote.ToList())
                if (remote.Ready.IsFaulted || remote.Ready.IsCanceled)
                    _remote[channel] = (ResubscribeRemoteAsync(channel, remote.Handler), remote.Handler);
        }
    }

    private void Remove(string channel, Action<string> handler)
    {
        Action<RedisChannel, RedisValue> remoteHandler;
        lock (_gate)
        {
            if (!_local.Remove(channel, handler) || !_remote.Remove(channel, out var remote))
                return;
            remoteHandler = remote.Handler;
        }
        _ = UnsubscribeRemoteAsync(channel, remoteHandler);
    }

    private async Task UnsubscribeRemoteAsync(string channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            var redis = await _connection.Value;
            // Only this handler: a newer subscription to the same channel keeps its own.
            await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(Prefix + channel), handler);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Unsubscribing from {Channel} failed", channel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
            await (await _connection.Value).DisposeAsync();
    }
}
