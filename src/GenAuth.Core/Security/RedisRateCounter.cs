using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GenAuth.Core.Security;

/// <summary>
/// Counters, strikes and locks in Redis (GenAuth:Redis or ConnectionStrings:Redis), so every instance counts into the same place:
/// N instances never give N times the attempts. Each operation is one Lua script (atomic); times come from the server's
/// clock, as in memory. While Redis is unreachable it counts in memory (logged once) and goes back to Redis when it answers.
/// </summary>
public sealed partial class RedisRateCounter : IRateCounter, ILockoutStore, IJobLease, IAsyncDisposable
{
    private const string Prefix = "genauth:rl:";

    // The memory counter's sliding window, in one hash per key: s = current window start, c = its count, p = the previous one's.
    private const string HitScript = """
        local size = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local start = now - (now % size)
        local h = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
        local s = tonumber(h[1])
        local c = tonumber(h[2]) or 0
        local p = tonumber(h[3]) or 0
        if s ~= start then
          if s == start - size then p = c else p = 0 end
          c = 0
        end
        if cost ~= 0 then
          c = c + cost
          if c < 0 then c = 0 end
          redis.call('HSET', KEYS[1], 's', start, 'c', c, 'p', p)
          redis.call('PEXPIRE', KEYS[1], size * 2)
        end
        return c + math.floor(p * (1 - (now - start) / size))
        """;

    // Strikes: like the counter's hash, answering current + previous undecayed.
    private const string StrikeScript = """
        local size = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        local start = now - (now % size)
        local h = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
        local s = tonumber(h[1])
        local c = tonumber(h[2]) or 0
        local p = tonumber(h[3]) or 0
        if s ~= start then
          if s == start - size then p = c else p = 0 end
          c = 0
        end
        c = c + 1
        redis.call('HSET', KEYS[1], 's', start, 'c', c, 'p', p)
        redis.call('PEXPIRE', KEYS[1], size * 2)
        return c + p
        """;

    // The lock's value is its end (ms since the epoch); the key expires then too. Answers the end it replaced (0: none).
    private const string LockScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        local untilMs = tonumber(ARGV[1])
        if untilMs > current then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        end
        return current
        """;

    private readonly TimeProvider _clock;
    private readonly ILogger<RedisRateCounter> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly MemoryRateCounter _memoryCounter;
    private readonly MemoryLockoutStore _memoryLocks;
    private int _degraded;

    public RedisRateCounter(string configuration, TimeProvider clock, ILogger<RedisRateCounter> logger)
    {
        _clock = clock;
        _logger = logger;
        _memoryCounter = new MemoryRateCounter(clock);
        _memoryLocks = new MemoryLockoutStore(clock);
        var options = ConfigurationOptions.Parse(configuration);
        // Note: start even when Redis is down, and fail fast while it is: a login must not wait on a dead Redis.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <summary>True while operations go to memory because Redis did not answer.</summary>
    public bool Degraded => Volatile.Read(ref _degraded) == 1;

    public ValueTask<long> HitAsync(string key, TimeSpan window, long cost = 1, CancellationToken ct = default) =>
        CountAsync(key, window, cost, () => _memoryCounter.HitAsync(key, window, cost, ct));

    public ValueTask<long> PeekAsync(string key, TimeSpan window, CancellationToken ct = default) =>
        CountAsync(key, window, 0, () => _memoryCounter.PeekAsync(key, window, ct));

    public async ValueTask ResetAsync(string key, CancellationToken ct = default)
    {
        await _memoryCounter.ResetAsync(key, ct);
        await RunAsync(async db =>
        {
            await db.KeyDeleteAsync(Prefix + key);
            return true;
        }, () => ValueTask.FromResult(true));
    }

    public ValueTask<bool> LockAsync(string key, TimeSpan duration, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ms = Math.Max(1L, (long)duration.TotalMilliseconds);
        return RunAsync(async db =>
        {
            var previous = (long)await db.ScriptEvaluateAsync(LockScript, [Prefix + "lock:" + key], [now + ms, ms]);
            return previous <= now;
        }, () => _memoryLocks.LockAsync(key, duration, ct));
    }

    public ValueTask<TimeSpan> RemainingAsync(string key, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db =>
        {
            var value = await db.StringGetAsync(Prefix + "lock:" + key);
            var until = value.HasValue && long.TryParse(value.ToString(), out var u) ? u : 0;
            return until > now ? TimeSpan.FromMilliseconds(until - now) : TimeSpan.Zero;
        }, () => _memoryLocks.RemainingAsync(key, ct));
    }

    public ValueTask<long> StrikeAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db => (long)await db.ScriptEvaluateAsync(StrikeScript, [Prefix + "strikes:" + key], [size, now]),
            () => _memoryLocks.StrikeAsync(key, window, ct));
    }

    public async ValueTask ForgetStrikesAsync(string key, CancellationToken ct = default)
    {
        await _memoryLocks.ForgetStrikesAsync(key, ct);
        await RunAsync(async db =>
        {
            await db.KeyDeleteAsync(Prefix + "strikes:" + key);
            return true;
        }, () => ValueTask.FromResult(true));
    }

    public ValueTask<bool> TryClaimAsync(string job, TimeSpan hold, CancellationToken ct = default)
    {
        var ms = Math.Max(1L, (long)hold.TotalMilliseconds);
        return RunAsync(db => db.StringSetAsync(Prefix + "job:" + job, Environment.MachineName + ":" + Environment.ProcessId,
                TimeSpan.FromMilliseconds(ms), When.NotExists),
            () => ValueTask.FromResult(true));
    }

    private ValueTask<long> CountAsync(string key, TimeSpan window, long cost, Func<ValueTask<long>> fallback)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db => (long)await db.ScriptEvaluateAsync(HitScript, [Prefix + key], [size, now, cost]), fallback);
    }

    private async ValueTask<T> RunAsync<T>(Func<IDatabase, Task<T>> redis, Func<ValueTask<T>> memory)
    {
        try
        {
            var connection = await _connection.Value;
            if (connection.IsConnected)
            {
                var result = await redis(connection.GetDatabase());
                if (Interlocked.Exchange(ref _degraded, 0) == 1)
                    Recovered(_logger);
                return result;
            }
            Degrade("not connected");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Note: the exception type only; counting goes on in this instance until Redis answers again.
            Degrade(e.GetType().Name);
        }
        return await memory();
    }

    private void Degrade(string why)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
            Unavailable(_logger, why);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is unavailable for rate counters and locks ({Error}): counting in this instance's memory until it answers again")]
    private static partial void Unavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: rate counters and locks are shared again")]
    private static partial void Recovered(ILogger logger);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
            await (await _connection.Value).DisposeAsync();
    }
}
