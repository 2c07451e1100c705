using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Applications;

public sealed record ApplicationInput(string? Name, string? Identifier, IReadOnlyList<string>? RedirectUris, string? Logo,
    string? Description, string? DefaultAccess, bool? MfaRequired = null)
{
    /// <summary>The OAuth 2.0 / OIDC client settings; null leaves a setting as it is.</summary>
    public OidcClientInput? Oidc { get; init; }
}

/// <remarks>Not sealed: the REST body extends it, so the REST and GraphQL inputs share this one property list.</remarks>
public record OidcClientInput
{
    public IReadOnlyList<string>? PostLogoutRedirectUris { get; init; }
    public IReadOnlyList<string>? GrantTypes { get; init; }
    public string? TokenEndpointAuthMethod { get; init; }
    public int? IdTokenLifetime { get; init; }
    public int? AccessTokenLifetime { get; init; }
    public int? RefreshTokenLifetime { get; init; }
    public bool? ThirdParty { get; init; }
    public bool? ImplicitAllowed { get; init; }
    public IReadOnlyList<string>? CorsOrigins { get; init; }
    public string? BackchannelLogoutUri { get; init; }
    public string? FrontchannelLogoutUri { get; init; }
    public bool? FrontchannelLogoutSessionRequired { get; init; }
}

/// <summary>A user currently signed in to an app: the user and their latest live session there.</summary>
public sealed record ActiveAppUser(User User, DateTime LastLogin, string? Ip);

