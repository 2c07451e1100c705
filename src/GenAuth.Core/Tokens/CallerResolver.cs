using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;

namespace GenAuth.Core.Tokens;

/// <summary>What a transport read off a request, before anything is checked.</summary>
public sealed record CallerHeaders(string? UserPoolId, string? AppId, string? BearerToken, string? Lang, string? Ip, string? UserAgent);

/// <summary>Turns request headers into a <see cref="CallerContext"/>: pool, app, and a verified principal.</summary>
// Note: here rather than in Callers because it needs tokens and sessions; CallerContext itself stays low, so every
// capability (Users included) may take the caller.
public sealed class CallerResolver(PoolDirectory pools, TokenService tokens, SessionService sessions)
{
    public async Task ResolveAsync(GenAuthDbContext db, CallerContext caller, CallerHeaders h, CancellationToken ct)
    {
        caller.Lang = h.Lang;
        caller.Ip = h.Ip;
        caller.UserAgent = h.UserAgent;
        await ResolvePoolAsync(db, caller, h, ct);
        // Note: the request's own language (x-authing-lang, then Accept-Language) wins; else the pool's default.
        caller.Lang ??= caller.Pool?.DefaultLanguage;
        if (!string.IsNullOrEmpty(h.BearerToken) && caller.PoolError is null)
            await ResolveTokenAsync(db, caller, h.BearerToken, ct);
        if (caller.Pool is not null)
            db.PoolId = caller.Pool.Id;
    }

    /// <summary>Verifies a token for this caller; used for headers and for tokens passed as arguments.</summary>
    public async Task ResolveTokenAsync(GenAuthDbContext db, CallerContext caller, string token, CancellationToken ct)
    {
        var verified = await tokens.VerifyAsync(db, token, ct);
        if (verified is not { } v || (caller.Pool is not null && caller.Pool.Id != v.Key.UserPoolId))
        {
            caller.TokenRejected = true;
            return;
        }
        if (caller.Pool is null)
        {
            caller.Pool = await pools.FindPoolAsync(db, v.Key.UserPoolId, ct);
            caller.PoolError = null;
            if (caller.Pool is null)
            {
                caller.TokenRejected = true;
                return;
            }
        }
        caller.TokenExpiresAt = DateTimeOffset.FromUnixTimeSeconds(v.Payload.Exp);
        switch (v.Payload.TokenType)
        {
            // Note: a management token issued before the secret was refreshed carries an older version and is refused.
            // A management token is pool-wide (aud = the pool) and serves under any app of its pool.
            case TokenTypes.Management when v.Payload.Scope == "admin" && (v.Payload.SecretVersion ?? 1) == caller.Pool.SecretVersion:
                caller.Kind = PrincipalKind.Admin;
                caller.Token = token;
                break;
            // Note: an id token serves only its live session's audience (AudienceHolds).
            case TokenTypes.Id when v.Payload.Sid is not null && v.Payload.Sub is not null
                                    && await sessions.FindActiveAsync(db, caller.Pool.Id, v.Payload.Sid, v.Payload.Sub, ct) is { } session
                                    && AudienceHolds(caller, caller.Pool.Id, v.Payload.Aud, session):
                caller.Kind = PrincipalKind.User;
                caller.UserId = v.Payload.Sub;
                caller.SessionId = v.Payload.Sid;
                caller.Token = token;
                break;
            default:
                caller.TokenRejected = true;
                break;
        }
    }

    /// <summary>
    /// A session belongs to one audience: an app, or the pool (null AppId). Its token must name that audience, and a
    /// request that names an app accepts only that app's sessions: a pool session never opens an app (whose access
    /// rule and second factor it never passed), nor one app's session another app. A request that names no app
    /// accepts any session of the pool, since every app's sign-in passed the pool's checks too.
    /// </summary>
    public static bool AudienceHolds(CallerContext caller, string poolId, string? tokenAudience, ActiveSession session)
    {
        var audience = session.AppId ?? poolId;
        return tokenAudience == audience && (caller.App is null || caller.App.Id == session.AppId);
    }

    private async Task ResolvePoolAsync(GenAuthDbContext db, CallerContext caller, CallerHeaders h, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(h.AppId))
        {
            caller.App = await pools.FindAppAsync(db, h.AppId, ct);
            if (caller.App is null)
            {
                caller.PoolError = new GenAuthException(ErrorCodes.AppNotFound);
                return;
            }
            if (!string.IsNullOrEmpty(h.UserPoolId) && h.UserPoolId != caller.App.UserPoolId)
            {
                caller.PoolError = new GenAuthException(ErrorCodes.PoolMismatch);
                return;
            }
        }
        var poolId = caller.App?.UserPoolId ?? h.UserPoolId;
        if (string.IsNullOrEmpty(poolId))
            return;
        caller.Pool = await pools.FindPoolAsync(db, poolId, ct);
        if (caller.Pool is null)
            caller.PoolError = new GenAuthException(ErrorCodes.UserPoolNotFound);
    }
}
