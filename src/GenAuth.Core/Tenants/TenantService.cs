using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Tenants;

/// <summary>One tenant and the part of its members a page shows.</summary>
public sealed record TenantMemberView(TenantMember Member, User User);

/// <summary>
/// Tenants of a pool (TenantManagementClient). The pool's admin manages every tenant; a tenant's admin (a member
/// marked admin, signed in as a user of the pool) reads and manages only that tenant: its settings and members, never
/// its admins, never another tenant (403), and tenants of other pools don't exist for anyone (the pool filter, 2580).
/// </summary>
public sealed class TenantService(GenAuthDbContext db, CallerContext caller, PoolDirectory directory, TimeProvider clock)
{
    public const int MaxNameLength = 128;
    public const int MaxCssLength = 16_384;

    /// <summary>Apps one tenant may name.</summary>
    public const int MaxApps = 50;

    /// <summary>Users one addMembers / setTanentAdmin call may name.</summary>
    public const int MaxUsersPerCall = 100;

    /// <summary>Tenants one pool may hold.</summary>
    public const int MaxTenantsPerPool = 1000;

    public async Task<Page<Tenant>> ListAsync(int? page, int? limit, CancellationToken ct)
    {
        var query = db.Tenants.AsNoTracking();
        if (!IsPoolAdmin())
        {
            // A tenant's admin lists the tenants they administer, nothing else.
            var userId = caller.RequireUserId();
            query = query.Where(t => db.TenantMembers.Any(m => m.TenantId == t.Id && m.UserId == userId && m.IsAdmin && m.Enabled));
        }
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        return new Page<Tenant>(total, await query.OrderBy(t => t.Id).Skip(skip).Take(take).ToListAsync(ct));
    }

    public async Task<Tenant> GetAsync(string id, CancellationToken ct) => await RequireManagedAsync(id, tracked: false, ct);

