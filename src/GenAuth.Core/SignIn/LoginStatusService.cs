using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;

namespace GenAuth.Core.SignIn;

public sealed record LoginStatus(int Code, string Message, bool Status, int? Exp, int? Iat, string? UserId, string? UserPoolId);

/// <summary>checkLoginStatus: is this id token valid, unexpired, and its session still alive.</summary>
public sealed class LoginStatusService(GenAuthDbContext db, CallerContext caller, TokenService tokens, SessionService sessions)
{
    public async Task<LoginStatus> CheckAsync(string? token, CancellationToken ct)
    {
        token ??= caller.Token;
        if (string.IsNullOrEmpty(token))
            return Invalid(caller.TokenRejected ? ErrorCodes.TokenInvalid : ErrorCodes.NotLoggedIn);
        var verified = await tokens.VerifyAsync(db, token, ct);
        // Note: the same audience rule as a bearer token (CallerResolver.AudienceHolds): a pool token is not logged in to an app.
        if (verified is not { } v || v.Payload.TokenType != TokenTypes.Id || v.Payload.Sid is null || v.Payload.Sub is null
            || (caller.Pool is not null && caller.Pool.Id != v.Key.UserPoolId)
            || await sessions.FindActiveAsync(db, v.Key.UserPoolId, v.Payload.Sid, v.Payload.Sub, ct) is not { } session
            || !CallerResolver.AudienceHolds(caller, v.Key.UserPoolId, v.Payload.Aud, session))
            return Invalid(ErrorCodes.TokenInvalid);
        return new LoginStatus(200, caller.Lang?.StartsWith("en") == true ? "The token is valid" : "已登录", true,
            (int)v.Payload.Exp, (int)v.Payload.Iat, v.Payload.Sub, v.Key.UserPoolId);
    }

    private LoginStatus Invalid(ErrorCode error) =>
        new(error.Code, error.Message(caller.Lang), false, null, null, null, null);
}