/// <summary>Applications of the admin's pool, and which users may use each (seed 001: application authorization).</summary>
public sealed class ApplicationService(GenAuthDbContext db, CallerContext caller, SessionService sessions,
    PoolDirectory directory, TimeProvider clock)
{
    public async Task<Application> CreateAsync(ApplicationInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (string.IsNullOrWhiteSpace(input.Name))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "name is required");
        var now = clock.GetUtcNow().UtcDateTime;
        var app = new Application
        {
            Id = Ids.New(clock),
            UserPoolId = pool.Id,
            Name = input.Name,
            SecretSealed = [],
            CreatedAt = now,
        };
        Apply(app, input, now);
        // Note: a public client (tokenEndpointAuthMethod none) has no secret: none is made, shown or accepted.
        app.ShownSecret = OidcClientSettings.IsPublic(app) ? null : SetNewSecret(app);
        db.Applications.Add(app);
        await db.SaveChangesAsync(ct);
        // Note: the union of apps' CORS origins (preflights) is cached; a new app's origins count at once.
        directory.ForgetApp(app.Id);
        return app;
    }

    public async Task<Page<Application>> ListAsync(int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var apps = db.Applications.AsNoTracking();
        return new(await apps.CountAsync(ct), await apps.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    public async Task<Application> GetAsync(string appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct) ?? throw new GenAuthException(ErrorCodes.AppNotFound);
    }

    public async Task<Application> UpdateAsync(string appId, ApplicationInput input, CancellationToken ct,
        AppBrandingInput? branding = null)
    {
        caller.RequireAdmin();
        var app = await db.Applications.FirstOrDefaultAsync(a => a.Id == appId, ct) ?? throw new GenAuthException(ErrorCodes.AppNotFound);
        if (input.Name is not null && string.IsNullOrWhiteSpace(input.Name))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "name can't be empty");
        app.Name = input.Name ?? app.Name;
        var wasOpen = app.DefaultAccess == AppAccess.AllowAll;
        var hadMfa = app.MfaRequired;
        var wasPublic = OidcClientSettings.IsPublic(app);
        Apply(app, input, clock.GetUtcNow().UtcDateTime);
        // Note: becoming public drops the secret (a leaked one must not work if the app turns confidential again);
        // becoming confidential makes a new one, shown once in this answer.
        if (!wasPublic && OidcClientSettings.IsPublic(app))
            DropSecret(app);
        else if (wasPublic && !OidcClientSettings.IsPublic(app))
            app.ShownSecret = SetNewSecret(app);
        // The hosted login page's look (its own settings block).
        if (branding is not null)
            AppBrandingRules.Apply(app, branding);
        await db.SaveChangesAsync(ct);
        directory.ForgetApp(app.Id);
        // Note: what the app no longer admits must not stay signed in to it. Closing it (DENY_ALL) ends the app sessions
        // of users without an explicit allow; requiring MFA ends its sessions that never passed a second factor.
        if (wasOpen && app.DefaultAccess == AppAccess.DenyAll)
            await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.AppId == appId
                && !db.AppAccessRules.Any(r => r.AppId == appId && r.UserId == s.UserId && r.Allowed)), ct);
        if (!hadMfa && app.MfaRequired)
            await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.AppId == appId && s.SecondFactorAt == null), ct);
        return app;
    }

    /// <summary>A new client secret (refreshApplicationSecret): shown once in the answer, only its hash is kept.</summary>
    /// <summary>
    /// Deletes an app: its sessions end first (and with them every token minted from them, OIDC ones included: the client
    /// is gone from the OIDC server at once), then its access rules and the row. AppNotFound when there is none.
    /// </summary>
    public async Task DeleteAsync(string appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.AppId == appId), ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.AppAccessRules.Where(r => r.AppId == appId).ExecuteDeleteAsync(ct);
        await db.Applications.Where(a => a.Id == appId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        directory.ForgetApp(appId);
    }

    public async Task<Application> RefreshSecretAsync(string appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var app = await db.Applications.FirstOrDefaultAsync(a => a.Id == appId, ct) ?? throw new GenAuthException(ErrorCodes.AppNotFound);
        if (OidcClientSettings.IsPublic(app))
            throw new GenAuthException(ErrorCodes.BadRequest,
                detail: "a public client (tokenEndpointAuthMethod none) has no secret; set client_secret_basic or client_secret_post first");
        app.ShownSecret = SetNewSecret(app);
        app.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.ForgetApp(app.Id);
        return app;
    }

    private static void DropSecret(Application app)
    {
        app.SecretHash = null;
        app.SecretSealed = [];
        app.ShownSecret = null;
    }

    private static string SetNewSecret(Application app)
    {
        var secret = Ids.NewSecret(32);
        app.SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        app.SecretSealed = [];
        return secret;
    }

    /// <summary>
    /// Whether a client secret is the app's (constant time). Apps made before secrets were hashed still hold a sealed
    /// secret: it keeps working, and its first successful use replaces it with the hash (the sealed copy is emptied).
    /// </summary>
    public static async Task<bool> VerifySecretAsync(GenAuthDbContext db, SecretSealer sealer, Application app, string? secret,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 256)
            return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        if (app.SecretHash is { Length: > 0 } hash)
            return CryptographicOperations.FixedTimeEquals(given, hash)
                   // The SK of one of the app's enabled programmatic access accounts is the app's credential too.
                   || await AppAuthorizationService.VerifyAccountSecretAsync(db, app.Id, secret, ct);
        if (app.SecretSealed is not { Length: > 0 })
            return false;
        var legacy = SHA256.HashData(sealer.Unseal(app.SecretSealed));
        if (!CryptographicOperations.FixedTimeEquals(given, legacy))
            return false;
        await db.Applications.IgnoreQueryFilters().Where(a => a.Id == app.Id && a.SecretHash == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SecretHash, given).SetProperty(a => a.SecretSealed, Array.Empty<byte>()), ct);
        return true;
    }

    /// <summary>
    /// Allows or denies one user an app. A denial ends at once the user's sessions in that app and their pool-audience
    /// sessions: before tokens were bound to their session's audience, a pool session opened the app (directly, and by
    /// refreshing into an app token), so a pool session may be how the user was using the app; the user signs in to the
    /// pool again. Sessions of other apps stay.
    /// </summary>
    public async Task SetUserAccessAsync(string appId, string userId, bool allowed, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        var rule = await db.AppAccessRules.FirstOrDefaultAsync(r => r.AppId == appId && r.UserId == userId, ct);
        if (rule is null)
            db.AppAccessRules.Add(rule = new AppAccessRule { UserPoolId = pool.Id, AppId = appId, UserId = userId });
        rule.Allowed = allowed;
        rule.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        if (!allowed)
            await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.UserId == userId && (s.AppId == appId || s.AppId == null)), ct);
    }

    /// <summary>The apps a user may use: explicitly allowed ones, and ALLOW_ALL apps that don't deny the user.</summary>
    public async Task<Page<Application>> AllowedForAsync(string? userId, int page, int limit, CancellationToken ct)
    {
        var id = caller.Kind == PrincipalKind.Admin && !string.IsNullOrEmpty(userId) ? userId : caller.RequireUserId();
        var (skip, take) = Paging.Window(page, limit);
        var rules = db.AppAccessRules.Where(r => r.UserId == id);
        var apps = db.Applications.AsNoTracking().Where(a =>
            rules.Any(r => r.AppId == a.Id && r.Allowed) || (a.DefaultAccess == AppAccess.AllowAll && !rules.Any(r => r.AppId == a.Id && !r.Allowed)));
        return new(await apps.CountAsync(ct), await apps.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    /// <summary>Users with a live session in the app, most recent first (seed 001: currently logged-in users).</summary>
    public async Task<Page<ActiveAppUser>> ActiveUsersAsync(string appId, int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        var (skip, take) = Paging.Window(page, limit);
        var now = clock.GetUtcNow().UtcDateTime;
        var live = db.Sessions.Where(s => s.AppId == appId && s.RevokedAt == null && s.ExpiresAt > now)
            .GroupBy(s => s.UserId).Select(g => new { UserId = g.Key, Last = g.Max(s => s.CreatedAt) });
        var total = await live.CountAsync(ct);
        // Note: the user id breaks ties, so a page boundary between equal times cuts the same way on every provider.
        var rows = await live.OrderByDescending(x => x.Last).ThenBy(x => x.UserId).Skip(skip).Take(take).ToListAsync(ct);
        var ids = rows.Select(r => r.UserId).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && !u.IsDeleted).ToDictionaryAsync(u => u.Id, ct);
        return new(total, rows.Where(r => users.ContainsKey(r.UserId)).Select(r => new ActiveAppUser(users[r.UserId], r.Last, users[r.UserId].LastIp)).ToList());
    }

    /// <summary>
    /// Whether a user may sign in to an app: an enabled authorization record denying the user (or a role, group or
    /// org node of theirs) wins; then the explicit per-user rule; then an enabled allowing record; else the app's default.
    /// </summary>
    public static async Task<bool> IsAllowedAsync(GenAuthDbContext db, Application app, string userId, CancellationToken ct)
    {
        // Note: the usual app has no enabled authorization record; then one statement answers (whether it has any, and the
        // user's own rule, together) instead of two (issue 11, P7: every code exchange and refresh runs this).
        if (await AccessProbeQuery.For(db)(db, app.Id, userId, ct) is { HasRecords: false } probe)
            return probe.Rule ?? app.DefaultAccess == AppAccess.AllowAll;
        var records = await AppAuthorizationService.DecideAsync(db, app.Id, userId, ct);
        if (records == false)
            return false;
        var rule = await db.AppAccessRules.AsNoTracking().Where(r => r.AppId == app.Id && r.UserId == userId)
            .Select(r => (bool?)r.Allowed).FirstOrDefaultAsync(ct);
        return rule ?? records ?? app.DefaultAccess == AppAccess.AllowAll;
    }

    private sealed record AccessProbe(bool HasRecords, bool? Rule);

    private static readonly PerModel<Func<GenAuthDbContext, string, string, CancellationToken, Task<AccessProbe?>>> AccessProbeQuery = new(() =>
        EF.CompileAsyncQuery((GenAuthDbContext db, string appId, string userId, CancellationToken ct) =>
            db.Applications.IgnoreQueryFilters().Where(a => a.Id == appId)
                .Select(a => new AccessProbe(
                    db.AppAuthorizations.Any(x => x.AppId == appId && x.Enabled),
                    db.AppAccessRules.Where(r => r.AppId == appId && r.UserId == userId).Select(r => (bool?)r.Allowed).FirstOrDefault()))
                .FirstOrDefault()));

    private static void Apply(Application app, ApplicationInput input, DateTime now)
    {
        if (input.DefaultAccess is { } access && access is not (AppAccess.AllowAll or AppAccess.DenyAll))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "defaultStrategy must be ALLOW_ALL or DENY_ALL");
        app.Identifier = input.Identifier ?? app.Identifier;
        app.Logo = input.Logo ?? app.Logo;
        app.Description = input.Description ?? app.Description;
        app.DefaultAccess = input.DefaultAccess ?? app.DefaultAccess;
        app.MfaRequired = input.MfaRequired ?? app.MfaRequired;
        if (input.RedirectUris is not null)
            app.RedirectUris = string.Join('\n', OidcClientSettings.RequireUris(input.RedirectUris, "redirectUris"));
        if (input.Oidc is { } o)
            OidcClientSettings.Apply(app, o);
        app.UpdatedAt = now;
    }
}
