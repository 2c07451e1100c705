using GenAuth.Core.Callers;
using GenAuth.Core.Sessions;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// How long a long-lived connection's credential holds: <see cref="Ended"/> is cancelled when the session behind its
/// token is revoked (logout, an admin's kick, block or credential change, on any instance through the event bus) or
/// when the token expires. A subscription transport links its operations to it so nothing streams past either.
/// </summary>
public sealed class CredentialLifetime : IDisposable
{
    // Note: one timer can wait at most about 49.7 days; a longer-lived token re-arms instead of firing early.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 2);

    private readonly CancellationTokenSource _ended = new();
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset? _expiresAt;
    private IDisposable? _watch;
    private ITimer? _timer;

    private CredentialLifetime(TimeProvider clock, DateTimeOffset? expiresAt)
    {
        _clock = clock;
        _expiresAt = expiresAt;
        Ended = _ended.Token;
    }

    /// <summary>Cancelled once the credential no longer holds.</summary>
    public CancellationToken Ended { get; }

    /// <summary>Null for a caller without a token (anonymous): nothing to end.</summary>
    public static CredentialLifetime? Watch(CallerContext caller, SessionService sessions, TimeProvider clock)
    {
        if (caller.Token is null)
            return null;
        var lifetime = new CredentialLifetime(clock, caller.TokenExpiresAt);
        if (caller.Kind == PrincipalKind.User && caller.SessionId is { } sessionId)
            lifetime._watch = sessions.WatchRevocation(sessionId, lifetime.End);
        if (caller.TokenExpiresAt is not null)
        {
            lifetime._timer = clock.CreateTimer(static state => ((CredentialLifetime)state!).CheckExpiry(), lifetime,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            lifetime.CheckExpiry();
        }
        return lifetime;
    }

    private void CheckExpiry()
    {
        var left = _expiresAt!.Value - _clock.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            End();
            return;
        }
        try
        {
            _timer?.Change(left < MaxTimerDelay ? left : MaxTimerDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the credential now (also what a revocation or the expiry does).</summary>
    // Note: called on the event bus's thread or a timer's; the cancellation callbacks (operations winding down) run
    // elsewhere so the bus is not held up.
    public void End()
    {
        try
        {
            _ = _ended.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _timer?.Dispose();
        _ended.Dispose();
    }
}
