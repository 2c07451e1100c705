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

    public async Task<bool> IsActiveAsync(GenAuthDbContext db, string poolId, string sessionId, string userId, CancellationToken ct)
    {
        if (cache.TryGetValue(("session", sessionId), out string? cachedUser))
            return cachedUser == userId;
        var now = clock.GetUtcNow().UtcDateTime;
        var active = await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .AnyAsync(s => s.Id == sessionId && s.UserPoolId == poolId && s.UserId == userId
                           && s.RevokedAt == null && s.ExpiresAt > now, ct);
        if (active)
            cache.Set(("session", sessionId), userId, ActiveCacheTtl);
        return active;
    }

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
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != exceptSessionId
                                                && (onlyAppId == null || s.AppId == onlyAppId))
            .Select(s => s.Id).ToListAsync(ct);
        if (ids.Count == 0)
            return;
        await db.Sessions.Where(s => ids.Contains(s.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        foreach (var id in ids)
            cache.Remove(("session", id));
        await BroadcastAsync(string.Join(' ', ids));
    }

    private void Evict(string sessionIds)
    {
        foreach (var id in sessionIds.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            cache.Remove(("session", id));
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

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