    public async Task<Tenant> CreateAsync(string? name, string? appIds, string? logo, string? description, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Name = Name(name), Logo = Text(logo, 1024, "logo"),
            Description = Text(description, 1024, "description"), AppIds = await AppsAsync(appIds, ct) ?? "", CreatedAt = now, UpdatedAt = now,
        };
        if (await db.Tenants.CountAsync(ct) >= MaxTenantsPerPool)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxTenantsPerPool} tenants per pool");
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(ct);
        return tenant;
    }

    /// <summary>
    /// Updates what the body names (update and config share the path): name, apps, logo, description, css and the
    /// login page's switches. A tenant's admin may change everything here but the apps (the pool's admin decides which
    /// of the pool's apps a tenant gets).
    /// </summary>
    public async Task<Tenant> UpdateAsync(string id, string? name, string? appIds, string? logo, string? description, string? css,
        JsonElement? settings, CancellationToken ct)
    {
        var tenant = await RequireManagedAsync(id, tracked: true, ct);
        if (name is not null)
            tenant.Name = Name(name);
        if (appIds is not null)
        {
            if (!IsPoolAdmin())
                throw new GenAuthException(ErrorCodes.Forbidden, detail: "only the pool's admin assigns apps");
            tenant.AppIds = await AppsAsync(appIds, ct) ?? "";
        }
        if (logo is not null)
            tenant.Logo = Text(logo, 1024, "logo");
        if (description is not null)
            tenant.Description = Text(description, 1024, "description");
        if (css is not null)
            tenant.Css = Text(css, MaxCssLength, "css");
        if (settings is { ValueKind: JsonValueKind.Object } s)
            tenant.SsoPageCustomizationSettings = Settings(s);
        tenant.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return tenant;
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        // Members go with the tenant (cascade); orgs that named it keep their rows without it.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.TenantMembers.Where(m => m.TenantId == id).ExecuteDeleteAsync(ct);
        if (await db.Tenants.Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.TenantNotFound);
        await tx.CommitAsync(ct);
    }

    public async Task<Page<TenantMemberView>> MembersAsync(string id, int? page, int? limit, CancellationToken ct)
    {
        await RequireManagedAsync(id, tracked: false, ct);
        var (skip, take) = Paging.Window(page, limit);
        var query = db.TenantMembers.AsNoTracking().Where(m => m.TenantId == id);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(m => m.Id).Skip(skip).Take(take)
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new { m, u }).ToListAsync(ct);
        return new Page<TenantMemberView>(total, rows.Select(r => new TenantMemberView(r.m, r.u)).ToList());
    }

    /// <summary>Adds users of the pool as members; members already there stay as they are. Returns (added, already).</summary>
    public async Task<(int Added, int Already)> AddMembersAsync(string id, IReadOnlyList<string>? userIds, CancellationToken ct)
    {
        var tenant = await RequireManagedAsync(id, tracked: false, ct);
        var ids = await UsersAsync(userIds, ct);
        var existing = await db.TenantMembers.Where(m => m.TenantId == id && ids.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var userId in ids.Except(existing))
            db.TenantMembers.Add(new TenantMember { UserPoolId = tenant.UserPoolId, TenantId = id, UserId = userId, CreatedAt = now });
        await SaveMembersAsync(ct);
        return (ids.Count - existing.Count, existing.Count);
    }

    public async Task RemoveMemberAsync(string id, string? userId, CancellationToken ct)
    {
        await RequireManagedAsync(id, tracked: false, ct);
        var member = await db.TenantMembers.FirstOrDefaultAsync(m => m.TenantId == id && m.UserId == userId, ct)
                     ?? throw new GenAuthException(ErrorCodes.TenantMemberNotFound);
        // A tenant's admin can't remove an admin (themselves included): admins are the pool admin's to change.
        if (member.IsAdmin && !IsPoolAdmin())
            throw new GenAuthException(ErrorCodes.Forbidden, detail: "only the pool's admin removes a tenant's admin");
        db.TenantMembers.Remove(member);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Enables or disables a member: a disabled member can't sign in under the tenant.</summary>
    public async Task SetMemberEnabledAsync(string id, string userId, bool enabled, CancellationToken ct)
    {
        await RequireManagedAsync(id, tracked: false, ct);
        var member = await db.TenantMembers.FirstOrDefaultAsync(m => m.TenantId == id && m.UserId == userId, ct)
                     ?? throw new GenAuthException(ErrorCodes.TenantMemberNotFound);
        if (member.IsAdmin && !IsPoolAdmin())
            throw new GenAuthException(ErrorCodes.Forbidden, detail: "only the pool's admin changes a tenant's admin");
        member.Enabled = enabled;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Makes users of the pool admins of the tenant (members first when they aren't yet). The pool's admin only.</summary>
    public async Task SetAdminsAsync(string id, IReadOnlyList<string>? userIds, CancellationToken ct)
    {
        caller.RequireAdmin();
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.TenantNotFound);
        var ids = await UsersAsync(userIds, ct);
        var members = await db.TenantMembers.Where(m => m.TenantId == id && ids.Contains(m.UserId)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var userId in ids)
        {
            var member = members.FirstOrDefault(m => m.UserId == userId);
            if (member is null)
                db.TenantMembers.Add(new TenantMember { UserPoolId = tenant.UserPoolId, TenantId = id, UserId = userId, IsAdmin = true, CreatedAt = now });
            else
                member.IsAdmin = true;
        }
        await SaveMembersAsync(ct);
    }

    /// <summary>The user stays a member, no longer an admin. The pool's admin only.</summary>
    public async Task RemoveAdminAsync(string id, string userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Tenants.AnyAsync(t => t.Id == id, ct))
            throw new GenAuthException(ErrorCodes.TenantNotFound);
        var member = await db.TenantMembers.FirstOrDefaultAsync(m => m.TenantId == id && m.UserId == userId && m.IsAdmin, ct)
                     ?? throw new GenAuthException(ErrorCodes.TenantMemberNotFound);
        member.IsAdmin = false;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>changeApplicationType: INDIVIDUAL, TENANT or BOTH (anything else 400). The pool's admin.</summary>
    public async Task SetAppTypeAsync(string appId, string type, CancellationToken ct)
    {
        caller.RequireAdmin();
        var normalized = AppTypes.Normalize(type) ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "appType is INDIVIDUAL, TENANT or BOTH");
        var app = await db.Applications.FirstOrDefaultAsync(a => a.Id == appId, ct) ?? throw new GenAuthException(ErrorCodes.AppNotFound);
        app.AppType = normalized;
        await db.SaveChangesAsync(ct);
        // Note: callers read apps from the directory's cache; the new type applies from the next request.
        directory.ForgetApp(app.Id);
    }

    /// <summary>The tenants an app is used by (the pool's admin).</summary>
    public async Task<IReadOnlyList<Tenant>> OfAppAsync(string appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        // Note: AppIds is a short comma list; the match is refined in memory so "ab" never matches "abc".
        var like = await db.Tenants.AsNoTracking().Where(t => t.AppIds.Contains(appId)).OrderBy(t => t.Id).Take(MaxTenantsPerPool).ToListAsync(ct);
        return like.Where(t => t.AppIdList().Contains(appId)).ToList();
    }

    /// <summary>The orgs of a tenant (orgs/by-tenant): the pool's admin, or the tenant's admin.</summary>
    public async Task<IReadOnlyList<Orgs.Organization>> OrgsAsync(string? tenantId, CancellationToken ct)
    {
        // Note: the caller first, so an outsider learns nothing from the argument check.
        caller.RequirePool();
        if (!IsPoolAdmin())
            caller.RequireUserId();
        if (string.IsNullOrEmpty(tenantId))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "tenant_id is required");
        await RequireManagedAsync(tenantId, tracked: false, ct);
        return await db.Orgs.AsNoTracking().Where(o => o.TenantId == tenantId).OrderBy(o => o.Id).Take(Paging.MaxLimit).ToListAsync(ct);
    }

    /// <summary>The tenants a user belongs to (the pool's admin).</summary>
    public async Task<IReadOnlyList<(Tenant Tenant, TenantMember Member)>> OfUserAsync(string userId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        var rows = await db.TenantMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Tenants.AsNoTracking(), m => m.TenantId, t => t.Id, (m, t) => new { t, m }).OrderBy(r => r.t.Id)
            .Take(MaxTenantsPerPool).ToListAsync(ct);
        return rows.Select(r => (r.t, r.m)).ToList();
    }

    /// <summary>Whether this pool has the tenant and it uses the app (its app list names it): the one rule for signing in under a tenant.</summary>
    public static async Task<bool> UsesAppAsync(GenAuthDbContext db, string tenantId, string appId, CancellationToken ct)
    {
        var appIds = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.AppIds).FirstOrDefaultAsync(ct);
        return appIds is not null && appIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(appId);
    }

    /// <summary>
    /// The tenant a sign-in names, checked for the sign-in pipeline: it exists in the pool, uses the app, and the user is
    /// an enabled member. Null when allowed; else the refusal's code.
    /// </summary>
    public static async Task<ErrorCode?> SignInRefusalAsync(GenAuthDbContext db, Application app, string tenantId, string userId, CancellationToken ct)
    {
        if (!await UsesAppAsync(db, tenantId, app.Id, ct))
            return ErrorCodes.TenantNotFound;
        var enabled = await db.TenantMembers.Where(m => m.TenantId == tenantId && m.UserId == userId).Select(m => (bool?)m.Enabled).FirstOrDefaultAsync(ct);
        return enabled is true ? null : ErrorCodes.TenantAccessDenied;
    }

    private bool IsPoolAdmin() => caller.Kind == PrincipalKind.Admin;

    /// <summary>The tenant, when the caller manages it: the pool's admin, or an enabled admin member of it (else 403).</summary>
    private async Task<Tenant> RequireManagedAsync(string id, bool tracked, CancellationToken ct)
    {
        caller.RequirePool();
        if (!IsPoolAdmin())
            caller.RequireUserId();
        var query = tracked ? db.Tenants : db.Tenants.AsNoTracking();
        var tenant = await query.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (IsPoolAdmin())
            return tenant ?? throw new GenAuthException(ErrorCodes.TenantNotFound);
        // Note: a user who administers no such tenant gets 403 whether it exists or not, so ids can't be probed.
        var userId = caller.UserId;
        if (tenant is null || !await db.TenantMembers.AnyAsync(m => m.TenantId == id && m.UserId == userId && m.IsAdmin && m.Enabled, ct))
            throw new GenAuthException(ErrorCodes.Forbidden);
        return tenant;
    }

    private async Task<List<string>> UsersAsync(IReadOnlyList<string>? userIds, CancellationToken ct)
    {
        var ids = (userIds ?? []).Where(i => !string.IsNullOrEmpty(i)).Distinct().ToList();
        if (ids.Count is 0 or > MaxUsersPerCall)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxUsersPerCall} userIds");
        // Users of other pools don't exist here (the pool filter): naming one refuses the whole call.
        var found = await db.Users.Where(u => ids.Contains(u.Id) && !u.IsDeleted).CountAsync(ct);
        if (found != ids.Count)
            throw new GenAuthException(ErrorCodes.UserNotFound);
        return ids;
    }

    private async Task SaveMembersAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent call added the same member: the unique index kept one row.
            db.ChangeTracker.Clear();
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "a concurrent change added the same member; try again");
        }
    }

    /// <summary>The apps named (comma-separated), each an app of the pool (else 2043); null when none were named.</summary>
    private async Task<string?> AppsAsync(string? appIds, CancellationToken ct)
    {
        if (appIds is null)
            return null;
        var ids = appIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (ids.Count > MaxApps)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxApps} apps");
        if (ids.Count > 0 && await db.Applications.CountAsync(a => ids.Contains(a.Id), ct) != ids.Count)
            throw new GenAuthException(ErrorCodes.AppNotFound);
        return string.Join(',', ids);
    }

    private static string Name(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength
            ? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"name is required (at most {MaxNameLength} characters)")
            : name.Trim();

    private static string? Text(string? value, int max, string what) =>
        value is { Length: > 0 } && value.Length > max
            ? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{what} is at most {max} characters")
            : value;

    private static readonly string[] SettingNames = ["autoRegisterThenLogin", "hideForgetPassword", "hideIdp", "hideSocialLogin"];

    /// <summary>Only the four switches GenAuth defines, as booleans (anything else is dropped).</summary>
    private static string Settings(JsonElement s)
    {
        var kept = new Dictionary<string, bool>();
        foreach (var name in SettingNames)
            if (s.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                kept[name] = v.GetBoolean();
        return JsonSerializer.Serialize(kept);
    }
}
