using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Tenants;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.ExtIdps;

/// <summary>
/// Whether a connection may be used from an app (and a tenant): the per-app switches of <see cref="ExtIdpConnAppState"/>.
/// The connection's own pool-wide <see cref="ExtIdpConn.Enabled"/> is the master switch: off, it is off everywhere. On,
/// the most specific row decides: (app, tenant), then (every app, tenant), then (app, no tenant). No row: on. The
/// default is "on" so that connections people sign in with today keep working on every app after the upgrade, and a
/// connection an API client creates works at once (GenAuth's console starts a new connection off for apps; here an admin
/// switches it off per app). A tenant counts only for a tenant-enabled app, as in the sign-in pipeline.
/// A connection of a tenant's identity source (<see cref="ExtIdp.TenantId"/>) is usable only under that tenant: from a
/// tenant-enabled app the tenant uses, with the tenant named (<see cref="OtherTenantsAsync"/>); pool-level sources (no
/// tenant) everywhere.
/// </summary>
public static class ConnAppStates
{
    /// <summary>The tenant whose switches apply: the caller's, when the app signs in under tenants; else none.</summary>
    public static string TenantFor(Application app, string? callerTenantId) =>
        AppTypes.TenantEnabled(app.AppType) && !string.IsNullOrEmpty(callerTenantId) ? callerTenantId : "";

    /// <summary>The ids among <paramref name="connIds"/> switched off for the app (and tenant). One indexed query.</summary>
    public static async Task<HashSet<string>> DisabledAsync(GenAuthDbContext db, IReadOnlyCollection<string> connIds, Application app,
        string? callerTenantId, CancellationToken ct)
    {
        if (connIds.Count == 0)
            return [];
        var foreign = await OtherTenantsAsync(db, connIds, app, callerTenantId, ct);
        var tenant = TenantFor(app, callerTenantId);
        var appId = app.Id;
        var rows = await db.ExtIdpConnAppStates.AsNoTracking()
            .Where(s => connIds.Contains(s.ConnId)
                        && ((s.AppId == appId && (s.TenantId == "" || s.TenantId == tenant)) || (s.AppId == "" && tenant != "" && s.TenantId == tenant)))
            .Select(s => new { s.ConnId, s.AppId, s.TenantId, s.Enabled })
            .ToListAsync(ct);
        var disabled = new HashSet<string>(foreign, StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.ConnId))
        {
            // Most specific first: this app under this tenant, every app of the tenant, this app outside tenants.
            var decisive = group.FirstOrDefault(r => r.AppId == appId && tenant != "" && r.TenantId == tenant)
                           ?? group.FirstOrDefault(r => r.AppId == "" && r.TenantId == tenant)
                           ?? group.FirstOrDefault(r => r.AppId == appId && r.TenantId == "");
            if (decisive is { Enabled: false })
                disabled.Add(group.Key);
        }
        return disabled;
    }

    /// <summary>Whether this (pool-enabled) connection may be used from the app under the caller's tenant.</summary>
    public static async Task<bool> IsEnabledForAsync(GenAuthDbContext db, ExtIdpConn conn, Application app, string? callerTenantId,
        CancellationToken ct) =>
        conn.Enabled && !(await DisabledAsync(db, [conn.Id], app, callerTenantId, ct)).Contains(conn.Id);

    /// <summary>
    /// The tenant the app verifiably signs in under: a tenant-enabled app, the caller's tenant, a tenant of this pool that
    /// uses the app (its app list names it). Else "" (the plain pool). A tenant_id a link names is never trusted alone.
    /// </summary>
    public static async Task<string> VerifiedTenantAsync(GenAuthDbContext db, Application? app, string? callerTenantId, CancellationToken ct)
    {
        if (app is null || TenantFor(app, callerTenantId) is not { Length: > 0 and <= 64 } tenant)
            return "";
        return await TenantService.UsesAppAsync(db, tenant, app.Id, ct) ? tenant : "";
    }

    /// <summary>
    /// The ids among <paramref name="connIds"/> whose identity source belongs to a tenant other than the one the app
    /// verifiably signs in under (any tenant's, when it signs in under none, or without an app). One query when none of
    /// them belongs to a tenant (the common case), two otherwise.
    /// </summary>
    public static async Task<HashSet<string>> OtherTenantsAsync(GenAuthDbContext db, IReadOnlyCollection<string> connIds, Application? app,
        string? callerTenantId, CancellationToken ct)
    {
        if (connIds.Count == 0)
            return [];
        var owned = await (from c in db.ExtIdpConns.AsNoTracking()
                           join i in db.ExtIdps.AsNoTracking() on c.ExtIdpId equals i.Id
                           where connIds.Contains(c.Id) && i.TenantId != null && i.TenantId != ""
                           select new { c.Id, i.TenantId }).ToListAsync(ct);
        if (owned.Count == 0)
            return [];
        var tenant = await VerifiedTenantAsync(db, app, callerTenantId, ct);
        return owned.Where(o => o.TenantId != tenant).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
    }
}
