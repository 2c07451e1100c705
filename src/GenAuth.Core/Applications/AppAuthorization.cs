using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Permissions;
using GenAuth.Core.Pools;
using GenAuth.Core.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Applications;

/// <summary>
/// An app-level authorization record (acl.allowAccessApplication / denyAccessApplication): a user, role, group or org
/// node allowed or denied the app. Checked at sign-in through the app (SignInService's app-access step): an enabled
/// DENY that matches the user wins over everything, an explicit per-user rule (setApplicationUserAccess) comes next,
/// then an enabled ALLOW, then the app's default strategy.
/// </summary>
public sealed class AppAuthorization : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string AppId { get; set; }
    public required string Namespace { get; set; }
    public PermissionTargetType TargetType { get; set; }
    public required string TargetId { get; set; }
    public bool Allow { get; set; }
    public bool Enabled { get; set; } = true;
    public bool InheritByChildren { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A programmatic access account of an app (AK/SK): the account id is the AK, its secret the SK. The SK is shown once
/// (create and refresh) and stored as a SHA-256 hash (it is a 256-bit random value, or at least 32 characters when the
/// admin sets it). An enabled account's SK is accepted as the app's client secret (e.g. client_credentials at
/// /oidc/token); a disabled one is refused.
/// </summary>
public sealed class ProgrammaticAccessAccount : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string AppId { get; set; }
    public required byte[] SecretHash { get; set; }
    public string? Remarks { get; set; }
    public int TokenLifetime { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class AppAuthorizationConfiguration : IEntityTypeConfiguration<AppAuthorization>
{
    public void Configure(EntityTypeBuilder<AppAuthorization> b)
    {
        b.ToTable("app_authorizations");
        b.HasKey(e => e.Id);
        b.Property(e => e.TargetType).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(e => new { e.UserPoolId, e.AppId, e.TargetType, e.TargetId }).IsUnique();
        b.HasOne<Application>().WithMany().HasForeignKey(e => e.AppId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProgrammaticAccessAccountConfiguration : IEntityTypeConfiguration<ProgrammaticAccessAccount>
{
    public void Configure(EntityTypeBuilder<ProgrammaticAccessAccount> b)
    {
        b.ToTable("programmatic_access_accounts");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.UserPoolId, e.AppId });
        b.HasOne<Application>().WithMany().HasForeignKey(e => e.AppId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One record as authorization/records lists it.</summary>
public sealed record AppAuthorizationView(AppAuthorization Record, string TargetIdentifier);

/// <summary>An account with its SK in clear: only in the answer that creates or refreshes it.</summary>
public sealed record AccessAccountView(ProgrammaticAccessAccount Account, string? Secret);

public sealed class AppAuthorizationService(GenAuthDbContext db, CallerContext caller, PermissionService permissions, SessionService sessions,
    TimeProvider clock)
{
    public const int MaxTargets = 200;
    public const int MinSecretLength = 32;
    public const int DefaultTokenLifetime = 600;

    /// <summary>allow / deny: upserts a record per target with the effect (re-enabling it).</summary>
    public async Task SetAsync(string appId, string? ns, PermissionTargetType type, IReadOnlyCollection<string> identifiers, bool allow,
        bool inheritByChildren, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var (nsCode, ids) = await ResolveAsync(appId, ns, type, identifiers, ct);
        var existing = await db.AppAuthorizations.Where(a => a.AppId == appId && a.TargetType == type && ids.Contains(a.TargetId)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in ids)
        {
            var record = existing.FirstOrDefault(a => a.TargetId == id);
            if (record is null)
                db.AppAuthorizations.Add(record = new AppAuthorization
                {
                    Id = Ids.New(clock), UserPoolId = pool.Id, AppId = appId, Namespace = nsCode, TargetType = type, TargetId = id, CreatedAt = now,
                });
            record.Allow = allow;
            record.Enabled = true;
            record.InheritByChildren = inheritByChildren;
        }
        await db.SaveChangesAsync(ct);
        if (!allow)
            await EndDeniedSessionsAsync(appId, type == PermissionTargetType.User ? ids : null, ct);
    }

    /// <summary>
    /// What a DENY record no longer admits must not stay signed in: the app sessions of every user the records now
    /// deny end at once (the named users, or for a group/role/org record every user with a live session in the app).
    /// </summary>
    private async Task EndDeniedSessionsAsync(string appId, IReadOnlyCollection<string>? users, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = users?.ToList() ?? await db.Sessions.Where(s => s.AppId == appId && s.RevokedAt == null && s.ExpiresAt > now)
            .Select(s => s.UserId).Distinct().ToListAsync(ct);
        var denied = new List<string>();
        foreach (var userId in candidates)
            if (await DecideAsync(db, appId, userId, ct) == false)
                denied.Add(userId);
        foreach (var chunk in denied.Chunk(500))
            await sessions.RevokeWhereAsync(db, db.Sessions.Where(s => s.AppId == appId && chunk.Contains(s.UserId)), ct);
    }

    /// <summary>enable-effect / disable-effect: a disabled record is kept but takes no part.</summary>
    public async Task SetEnabledAsync(string appId, string? ns, PermissionTargetType type, IReadOnlyCollection<string> identifiers, bool enabled,
        CancellationToken ct)
    {
        caller.RequireAdmin();
        var (_, ids) = await ResolveAsync(appId, ns, type, identifiers, ct);
        await db.AppAuthorizations.Where(a => a.AppId == appId && a.TargetType == type && ids.Contains(a.TargetId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, enabled), ct);
        // Re-enabling a DENY denies its targets again: their sessions opened while it was off end too.
        await EndDeniedSessionsAsync(appId, type == PermissionTargetType.User ? ids : null, ct);
    }

    public async Task RevokeAsync(string appId, string? ns, PermissionTargetType type, IReadOnlyCollection<string> identifiers, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (_, ids) = await ResolveAsync(appId, ns, type, identifiers, ct);
        await db.AppAuthorizations.Where(a => a.AppId == appId && a.TargetType == type && ids.Contains(a.TargetId)).ExecuteDeleteAsync(ct);
    }

    public async Task<Page<AppAuthorizationView>> RecordsAsync(string appId, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        var query = db.AppAuthorizations.AsNoTracking().Where(a => a.AppId == appId);
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        var names = await permissions.IdentifiersAsync(rows.Select(r => (r.TargetType, r.TargetId)), ct);
        return new Page<AppAuthorizationView>(total, rows.Select(r => new AppAuthorizationView(r, names.GetValueOrDefault(r.TargetId, r.TargetId))).ToList());
    }

    /// <summary>
    /// Whether the app's authorization records let the user in: false when an enabled DENY matches, true when an
    /// enabled ALLOW matches, null when none does (the per-user rule and the app's default decide).
    /// </summary>
    public static async Task<bool?> DecideAsync(GenAuthDbContext db, string appId, string userId, CancellationToken ct)
    {
        var records = await db.AppAuthorizations.AsNoTracking().Where(a => a.AppId == appId && a.Enabled).ToListAsync(ct);
        if (records.Count == 0)
            return null;
        var groups = await db.GroupMembers.Where(m => m.UserId == userId).Select(m => m.GroupId).ToListAsync(ct);
        var nodeRows = await (from m in db.NodeMembers
                              join n in db.OrgNodes on m.NodeId equals n.Id
                              where m.UserId == userId
                              select new { m.NodeId, n.Path }).ToListAsync(ct);
        var direct = nodeRows.Select(n => n.NodeId).ToHashSet();
        var nodes = nodeRows.SelectMany(n => n.Path.Split('/')).ToHashSet();
        var nodeList = nodes.ToList();
        var roles = await db.RoleAssignments.Where(a =>
                (a.TargetType == Roles.RoleTargetType.User && a.TargetId == userId)
                || (a.TargetType == Roles.RoleTargetType.Group && groups.Contains(a.TargetId))
                || (a.TargetType == Roles.RoleTargetType.Node && nodeList.Contains(a.TargetId)))
            .Select(a => a.RoleId).ToListAsync(ct);
        var matching = records.Where(r => r.TargetType switch
        {
            PermissionTargetType.User => r.TargetId == userId,
            PermissionTargetType.Group => groups.Contains(r.TargetId),
            PermissionTargetType.Org => r.InheritByChildren ? nodes.Contains(r.TargetId) : direct.Contains(r.TargetId),
            _ => roles.Contains(r.TargetId),
        }).ToList();
        if (matching.Any(r => !r.Allow))
            return false;
        return matching.Count > 0 ? true : null;
    }

    // ---------- programmatic access accounts ----------

    public async Task<Page<AccessAccountView>> AccountsAsync(string appId, int? page, int? limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        var query = db.ProgrammaticAccessAccounts.AsNoTracking().Where(a => a.AppId == appId);
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<AccessAccountView>(total, rows.Select(a => new AccessAccountView(a, null)).ToList());
    }

    public async Task<AccessAccountView> CreateAccountAsync(string appId, int? tokenLifetime, string? remarks, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        if (tokenLifetime is < 1 or > 31_536_000)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "tokenLifetime is 1 to 31536000 seconds");
        if (remarks is { Length: > 1024 })
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "remarks is at most 1024 characters");
        var secret = Ids.NewSecret(32);
        var now = clock.GetUtcNow().UtcDateTime;
        var account = new ProgrammaticAccessAccount
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, AppId = appId, SecretHash = Hash(secret), Remarks = remarks,
            TokenLifetime = tokenLifetime ?? DefaultTokenLifetime, CreatedAt = now, UpdatedAt = now,
        };
        db.ProgrammaticAccessAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return new AccessAccountView(account, secret);
    }

    public async Task DeleteAccountAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (await db.ProgrammaticAccessAccounts.Where(a => a.Id == id).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.AccessAccountNotFound);
    }

    /// <summary>PATCH: enable/disable, or a new SK (the given one, at least 32 characters, or a generated one).</summary>
    public async Task<AccessAccountView> UpdateAccountAsync(string id, bool? enabled, string? secret, bool refresh, CancellationToken ct)
    {
        caller.RequireAdmin();
        var account = await db.ProgrammaticAccessAccounts.FirstOrDefaultAsync(a => a.Id == id, ct)
                      ?? throw new GenAuthException(ErrorCodes.AccessAccountNotFound);
        string? shown = null;
        if (enabled is { } on)
            account.Enabled = on;
        if (refresh)
        {
            if (secret is not null && (secret.Length < MinSecretLength || secret.Length > 256))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"secret is {MinSecretLength} to 256 characters");
            shown = secret ?? Ids.NewSecret(32);
            account.SecretHash = Hash(shown);
        }
        account.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return new AccessAccountView(account, shown);
    }

    /// <summary>Whether a client secret is the SK of an enabled access account of the app (constant-time per account).</summary>
    public static async Task<bool> VerifyAccountSecretAsync(GenAuthDbContext db, string appId, string secret, CancellationToken ct)
    {
        var given = Hash(secret);
        var hashes = await db.ProgrammaticAccessAccounts.IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.AppId == appId && a.Enabled).Select(a => a.SecretHash).Take(100).ToListAsync(ct);
        var match = false;
        foreach (var h in hashes)
            match |= CryptographicOperations.FixedTimeEquals(given, h);
        return match;
    }

    /// <summary>
    /// The app of an enabled access account whose SK is the given secret (the AK as a client id at the token endpoint),
    /// or null. Any pool: the token endpoint has no pool header, the AK names the account.
    /// </summary>
    /// <summary>The app and token lifetime (seconds) of an enabled account whose SK this is; null otherwise.</summary>
    public static async Task<(string AppId, int TokenLifetime)?> AccountClientAsync(GenAuthDbContext db, string accountId, string secret,
        CancellationToken ct)
    {
        var account = await db.ProgrammaticAccessAccounts.IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.Id == accountId && a.Enabled).Select(a => new { a.AppId, a.SecretHash, a.TokenLifetime }).FirstOrDefaultAsync(ct);
        return account is not null && CryptographicOperations.FixedTimeEquals(Hash(secret), account.SecretHash)
            ? (account.AppId, account.TokenLifetime)
            : null;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private async Task RequireAppAsync(string appId, CancellationToken ct)
    {
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
    }

    private async Task<(string Ns, List<string> Ids)> ResolveAsync(string appId, string? ns, PermissionTargetType type,
        IReadOnlyCollection<string> identifiers, CancellationToken ct)
    {
        await RequireAppAsync(appId, ct);
        var nsCode = Roles.Role.Ns(ns);
        var wanted = identifiers.Where(i => !string.IsNullOrEmpty(i)).Distinct().ToList();
        if (wanted.Count is 0 or > MaxTargets)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxTargets} targetIdentifiers");
        var ids = new List<string>();
        foreach (var identifier in wanted)
            ids.Add(await permissions.ResolveTargetAsync(nsCode, type, identifier, ct));
        return (nsCode, ids);
    }
}
