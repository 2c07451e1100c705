using GenAuth.Core.Audit;
using GenAuth.Core.Applications;
using GenAuth.Core.Callers;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Devices;
using GenAuth.Core.Mfa;
using GenAuth.Core.Pipelines;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tenants;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>What a way in proved: the user it found (null: none), and whether its credential held.</summary>
/// <param name="Blocked">
/// The credential held but an account it depends on is blocked (a sub-account's main account): the pipeline's blocked
/// step refuses it like a blocked user, with its login log row.
/// </param>
public readonly record struct Credential(User? User, bool Valid, bool Blocked = false);

/// <summary>One way in, as the pipeline runs it.</summary>
/// <param name="Method">The login log's method (password:email, code:phone, qrcode:app, …).</param>
/// <param name="Authenticate">Finds the user and checks the credential; bad input still throws its own code.</param>
public sealed record SignInRequest(string Method, Func<CancellationToken, Task<Credential>> Authenticate)
{
    /// <summary>Counts failures per account and IP (password ways in), so guessing is throttled.</summary>
    public string? ThrottleKey { get; init; }

    /// <summary>The credential was the password: an admin's "reset on first login" or "force reset" applies.</summary>
    public bool ByPassword { get; init; }

    /// <summary>A second factor was already passed (the MFA step, or a QR code confirmed from such a session).</summary>
    public bool SecondFactorPassed { get; init; }

    /// <summary>Which second factor was passed (otp, sms, email), for the OIDC amr claim; null when unknown or none.</summary>
    public string? SecondFactorMethod { get; init; }

    /// <summary>The browser SSO session this sign-in reuses (OIDC authorization endpoint): the new session is linked to it.</summary>
    public string? ParentSessionId { get; init; }

    /// <summary>The QR code whose ticket this sign-in redeems: a second-factor step, if one is needed, spends it.</summary>
    public string? QrCodeId { get; init; }

    /// <summary>Spends the way in's single-use proof (mfaToken, QR ticket) with the session; an error code when it was lost.</summary>
    public Func<CancellationToken, Task<ErrorCode?>>? Claim { get; init; }

    /// <summary>A user already proven by the caller (a code, a new registration, a verified factor).</summary>
    public static SignInRequest Of(User user, string method) => new(method, _ => Task.FromResult(new Credential(user, true)));
}

