using GenAuth.Core.Common;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GenAuth.Core.Security;

/// <summary>
/// Counters, strikes and locks in Redis (GenAuth:Redis or ConnectionStrings:Redis), so every instance counts into the same place:
/// N instances never give N times the attempts. Each operation is one Lua script (atomic); times come from the server's
/// clock, as in memory. While Redis is unreachable it counts in the database (<see cref="DatabaseRateStore"/>; logged once),
/// so the instances still share one count, and goes back to Redis when it answers: then what was counted in the database
/// during the outage is taken out of it and added into Redis (<see cref="DrainAsync"/>). The normal path makes no database
/// call; the database is only asked while a Redis call can't be made.
/// </summary>
// Note: counts made in Redis before an outage are not visible during it (Redis is what is down): an outage starts each
// key's count afresh in the database, and after it the two are added up, so within one outage a key gets at most one
// more allowance, never N per instance.
public sealed partial class RedisRateCounter : IRateCounter, ILockoutStore, IJobLease, ISingleUseStore, IAsyncDisposable
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

    // Adds a database row's window (replayed after an outage) into the Redis hash of the same key, both rolled to the
    // current window first. ARGV: size, now, the row's start, current, previous.
    private const string MergeScript = """
        local size = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        local ds = tonumber(ARGV[3])
        local dc = tonumber(ARGV[4])
        local dp = tonumber(ARGV[5])
        local start = now - (now % size)
        local h = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
        local s = tonumber(h[1])
        local c = tonumber(h[2]) or 0
        local p = tonumber(h[3]) or 0
        if s ~= start then
          if s == start - size then p = c else p = 0 end
          c = 0
        end
        if ds == start then
          c = c + dc
          p = p + dp
        elseif ds == start - size then
          p = p + dc
        end
        if c == 0 and p == 0 then return 0 end
        redis.call('HSET', KEYS[1], 's', start, 'c', c, 'p', p)
        redis.call('PEXPIRE', KEYS[1], size * 2)
        return 1
        """;

    private readonly TimeProvider _clock;
    private readonly ILogger<RedisRateCounter> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly IRateCounter _fallbackCounter;
    private readonly ILockoutStore _fallbackLocks;
    private readonly ISingleUseStore _fallbackOnce;
    private readonly DatabaseRateStore? _database;
    private int _degraded;
    private int _drainedOnce;

    /// <param name="database">Where to count while Redis is unreachable; null: this instance's memory (one instance, tests).</param>
    public RedisRateCounter(string configuration, TimeProvider clock, ILogger<RedisRateCounter> logger, DatabaseRateStore? database = null)
    {
        _clock = clock;
        _logger = logger;
        _database = database;
        _fallbackCounter = database ?? (IRateCounter)new MemoryRateCounter(clock);
        _fallbackLocks = database ?? (ILockoutStore)new MemoryLockoutStore(clock);
        _fallbackOnce = database ?? (ISingleUseStore)new MemorySingleUseStore(clock);
        var options = ConfigurationOptions.Parse(configuration);
        // Note: start even when Redis is down, and fail fast while it is: a login must not wait on a dead Redis.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <summary>True while operations go to the database (or memory) because Redis did not answer.</summary>
    public bool Degraded => Volatile.Read(ref _degraded) == 1;

    public ValueTask<long> HitAsync(string key, TimeSpan window, long cost = 1, CancellationToken ct = default) =>
        CountAsync(key, window, cost, () => _fallbackCounter.HitAsync(key, window, cost, ct));

    public ValueTask<long> PeekAsync(string key, TimeSpan window, CancellationToken ct = default) =>
        CountAsync(key, window, 0, () => _fallbackCounter.PeekAsync(key, window, ct));

    public async ValueTask ResetAsync(string key, CancellationToken ct = default)
    {
        // Note: the database only while Redis is down (no extra round trip on every success); what an outage left
        // there was moved into Redis when it returned, so deleting the Redis key forgets it.
        await RunAsync(async db =>
        {
            await db.KeyDeleteAsync(Prefix + key);
            return true;
        }, async () =>
        {
            await _fallbackCounter.ResetAsync(key, ct);
            return true;
        });
    }

    public ValueTask<bool> LockAsync(string key, TimeSpan duration, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ms = Math.Max(1L, (long)duration.TotalMilliseconds);
        return RunAsync(async db =>
        {
            var previous = (long)await db.ScriptEvaluateAsync(LockScript, [Prefix + "lock:" + key], [now + ms, ms]);
            return previous <= now;
        }, () => _fallbackLocks.LockAsync(key, duration, ct));
    }

    public ValueTask<TimeSpan> RemainingAsync(string key, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db =>
        {
            var value = await db.StringGetAsync(Prefix + "lock:" + key);
            var until = value.HasValue && long.TryParse(value.ToString(), out var u) ? u : 0;
            return until > now ? TimeSpan.FromMilliseconds(until - now) : TimeSpan.Zero;
        }, () => _fallbackLocks.RemainingAsync(key, ct));
    }

    public ValueTask<long> StrikeAsync(string key, TimeSpan window, CancellationToken ct = default)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db => (long)await db.ScriptEvaluateAsync(StrikeScript, [Prefix + "strikes:" + key], [size, now]),
            () => _fallbackLocks.StrikeAsync(key, window, ct));
    }

    public async ValueTask ForgetStrikesAsync(string key, CancellationToken ct = default)
    {
        await RunAsync(async db =>
        {
            await db.KeyDeleteAsync(Prefix + "strikes:" + key);
            return true;
        }, async () =>
        {
            await _fallbackLocks.ForgetStrikesAsync(key, ct);
            return true;
        });
    }

    public ValueTask<bool> TryClaimAsync(string job, TimeSpan hold, CancellationToken ct = default)
    {
        var ms = Math.Max(1L, (long)hold.TotalMilliseconds);
        return RunAsync(db => db.StringSetAsync(Prefix + "job:" + job, Environment.MachineName + ":" + Environment.ProcessId,
                TimeSpan.FromMilliseconds(ms), When.NotExists),
            () => _database is null ? ValueTask.FromResult(true) : _database.TryClaimAsync(job, hold, ct));
    }

    public ValueTask<bool> TryUseAsync(string key, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        var ms = expiresAt.ToUnixTimeMilliseconds() - _clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (ms <= 0)
            return ValueTask.FromResult(false);
        return RunAsync(db => db.StringSetAsync(Prefix + "once:" + key, "1", TimeSpan.FromMilliseconds(ms), When.NotExists),
            () => _fallbackOnce.TryUseAsync(key, expiresAt, ct));
    }

    private ValueTask<long> CountAsync(string key, TimeSpan window, long cost, Func<ValueTask<long>> fallback)
    {
        var size = Math.Max(1L, (long)window.TotalMilliseconds);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return RunAsync(async db => (long)await db.ScriptEvaluateAsync(HitScript, [Prefix + key], [size, now, cost]), fallback);
    }

    private async ValueTask<T> RunAsync<T>(Func<IDatabase, Task<T>> redis, Func<ValueTask<T>> fallback)
    {
        try
        {
            var connection = await _connection.Value;
            if (connection.IsConnected)
            {
                GenAuthTelemetry.RedisCall("counters");
                var result = await redis(connection.GetDatabase());
                if (Interlocked.Exchange(ref _degraded, 0) == 1)
                {
                    Recovered(_logger);
                    StartDrain(again: true);
                }
                else if (Volatile.Read(ref _drainedOnce) == 0 && Interlocked.Exchange(ref _drainedOnce, 1) == 0)
                {
                    // Note: also once per process: rows left by an outage whose instances all stopped before it ended.
                    StartDrain(again: false);
                }
                return result;
            }
            Degrade("not connected");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Note: the exception type only; counting goes on in the database until Redis answers again.
            Degrade(e.GetType().Name);
        }
        return await fallback();
    }

    private void StartDrain(bool again)
    {
        if (_database is null)
            return;
        _ = Task.Run(async () =>
        {
            await DrainAsync();
            // Note: calls that began while Redis was down may still be writing to the database: a second pass takes them.
            if (again)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), _clock);
                await DrainAsync();
            }
        });
    }

    /// <summary>
    /// Moves what was counted in the database during an outage into Redis: counters and strikes are added (window by
    /// window), locks keep the later end, spent values stay spent. Each row is deleted as it is read (one statement), so
    /// two instances draining at once never add a row twice. Returns the rows moved.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken ct = default)
    {
        if (_database is null)
            return 0;
        var moved = 0;
        try
        {
            var connection = await _connection.Value;
            if (!connection.IsConnected)
                return 0;
            var db = connection.GetDatabase();
            while (true)
            {
                var rows = await _database.DrainAsync(200, ct);
                foreach (var row in rows)
                    await ReplayAsync(db, row);
                moved += rows.Count;
                if (rows.Count < 200)
                    break;
            }
            if (moved > 0)
                Drained(_logger, moved);
        }
        catch (Exception e)
        {
            // Note: the rows of the batch in hand are lost (their counts start over); the rest stay for the next drain.
            DrainFailed(_logger, e.GetType().Name);
        }
        return moved;
    }

    private async Task ReplayAsync(IDatabase db, DatabaseRateStore.DrainedRow row)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var colon = row.Key.IndexOf(':');
        var kind = colon < 0 ? "" : row.Key[..colon];
        switch (kind)
        {
            case "c":
                await db.ScriptEvaluateAsync(MergeScript, [Prefix + row.Key[2..]], [Math.Max(1, row.Size), now, row.Start, row.Current, row.Previous]);
                break;
            case "strikes":
                await db.ScriptEvaluateAsync(MergeScript, [Prefix + row.Key], [Math.Max(1, row.Size), now, row.Start, row.Current, row.Previous]);
                break;
            case "lock" when row.Current > now:
                await db.ScriptEvaluateAsync(LockScript, [Prefix + row.Key], [row.Current, row.Current - now]);
                break;
            case "once" when row.Current > now:
                await db.StringSetAsync(Prefix + row.Key, "1", TimeSpan.FromMilliseconds(row.Current - now), When.NotExists);
                break;
        }
    }

    private void Degrade(string why)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
            Unavailable(_logger, why);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is unavailable for rate counters and locks ({Error}): counting in the database until it answers again")]
    private static partial void Unavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Rows} rate counters, locks and spent values counted in the database during a Redis outage into Redis")]
    private static partial void Drained(ILogger logger, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving rate counters counted during a Redis outage into Redis failed ({Error}); the rest move at the next recovery")]
    private static partial void DrainFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: rate counters and locks are shared again")]
    private static partial void Recovered(ILogger logger);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
            await (await _connection.Value).DisposeAsync();
    }
}
