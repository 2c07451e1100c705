using GenAuth.Core.Audit;
using GenAuth.Core.Codes;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Messaging;
using GenAuth.Core.Pipelines;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Users;

namespace GenAuth.Core.SignIn;

/// <summary>
/// A new user by self-registration (password or code, and a phone-code login's first visit): the pool's switch and
/// whitelist, the row, password, profile and uniqueness, then the registration mails. It opens no session: the way in
/// that registered hands the user to <see cref="SignInService"/> when a token is wanted. Every attempt takes the
/// registration quotas (GenAuth:Quotas:Registration, per IP and per pool, and the pool's frequentRegisterCheck).
/// </summary>
public sealed class RegistrationService(
    GenAuthDbContext db,
    CallerContext caller,
    UserPasswords passwords,
    RegistrationGate gate,
    AccountMailer mailer,
    QuotaGuard quotas,
    PasswordHasher hasher,
    AuditTrail audit,
    PipelineRunner pipelines,
    CustomDatabase customDatabase,
    TimeProvider clock)
{
    public UserPool RequireOpen()
    {
        var pool = caller.RequirePool();
        if (pool.RegisterDisabled)
            throw new GenAuthException(ErrorCodes.RegistrationDisabled);
        return pool;
    }

    /// <summary>The pool's whitelist for this kind of identifier (when enabled) must list it.</summary>
    public Task RequireAllowedAsync(UserPool pool, string type, string value, CancellationToken ct) =>
        gate.RequireAllowedAsync(db, pool, type, value, ct);

    public Task<bool> IsAllowedAsync(UserPool pool, string type, string value, CancellationToken ct) =>
        gate.IsAllowedAsync(db, pool, type, value, ct);

    public User NewUser(UserPool pool, string source)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new User
        {
            Id = Ids.New(clock),
            UserPoolId = pool.Id,
            RegisterSource = source,
            SignedUp = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Everything that may refuse a registration (quotas, password policy, profile, uniqueness), before any code is spent.
    /// </summary>
    public async Task PrepareAsync(UserPool pool, User user, string? plainPassword, ProfileInput? profile, CancellationToken ct)
    {
        (int, int)? perIp = pool.FrequentRegisterEnabled ? (pool.FrequentRegisterLimit, pool.FrequentRegisterInterval) : null;
        await quotas.TakeAsync("register", quotas.RegistrationLimits(pool.Id, caller.Ip, perIp), ErrorCodes.RegisterTooFrequent,
            caller.CaptchaToken, caller.Ip, ct);
        if (!string.IsNullOrEmpty(plainPassword))
            passwords.RequireAcceptable(pool, plainPassword);
        if (profile is not null)
            UserWriter.ApplyProfile(user, profile, registering: true);
        try
        {
            await UserUniqueness.EnsureAsync(db, user, ct);
        }
        catch (GenAuthException) when (!string.IsNullOrEmpty(plainPassword))
        {
            // Note: the same Argon2 work as a new account before answering 2026, so the answer's timing doesn't tell
            // a registered address from a new one (the code itself must stay: the seeds document it).
            await hasher.HashAsync(plainPassword, ct);
            throw;
        }
        if (!string.IsNullOrEmpty(plainPassword))
            await passwords.SetAsync(user, plainPassword, ct);
        // Note: an identifier still waiting in the pool's old database (custom database, lazy migration) belongs to its
        // owner there: registering it here would take their account before they first sign in.
        foreach (var identifier in new[] { user.Email, user.Phone, user.Username })
            if (identifier is not null && await customDatabase.ExistsAsync(identifier, ct))
                throw new GenAuthException(ErrorCodes.AlreadyExists);
        // The pool's PRE_REGISTER functions have the last word (a refusal carries the function's message, code 2962).
        var pipeline = await pipelines.RunAsync(PipelineTriggers.PreRegister, user, user.RegisterSource ?? "register", ct, RegistrationBody(user));
        if (pipeline.Refusal is { } refusal)
            throw new GenAuthException(refusal);
    }

    private static Dictionary<string, string?> RegistrationBody(User user) => new()
    {
        ["email"] = user.Email,
        ["phone"] = user.Phone,
        ["username"] = user.Username,
        ["nickname"] = user.Nickname,
    };

    /// <summary>Stores the new user (the database has the last word on uniqueness) and sends the registration mails.</summary>
    public async Task SaveAsync(UserPool pool, User user, CancellationToken ct)
    {
        db.Users.Add(user);
        audit.RecordSelf(AuditEventTypes.Register, user.Id);
        await UserUniqueness.SaveAsync(db, ct);
        GenAuthTelemetry.Registered();
        await mailer.OnRegisteredAsync(pool, user, ct);
        // POST_REGISTER: the account exists; a function's refusal or failure is logged, and what it changed is saved.
        var pipeline = await pipelines.RunAsync(PipelineTriggers.PostRegister, user, user.RegisterSource ?? "register", ct, RegistrationBody(user));
        if (pipeline.Refusal is null && db.ChangeTracker.HasChanges())
            await UserUniqueness.SaveAsync(db, ct);
    }
}