/// <summary>
/// The one place a user is signed in. Every way in (password, code, QR ticket, MFA step, registration with a token)
/// runs the same steps in the same order: throttle → credential → blocked → forced reset → app access → verified
/// email → second factor → single-use proof → session, login log and id token. It returns an outcome instead of throwing
/// after it wrote something; what it wrote (challenge, log row, reset token) is saved before it returns.
/// </summary>
public sealed class SignInService(
    GenAuthDbContext db,
    CallerContext caller,
    SessionService sessions,
    TokenService tokens,
    MfaGate mfa,
    CodeService codes,
    LoginThrottle throttle,
    AuditTrail audit,
    PipelineRunner pipelines,
    TimeProvider clock)
{
    public static readonly TimeSpan ResetTokenLifetime = TimeSpan.FromMinutes(30);

    /// <summary>Second-factor challenges one QR ticket may open (each browser poll of an MFA user would open one).</summary>
    public const int MaxChallengesPerQrCode = 3;

    public Task<SignInOutcome> SignInAsync(SignInRequest request, CancellationToken ct) =>
        // Note: with no trace listener (GenAuth:Tracing) and metrics off, the steps run without the observing wrapper.
        GenAuthTelemetry.SignInSource.HasListeners() || GenAuthTelemetry.SignIns.Enabled
            ? SignInObservedAsync(request, ct)
            : SignInStepsAsync(request, null, ct);

    private async Task<SignInOutcome> SignInObservedAsync(SignInRequest request, CancellationToken ct)
    {
        using var activity = GenAuthTelemetry.SignInSource.StartActivity("signin");
        activity?.SetTag("genauth.signin.method", request.Method);
        SignInOutcome outcome;
        try
        {
            outcome = await SignInStepsAsync(request, activity, ct);
        }
        catch (Exception e) when (Observed(activity, request.Method, e))
        {
            throw; // never reached: the filter records and returns false
        }
        if (activity is not null || GenAuthTelemetry.SignIns.Enabled)
        {
            var name = outcome switch
            {
                SignedIn => "success",
                SecondFactorRequired => "mfa",
                ResetRequired => "reset",
                _ => "refused",
            };
            activity?.SetTag("genauth.signin.outcome", name);
            if (outcome is Refused refused)
                activity?.SetTag("genauth.error.code", refused.Error.Code);
            GenAuthTelemetry.SignIn(request.Method, name);
            if (outcome is SignedIn && request.SecondFactorPassed && request.SecondFactorMethod is { } factor)
                GenAuthTelemetry.Mfa(factor, success: true);
        }
        return outcome;
    }

    /// <summary>Records a sign-in that ended in an exception (bad input, cancellation); false, so the exception flows on.</summary>
    private static bool Observed(System.Diagnostics.Activity? activity, string method, Exception e)
    {
        activity?.SetTag("genauth.signin.outcome", "error");
        if (e is GenAuthException g)
            activity?.SetTag("genauth.error.code", g.Code);
        activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        GenAuthTelemetry.SignIn(method, "error");
        return false;
    }

    private async Task<SignInOutcome> SignInStepsAsync(SignInRequest request, System.Diagnostics.Activity? activity, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var method = request.Method;
        if (request.ThrottleKey is { } key && await throttle.RetryAfterAsync(pool.Id, key, caller.Ip, ct) is > 0 and var wait)
            return new Refused(ErrorCodes.TooManyAttempts, new { retryAfter = wait });
        Credential credential;
        using (GenAuthTelemetry.SignInSource.StartActivity("signin.credential"))
            credential = await request.Authenticate(ct);
        var (user, valid, blockedThroughAnother) = credential;
        activity?.SetTag("genauth.user.found", user is not null);
        if (user is null || !valid)
        {
            if (request.ThrottleKey is not null)
                await throttle.RecordFailureAsync(pool.Id, request.ThrottleKey, caller.Ip, pool.FailRules(), ct);
            return await RefuseAsync(pool, user?.Id, method, ErrorCodes.WrongAccountOrPassword, ct);
        }
        // Note: a right password doesn't clear the account's failures yet: only a completed sign-in does (OpenSessionAsync),
        // so a password known to an attacker can't reset the count while the second factor is still open.
        if (user.Blocked || blockedThroughAnother)
            return await RefuseAsync(pool, user.Id, method, ErrorCodes.AccountBlocked, ct);
        if (request.ByPassword && (user.ResetPasswordOnFirstLogin || user.ForcePasswordReset))
        {
            // Note: the client answers with resetPasswordByFirstLoginToken / resetPasswordByForceResetToken.
            var first = user.ResetPasswordOnFirstLogin;
            audit.Record(AuditEventTypes.Login, user.Id, new { method, reason = first ? "resetOnFirstLogin" : "forceReset" }, AuditOutcomes.Challenge);
            var token = await codes.IssueTokenAsync(db, pool, user.Id, first ? CodeScenes.FirstLogin : CodeScenes.ForceReset,
                ResetTokenLifetime, ct);
            return new ResetRequired(first, token);
        }
        if (caller.App is not null && !await ApplicationService.IsAllowedAsync(db, caller.App, user.Id, ct))
            return await RefuseAsync(pool, user.Id, method, ErrorCodes.AppAccessDenied, ct);
        // A tenant-enabled app signs in under the tenant the client names (an app used only by tenants needs one); the
        // tenant must use the app and the user be an enabled member. Other apps ignore a tenant: it would mean nothing.
        string? tenantId = null;
        if (caller.App is { } app && AppTypes.TenantEnabled(app.AppType))
        {
            tenantId = caller.TenantId;
            if (tenantId is null && app.AppType == AppTypes.Tenant)
                return await RefuseAsync(pool, user.Id, method, ErrorCodes.TenantNotFound, ct);
            if (tenantId is not null && await TenantService.SignInRefusalAsync(db, app, tenantId, user.Id, ct) is { } tenantRefusal)
                return await RefuseAsync(pool, user.Id, method, tenantRefusal, ct);
        }
        // A device an admin disabled or suspended (for everyone or this user) opens no session, whatever the way in.
        var device = await DeviceService.CheckSignInAsync(db, user.Id, caller.UserAgent, caller.DeviceFingerprint, clock.GetUtcNow().UtcDateTime, ct);
        if (device.Refusal is { } deviceRefusal)
            return await RefuseAsync(pool, user.Id, method, deviceRefusal, ct);
        if (pool.LoginRequireEmailVerified && user.Email is not null && !user.EmailVerified)
            return await RefuseAsync(pool, user.Id, method, ErrorCodes.EmailNotVerified, ct);
        // Note: a QR ticket left unspent for its second factor is asked again on every poll; past a few open challenges
        // the ticket answers as spent, so an anonymous poller can't grow the challenge and login-log tables.
        if (!request.SecondFactorPassed && request.QrCodeId is { } qrCodeId
            && await db.MfaChallenges.CountAsync(c => c.QrCodeId == qrCodeId, ct) >= MaxChallengesPerQrCode)
            return new Refused(ErrorCodes.QrTicketInvalid);
        if (!request.SecondFactorPassed && await mfa.ChallengeAsync(db, pool, user, method, request.QrCodeId, ct) is { } challenge)
        {
            audit.Record(AuditEventTypes.Login, user.Id, new { method }, AuditOutcomes.Challenge, ErrorCodes.MfaRequired.Code);
            await db.SaveChangesAsync(ct);
            return new SecondFactorRequired(challenge.MfaToken, challenge.Data);
        }
        // The pool's POST_AUTHENTICATION functions (none: no query, the list is cached): the last word before the session.
        // What they change on the user and the claims they add are saved with the session, or not at all.
        var pipeline = await pipelines.RunAsync(PipelineTriggers.PostAuthentication, user, method, ct);
        if (pipeline.Refusal is { } refusal)
            return await RefuseAsync(pool, user.Id, method, refusal, ct);
        return await OpenSessionAsync(pool, user, request, pipeline.Claims, tenantId, device, ct);
    }

    /// <summary>
    /// After a registration: a session when the caller asked for a token, unless the pool first wants the new email
    /// verified (then the user without a token).
    /// </summary>
    public async Task<Registered> AfterRegistrationAsync(UserPool pool, User user, bool issueToken, string method, CancellationToken ct)
    {
        var view = new UserView(user) { NewlyCreated = true };
        var pending = pool.LoginRequireEmailVerified && user.Email is not null && !user.EmailVerified;
        if (!issueToken || pending)
            return new Registered(view, null);
        return new Registered(view, await SignInAsync(SignInRequest.Of(user, method), ct));
    }

    /// <summary>
    /// A new id token for the caller's session (same session, same audience, fresh expiry). Refresh never moves a session
    /// into another app: the caller's token was already refused under another app's header (CallerResolver), and the
    /// new token names the session's own audience, not the request's, so a pool session can't become an app session
    /// without that app's access rule and second factor (a sign-in under the app is the way in).
    /// </summary>
    public async Task<IssuedTokenView> RefreshAsync(string? id, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var user = await UserLookup.RequireSelfAsync(db, caller, id, tracked: false, ct);
        var sessionId = caller.SessionId!;
        var session = await sessions.FindActiveAsync(db, pool.Id, sessionId, user.Id, ct);
        if (session is null || (caller.App is not null && caller.App.Id != session.AppId))
            throw new GenAuthException(ErrorCodes.TokenInvalid);
        var now = clock.GetUtcNow();
        var expires = now.AddSeconds(pool.TokenExpiresAfter);
        await sessions.ExtendAsync(db, sessionId, expires.UtcDateTime, ct);
        audit.Record(AuditEventTypes.RefreshToken, user.Id);
        await db.SaveChangesAsync(ct);
        // Note: the claims the pipeline added at sign-in stay on the session's tokens; a pool without functions reads none.
        var claims = (await pipelines.PoolAsync(ct)).HasAny
            ? PipelineOutcome.ParseClaims(await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.PipelineClaims).FirstOrDefaultAsync(ct))
            : null;
        if (session.TenantId is { } tenantId)
            claims = WithTenant(claims ?? new Dictionary<string, object?>(), tenantId);
        var token = await tokens.IssueIdTokenAsync(db, pool, user, sessionId, session.AppId, now, expires, ct, claims);
        return new IssuedTokenView(token.Token, token.IssuedAt.ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>
    /// An admin issues a token for a user (the SDK's users.refreshToken(userId)): a real session in
    /// <see cref="SessionService"/> with the pool as audience, revocable like any other and logged as "admin:token".
    /// A blocked or deleted user gets none. It records no login on the user (the admin's IP is not the user's) and asks
    /// no second factor: the management secret already outranks it.
    /// </summary>
    public async Task<IssuedTokenView> IssueForUserAsync(string? userId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var user = string.IsNullOrEmpty(userId)
            ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        if (user is null)
            throw new GenAuthException(ErrorCodes.UserNotFound);
        if (user.Blocked)
            throw new GenAuthException(ErrorCodes.AccountBlocked);
        var now = clock.GetUtcNow();
        var expires = now.AddSeconds(pool.TokenExpiresAfter);
        var session = sessions.Create(db, pool.Id, user.Id, null, expires.UtcDateTime, caller.Ip, caller.UserAgent);
        sessions.LogLogin(db, pool.Id, user.Id, null, "admin:token", null, caller.Ip, caller.UserAgent);
        await db.SaveChangesAsync(ct);
        var token = await tokens.IssueIdTokenAsync(db, pool, user, session.Id, null, now, expires, ct);
        return new IssuedTokenView(token.Token, token.IssuedAt.ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
    }

    private async Task<SignInOutcome> OpenSessionAsync(UserPool pool, User user, SignInRequest request,
        IReadOnlyDictionary<string, object?> claims, string? tenantId, DeviceCheck deviceCheck, CancellationToken ct)
    {
        // Note: the single-use proof, the session and its log row commit together or not at all.
        await using var tx = request.Claim is not null && db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(ct)
            : null;
        if (request.Claim is not null && await request.Claim(ct) is { } lost)
            return new Refused(lost);
        var now = clock.GetUtcNow();
        var (browser, device) = UserAgentInfo.Parse(caller.UserAgent);
        user.LoginsCount++;
        user.LastLogin = now.UtcDateTime;
        user.LastIp = caller.Ip;
        user.Browser = browser ?? user.Browser;
        user.Device = device ?? user.Device;
        var expires = now.AddSeconds(pool.TokenExpiresAfter);
        var session = sessions.Create(db, pool.Id, user.Id, caller.App?.Id, expires.UtcDateTime, caller.Ip, caller.UserAgent,
            secondFactor: request.SecondFactorPassed);
        session.SecondFactorMethod = request.SecondFactorPassed ? request.SecondFactorMethod : null;
        session.ParentSessionId = request.ParentSessionId;
        session.PipelineClaims = claims.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(claims);
        session.TenantId = tenantId;
        var deviceBound = DeviceService.Attach(deviceCheck, session, now.UtcDateTime);
        sessions.LogLogin(db, pool.Id, user.Id, caller.App?.Id, request.Method, null, caller.Ip, caller.UserAgent);
        audit.Record(AuditEventTypes.Login, user.Id, new { method = request.Method, secondFactor = session.SecondFactorMethod });
        if (request.SecondFactorPassed)
            audit.Record(AuditEventTypes.VerifyMfa, user.Id, new { method = request.Method, factor = request.SecondFactorMethod });
        await db.SaveChangesAsync(ct);
        var tokenClaims = WithTenant(claims, tenantId);
        var token = await tokens.IssueIdTokenAsync(db, pool, user, session.Id, caller.App?.Id, now, expires, ct, tokenClaims);
        if (tx is not null)
            await tx.CommitAsync(ct);
        if (!deviceBound)
            await DeviceService.BindNewAsync(db, session, caller.DeviceFingerprint, now.UtcDateTime, ct);
        await throttle.RecordSuccessAsync(pool.Id, LoginThrottle.UserKey(user.Id), ct);
        return new SignedIn(new UserView(user, token.Token, token.ExpiresAt), session.Id) { Claims = tokenClaims };
    }

    /// <summary>The token's claims with the session's tenant (tenant_id) when it has one.</summary>
    private static IReadOnlyDictionary<string, object?> WithTenant(IReadOnlyDictionary<string, object?> claims, string? tenantId)
    {
        if (tenantId is null)
            return claims;
        var with = new Dictionary<string, object?>(claims) { ["tenant_id"] = tenantId };
        return with;
    }

    /// <summary>Logs the refusal (and nothing else the attempt changed) and returns it.</summary>
    private async Task<Refused> RefuseAsync(UserPool pool, string? userId, string method, ErrorCode error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        sessions.LogLogin(db, pool.Id, userId, caller.App?.Id, method, error.Code, caller.Ip, caller.UserAgent);
        audit.Record(AuditEventTypes.Login, userId, new { method, reason = error.EnUs }, AuditOutcomes.Failure, error.Code);
        await db.SaveChangesAsync(ct);
        return new Refused(error);
    }
}

public sealed record IssuedTokenView(string Token, long Iat, long Exp);
