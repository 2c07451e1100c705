using System.Text.Json.Nodes;
using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.Pipelines;

/// <summary>Which identifier a sign-in named (the custom database scripts get it as their first argument).</summary>
public enum CustomDbIdentifier
{
    Email,
    Username,
    Phone,
    Account,
}

/// <summary>
/// Lazy migration from a pool's own user database. When a password sign-in names an account this pool doesn't have, the
/// pool's <c>login(identifier, password)</c> script (same sandbox and limits as pipeline functions) is asked; when it
/// answers a user object, that user is created here with the password hashed by our policy, so the next sign-in is
/// local and never asks the script again. <c>getUser(identifier)</c> answers whether the old database holds an identifier:
/// a registration of such an identifier is refused (2026), so nobody can claim an account that is still to migrate.
/// </summary>
public sealed class CustomDatabase(
    GenAuthDbContext db,
    CallerContext caller,
    PipelineDirectory directory,
    PipelineSandbox sandbox,
    UserPasswords passwords,
    AuditTrail audit,
    TimeProvider clock,
    ILogger<CustomDatabase> log)
{
    public const string RegisterSource = "custom:database";

    /// <summary>The migrated user (added to the context and saved), or null when the script knows no such account.</summary>
    public async Task<User?> LoginAsync(CustomDbIdentifier kind, string identifier, string plainPassword, CancellationToken ct)
    {
        if (caller.Pool is not { } pool)
            return null;
        var snapshot = await directory.GetAsync(db, pool.Id, ct);
        if (!snapshot.CustomDatabaseEnabled || snapshot.LoginScript is null || string.IsNullOrEmpty(plainPassword))
            return null;
        var result = sandbox.RunFunction(snapshot.LoginScript, "login", [identifier, plainPassword], snapshot.Environment, 0, ct);
        if (result.Status != SandboxStatus.Passed)
        {
            log.LogWarning("Custom database login script of pool {PoolId} failed: {Message}", pool.Id, result.Message);
            return null;
        }
        if (result.Returned is not JsonObject profile)
            return null;
        var user = NewUser(pool.Id, profile);
        // Note: the identifier the user signed in with is theirs (verified by the script's answer); the script's other
        // fields only fill in the profile, and uniqueness still applies to every one of them.
        switch (kind)
        {
            case CustomDbIdentifier.Email:
                SetEmail(user, identifier);
                break;
            case CustomDbIdentifier.Username:
                user.Username = identifier;
                break;
            case CustomDbIdentifier.Phone:
                user.Phone = Validation.PhoneLookup(identifier);
                break;
        }
        if (user.Email is null && user.Username is null && user.Phone is null)
            return null;
        try
        {
            await UserUniqueness.EnsureAsync(db, user, ct);
            await passwords.SetAsync(user, plainPassword, ct);
            db.Users.Add(user);
            audit.Record(AuditEventTypes.Register, user.Id, new { source = RegisterSource });
            await UserUniqueness.SaveAsync(db, ct);
        }
        catch (GenAuthException e)
        {
            log.LogWarning("Custom database user of pool {PoolId} not migrated: {Reason}", pool.Id, e.Error.EnUs);
            db.ChangeTracker.Clear();
            return null;
        }
        return user;
    }

    /// <summary>Whether the pool's old database holds this identifier (false when there is no getUser script or it fails).</summary>
    public async Task<bool> ExistsAsync(string identifier, CancellationToken ct)
    {
        if (caller.Pool is not { } pool)
            return false;
        var snapshot = await directory.GetAsync(db, pool.Id, ct);
        if (!snapshot.CustomDatabaseEnabled || snapshot.GetUserScript is null)
            return false;
        var result = sandbox.RunFunction(snapshot.GetUserScript, "getUser", [identifier], snapshot.Environment, 0, ct);
        if (result.Status != SandboxStatus.Passed)
        {
            log.LogWarning("Custom database getUser script of pool {PoolId} failed: {Message}", pool.Id, result.Message);
            return false;
        }
        return result.Returned is JsonObject;
    }

    private User NewUser(string poolId, JsonObject p)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Ids.New(clock), UserPoolId = poolId, RegisterSource = RegisterSource, SignedUp = now, CreatedAt = now, UpdatedAt = now,
            Nickname = Str(p, "nickname", 128), Name = Str(p, "name", 128), Photo = Str(p, "photo", 1024), Company = Str(p, "company", 128),
        };
        if (Str(p, "email", 254) is { } email && IsEmail(email))
        {
            SetEmail(user, email);
            user.EmailVerified = p["emailVerified"] is JsonValue v && v.TryGetValue<bool>(out var verified) && verified;
        }
        if (Str(p, "username", 128) is { Length: > 0 } username)
            user.Username = username;
        if (Str(p, "phone", 32) is { Length: > 0 } phone && Validation.CouldBePhone(phone))
            user.Phone = Validation.PhoneLookup(phone);
        return user;
    }

    private static bool IsEmail(string email)
    {
        try
        {
            Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
            return true;
        }
        catch (GenAuthException)
        {
            return false;
        }
    }

    private static void SetEmail(User user, string email)
    {
        user.Email = email.Trim();
        user.EmailNormalized = Validation.NormalizeEmail(email);
    }

    private static string? Str(JsonObject p, string name, int max) =>
        p[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 && s.Length <= max ? s : null;
}
