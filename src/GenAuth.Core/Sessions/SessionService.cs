using System.Collections.Concurrent;
using System.Collections.Immutable;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace GenAuth.Core.Sessions;

/// <summary>Sessions behind tokens: every token names one, and a revoked session's tokens stop working at once.</summary>
public sealed class SessionService
{
    // Note: only "active" answers are cached; a revocation evicts them on every instance through the event bus,
    // and this window bounds staleness when the bus loses a message.
    private static readonly TimeSpan ActiveCacheTtl = TimeSpan.FromSeconds(5);

    private readonly IMemoryCache cache;
    private readonly TimeProvider clock;
    private readonly IEventBus bus;
    private readonly ConcurrentDictionary<string, ImmutableList<RevocationWatch>> watchers = new(StringComparer.Ordinal);

    public SessionService(IMemoryCache cache, TimeProvider clock, IEventBus bus)
    {
        this.cache = cache;
        this.clock = clock;
        this.bus = bus;
        _ = bus.SubscribeAsync(EventChannels.SessionRevoked, Evict);
    }

    public Session Create(GenAuthDbContext db, string poolId, string userId, string? appId, DateTime expiresAt, string? ip, string? userAgent,
        bool secondFactor = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            Id = Ids.NewSecret(16),
            UserPoolId = poolId,
            UserId = userId,
            AppId = appId,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            SecondFactorAt = secondFactor ? now : null,
            Ip = ip,
            UserAgent = Truncate(userAgent, 512),
        };
        db.Sessions.Add(session);
        return session;
    }

    public async Task<bool> IsActiveAsync(GenAuthDbContext db, string poolId, string sessionId, string userId, CancellationToken ct) =>
        await FindActiveAsync(db, poolId, sessionId, userId, ct) is not null;

    /// <summary>The live session behind a token (its audience included), or null when it is revoked, expired or not the user's.</summary>
    public async Task<ActiveSession?> FindActiveAsync(GenAuthDbContext db, string poolId, string sessionId, string userId, CancellationToken ct)
    {
        // Note: with several instances a cached answer is only trusted while the bus that evicts it is connected and
        // has not been interrupted since (a revocation published meanwhile was lost); otherwise the database answers.
        var epoch = bus.Epoch;
        var trusted = bus.Connected;
        if (trusted && cache.TryGetValue(("session", sessionId), out CachedSession? cached) && cached!.Epoch == epoch)
            return cached.Session.UserId == userId ? cached.Session : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var active = await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserPoolId == poolId && s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .Select(s => new ActiveSession(s.UserId, s.AppId, s.TenantId))
            .FirstOrDefaultAsync(ct);
        if (active is not null && trusted)
            cache.Set(("session", sessionId), new CachedSession(active, epoch), ActiveCacheTtl);
        return active;
    }

    /// <summary>
    /// Calls <paramref name="onRevoked"/> (once, on a bus thread: keep it quick) when the session is revoked on any
    /// instance, so long-lived connections opened with its token can end. Dispose to stop watching.
    /// </summary>
    public IDisposable WatchRevocation(string sessionId, Action onRevoked)
    {
        var watch = new RevocationWatch(onRevoked);
        watchers.AddOrUpdate(sessionId, _ => [watch], (_, list) => list.Add(watch));
        return new Unwatch(() =>
        {
            var left = watchers.AddOrUpdate(sessionId, _ => [], (_, list) => list.Remove(watch));
            // Note: removed only if no watch was added meanwhile (the value compares by reference).
            if (left.IsEmpty)
                watchers.TryRemove(new KeyValuePair<string, ImmutableList<RevocationWatch>>(sessionId, left));
        });
    }

    /// <summary>Sessions watched by long-lived connections on this instance (for tests and diagnostics).</summary>
    public int WatchedSessionCount => watchers.Count;

    /// <summary>Moves a session's expiry (refresh: same session, a fresh token).</summary>
    public Task ExtendAsync(GenAuthDbContext db, string sessionId, DateTime expiresAt, CancellationToken ct) =>
        db.Sessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, expiresAt), ct);

    /// <summary>Revokes a session and the app sessions opened from it (a browser SSO session's OIDC sessions).</summary>
    public async Task RevokeAsync(GenAuthDbContext db, string sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var children = await db.Sessions.IgnoreQueryFilters()
            .Where(s => s.ParentSessionId == sessionId && s.RevokedAt == null).Select(s => s.Id).ToListAsync(ct);
        await db.Sessions.IgnoreQueryFilters().Where(s => (s.Id == sessionId || s.ParentSessionId == sessionId) && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        cache.Remove(("session", sessionId));
        foreach (var child in children)
            cache.Remove(("session", child));
        await BroadcastAsync(string.Join(' ', [sessionId, .. children]));
    }

    /// <summary>Revokes every session of a user (of one app when named), except the one named (the caller's own, on password change).</summary>
    public async Task RevokeAllAsync(GenAuthDbContext db, string userId, string? exceptSessionId, CancellationToken ct,
        string? onlyAppId = null)
    {
        var ids = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != exceptSessionId
                                                && (onlyAppId == null || s.AppId == onlyAppId))
            .Select(s => s.Id).ToListAsync(ct);
        await RevokeManyAsync(db, ids, ct);
    }

    /// <summary>Revokes the sessions a query selects (a capability above this one decides which, e.g. an app's access rules).</summary>
    public async Task RevokeWhereAsync(GenAuthDbContext db, IQueryable<Session> which, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = await which.Where(s => s.RevokedAt == null && s.ExpiresAt > now).Select(s => s.Id).ToListAsync(ct);
        await RevokeManyAsync(db, ids, ct);
    }

    private async Task RevokeManyAsync(GenAuthDbContext db, List<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        // Note: bounded batches keep the IN list under SQLite's parameter limit when an app switch ends many sessions.
        foreach (var chunk in ids.Chunk(500))
            await db.Sessions.Where(s => chunk.Contains(s.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        foreach (var id in ids)
            cache.Remove(("session", id));
        foreach (var chunk in ids.Chunk(500))
            await BroadcastAsync(string.Join(' ', chunk));
    }

    private void Evict(string sessionIds)
    {
        foreach (var id in sessionIds.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            cache.Remove(("session", id));
            if (watchers.TryRemove(id, out var watches))
                foreach (var watch in watches)
                    watch.Fire();
        }
    }

    private async Task BroadcastAsync(string sessionIds)
    {
        try
        {
            await bus.PublishAsync(EventChannels.SessionRevoked, sessionIds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The revocation is committed; other instances' caches expire within ActiveCacheTtl anyway.
        }
    }

    public void LogLogin(GenAuthDbContext db, string poolId, string? userId, string? appId, string method, int? errorCode,
        string? ip, string? userAgent)
    {
        db.LoginLogs.Add(new LoginLog
        {
            UserPoolId = poolId,
            UserId = userId,
            AppId = appId,
            Method = method,
            Success = errorCode is null,
            ErrorCode = errorCode,
            Ip = ip,
            UserAgent = Truncate(userAgent, 512),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
    }

    private static string? Truncate(string? s, int max) => TextCut.Clip(s, max);
}

/// <summary>A live session as a token check needs it: whose it is and its audience (an app, or null for the pool).</summary>
public sealed record ActiveSession(string UserId, string? AppId, string? TenantId = null);

internal sealed record CachedSession(ActiveSession Session, long Epoch);

internal sealed class RevocationWatch(Action onRevoked)
{
    private Action? _action = onRevoked;

    public void Fire() => Interlocked.Exchange(ref _action, null)?.Invoke();
}

internal sealed class Unwatch(Action remove) : IDisposable
{
    private Action? _remove = remove;

    public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
}
