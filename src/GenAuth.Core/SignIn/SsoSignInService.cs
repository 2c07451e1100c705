using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>
/// The single sign-on way in (OIDC authorization endpoint): the credential is a live browser SSO session of the pool
/// (the session the hosted login page opened, named by the SSO cookie). It runs through SignInService like every other
/// way in — blocked, app access, verified email, second factor — and opens a session for the caller's app linked to
/// the SSO session (ParentSessionId), so ending the SSO session ends it.
/// </summary>
public sealed class SsoSignInService(GenAuthDbContext db, SignInService signIn, TimeProvider clock)
{
    public const string Method = "oidc:sso";

    /// <summary>The login log's method of a CAS sign-in through the same SSO session.</summary>
    public const string CasMethod = "cas:sso";

    /// <summary>The SSO session when it is still live (not revoked or expired, same pool); else null.</summary>
    public async Task<Session?> FindActiveAsync(string poolId, string sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == sessionId && s.UserPoolId == poolId && s.RevokedAt == null && s.ExpiresAt > now, ct);
    }

    /// <summary>Signs the SSO session's user in to the caller's app (the caller's pool and app must be set).</summary>
    /// <param name="method">the login log's method: <see cref="Method"/> (OIDC) or <see cref="CasMethod"/>.</param>
    public Task<SignInOutcome> SignInAsync(Session sso, CancellationToken ct, string method = Method) =>
        signIn.SignInAsync(new SignInRequest(method, async c =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == sso.UserId && !u.IsDeleted, c);
            return new Credential(user, user is not null);
        })
        {
            SecondFactorPassed = sso.SecondFactorAt is not null,
            SecondFactorMethod = sso.SecondFactorMethod,
            ParentSessionId = sso.Id,
        }, ct);
}
