using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.ExtIdps;

/// <summary>A connection as the admin sends it (create: every part; update: absent parts stay).</summary>
public sealed record ExtIdpConnInput(string? Type, string? Identifier, string? DisplayName, JsonObject? Fields, List<string>? UserMatchFields,
    string? Logo);

/// <summary>An identity source with its connections, as the API answers it (secrets left out).</summary>
public sealed record ExtIdpView(ExtIdp Idp, IReadOnlyList<ExtIdpConnView> Connections);

/// <summary>A connection as the API answers it: its public fields only (the sealed secrets are never read back).</summary>
public sealed record ExtIdpConnView(ExtIdpConn Conn, JsonObject Fields, IReadOnlyList<string> UserMatchFields);

/// <summary>
/// Identity sources and their connections (GenAuth's extIdp / extIdpConn), admin-only and per pool. Secret fields are split
/// from the rest on the way in and sealed with the master key (like app and pool secrets); the API never returns them,
/// and an update that leaves a secret out keeps the stored one.
/// </summary>
public sealed partial class ExtIdpService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, TimeProvider clock)
{
    /// <summary>Limits on what an admin may store (the fields are read on every sign-in through the connection).</summary>
    public const int MaxFieldsBytes = 16 * 1024;
    public const int MaxLogoLength = 2048;
    public const int MaxConnectionsPerIdp = 50;
    private static readonly byte[] SecretsPurpose = "GenAuth.ExtIdpConn.v1|"u8.ToArray();

    public static readonly IReadOnlySet<string> MatchFields = new HashSet<string>(StringComparer.Ordinal) { "email", "phone" };

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Za-z0-9:_.-]{1,64}$")]
    private static partial Regex TypePattern();

    /// <summary>A field holds a secret when its name says so: sealed at rest, never answered.</summary>
    public static bool IsSecretField(string name)
    {
        var n = name.ToLowerInvariant();
        return n.Contains("secret") || n.Contains("password") || n.Contains("privatekey") || n.EndsWith("token", StringComparison.Ordinal);
    }

    public async Task<IReadOnlyList<ExtIdpView>> ListAsync(string? tenantId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.ExtIdps.AsNoTracking();
        if (!string.IsNullOrEmpty(tenantId))
            query = query.Where(i => i.TenantId == tenantId);
        var idps = await query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Take(500).ToListAsync(ct);
        var ids = idps.Select(i => i.Id).ToList();
        var conns = await db.ExtIdpConns.AsNoTracking().Where(c => ids.Contains(c.ExtIdpId)).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return idps.Select(i => new ExtIdpView(i, conns.Where(c => c.ExtIdpId == i.Id).Select(View).ToList())).ToList();
    }

    public async Task<ExtIdpView> GetAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        var idp = await db.ExtIdps.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct)
                  ?? throw new GenAuthException(ErrorCodes.ExtIdpNotFound);
        var conns = await db.ExtIdpConns.AsNoTracking().Where(c => c.ExtIdpId == id).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return new ExtIdpView(idp, conns.Select(View).ToList());
    }

    public async Task<ExtIdpView> CreateAsync(string? name, string? type, string? tenantId, List<ExtIdpConnInput>? connections, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        name = RequireText(name, "name", 128);
        type = RequireType(type);
        if (connections is { Count: > MaxConnectionsPerIdp })
            throw Invalid("connections");
        var now = clock.GetUtcNow().UtcDateTime;
        var idp = new ExtIdp
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Name = name, Type = type, TenantId = Trim(tenantId, 64), CreatedAt = now, UpdatedAt = now,
        };
        db.ExtIdps.Add(idp);
        var created = new List<ExtIdpConn>();
        foreach (var input in connections ?? [])
            created.Add(await NewConnAsync(idp, input, created, ct));
        await SaveUniqueAsync(ct);
        return new ExtIdpView(idp, created.Select(View).ToList());
    }

    public async Task<ExtIdpView> UpdateAsync(string id, string? name, CancellationToken ct)
    {
        caller.RequireAdmin();
        var idp = await db.ExtIdps.FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpNotFound);
        idp.Name = RequireText(name, "name", 128);
        idp.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Deletes the source, its connections and the identities linked through them.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        var idp = await db.ExtIdps.FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpNotFound);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.UserIdentities.Where(x => x.ExtIdpId == id).ExecuteDeleteAsync(ct);
        var connIds = db.ExtIdpConns.Where(c => c.ExtIdpId == id).Select(c => c.Id);
        await db.ExtIdpConnAppStates.Where(s => connIds.Contains(s.ConnId)).ExecuteDeleteAsync(ct);
        await db.ExtIdpConns.Where(c => c.ExtIdpId == id).ExecuteDeleteAsync(ct);
        db.ExtIdps.Remove(idp);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Turns every connection of the source on or off: for the pool (no app, no tenant), else for the app and/or tenant
    /// named (see <see cref="ConnAppStates"/>).
    /// </summary>
    public async Task SetIdpStateAsync(string id, bool enabled, CancellationToken ct, string? appId = null, string? tenantId = null)
    {
        caller.RequireAdmin();
        if (!await db.ExtIdps.AnyAsync(i => i.Id == id, ct))
            throw new GenAuthException(ErrorCodes.ExtIdpNotFound);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await ScopeAsync(appId, tenantId, ct) is { } scope)
        {
            var connIds = await db.ExtIdpConns.Where(c => c.ExtIdpId == id).Select(c => c.Id).ToListAsync(ct);
            await SetScopedAsync(connIds, scope.AppId, scope.TenantId, enabled, ct);
            return;
        }
        await db.ExtIdpConns.Where(c => c.ExtIdpId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Enabled, enabled).SetProperty(c => c.UpdatedAt, now), ct);
    }

    public async Task<ExtIdpConnView> CreateConnAsync(string? extIdpId, ExtIdpConnInput input, CancellationToken ct)
    {
        caller.RequireAdmin();
        var idp = await db.ExtIdps.FirstOrDefaultAsync(i => i.Id == extIdpId, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpNotFound);
        if (await db.ExtIdpConns.CountAsync(c => c.ExtIdpId == idp.Id, ct) >= MaxConnectionsPerIdp)
            throw Invalid("connections");
        var conn = await NewConnAsync(idp, input, [], ct);
        await SaveUniqueAsync(ct);
        return View(conn);
    }

    public async Task<ExtIdpConnView> UpdateConnAsync(string id, ExtIdpConnInput input, CancellationToken ct)
    {
        caller.RequireAdmin();
        var conn = await db.ExtIdpConns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        if (input.DisplayName is not null)
            conn.DisplayName = RequireText(input.DisplayName, "displayName", 128);
        if (input.Logo is not null)
            conn.Logo = Trim(input.Logo, MaxLogoLength, "logo");
        if (input.UserMatchFields is not null)
            conn.UserMatchFieldsJson = MatchFieldsJson(input.UserMatchFields);
        if (input.Fields is not null)
        {
            // Note: a secret the update leaves out keeps its stored value (the admin never sees it to send it back).
            var secrets = ReadSecrets(conn);
            var (open, newSecrets) = Split(input.Fields);
            foreach (var (k, v) in newSecrets)
                secrets[k] = v;
            ConnFields.Validate(conn.Type, open, secrets);
            conn.FieldsJson = open.ToJsonString();
            conn.SealedSecrets = SealSecrets(secrets);
        }
        conn.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return View(conn);
    }

    public async Task DeleteConnAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        var conn = await db.ExtIdpConns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.UserIdentities.Where(x => x.ConnId == id).ExecuteDeleteAsync(ct);
        await db.ExtIdpConnAppStates.Where(s => s.ConnId == id).ExecuteDeleteAsync(ct);
        db.ExtIdpConns.Remove(conn);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Turns one connection on or off: for the pool (no app, no tenant; the master switch), else only for the app and/or
    /// tenant named (a row of <see cref="ExtIdpConnAppState"/>; the pool-wide state is left as it is).
    /// </summary>
    public async Task SetConnStateAsync(string id, bool enabled, CancellationToken ct, string? appId = null, string? tenantId = null)
    {
        caller.RequireAdmin();
        var conn = await db.ExtIdpConns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        if (await ScopeAsync(appId, tenantId, ct) is { } scope)
        {
            await SetScopedAsync([conn.Id], scope.AppId, scope.TenantId, enabled, ct);
            return;
        }
        conn.Enabled = enabled;
        conn.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The per-app / per-tenant switches of a connection (admin view).</summary>
    public async Task<IReadOnlyList<ExtIdpConnAppState>> AppStatesAsync(string connId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.ExtIdpConns.AnyAsync(c => c.Id == connId, ct))
            throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        return await db.ExtIdpConnAppStates.AsNoTracking().Where(s => s.ConnId == connId)
            .OrderBy(s => s.AppId).ThenBy(s => s.TenantId).Take(1000).ToListAsync(ct);
    }

    /// <summary>
    /// The pool's connections as one app (under one tenant) sees them: each with whether it is usable there (pool switch
    /// and the app's / tenant's switches). GenAuth's "identity sources enabled for the application".
    /// </summary>
    public async Task<IReadOnlyList<(ExtIdpConnView Conn, bool Enabled)>> ForAppAsync(string? appId, string? tenantId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var app = string.IsNullOrEmpty(appId) || appId.Length > 64 ? null : await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct);
        if (app is null)
            throw new GenAuthException(ErrorCodes.AppNotFound);
        var tenant = await ScopeAsync(null, tenantId, ct);
        var conns = await db.ExtIdpConns.AsNoTracking().OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(500).ToListAsync(ct);
        var disabled = await ConnAppStates.DisabledAsync(db, conns.Select(c => c.Id).ToList(), app, tenant?.TenantId, ct);
        return conns.Select(c => (View(c), c.Enabled && !disabled.Contains(c.Id))).ToList();
    }

    /// <summary>The app and tenant a state switch names (each checked in the pool), or null for the pool-wide switch.</summary>
    private async Task<(string AppId, string TenantId)?> ScopeAsync(string? appId, string? tenantId, CancellationToken ct)
    {
        appId = string.IsNullOrWhiteSpace(appId) ? "" : appId.Trim();
        tenantId = string.IsNullOrWhiteSpace(tenantId) ? "" : tenantId.Trim();
        if (appId.Length == 0 && tenantId.Length == 0)
            return null;
        if (appId.Length > 0 && (appId.Length > 64 || !await db.Applications.AnyAsync(a => a.Id == appId, ct)))
            throw new GenAuthException(ErrorCodes.AppNotFound);
        if (tenantId.Length > 0 && (tenantId.Length > 64 || !await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)))
            throw new GenAuthException(ErrorCodes.TenantNotFound);
        return (appId, tenantId);
    }

    /// <summary>Writes (inserts or updates) the switch of each connection for the scope, in one transaction.</summary>
    private async Task SetScopedAsync(IReadOnlyList<string> connIds, string appId, string tenantId, bool enabled, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; ; attempt++)
        {
            var existing = await db.ExtIdpConnAppStates.Where(s => connIds.Contains(s.ConnId) && s.AppId == appId && s.TenantId == tenantId)
                .ToListAsync(ct);
            foreach (var row in existing)
            {
                row.Enabled = enabled;
                row.UpdatedAt = now;
            }
            foreach (var connId in connIds.Where(c => existing.All(e => e.ConnId != c)))
                db.ExtIdpConnAppStates.Add(new ExtIdpConnAppState
                {
                    UserPoolId = pool.Id, ConnId = connId, AppId = appId, TenantId = tenantId, Enabled = enabled, UpdatedAt = now,
                });
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt == 0)
            {
                // Note: another admin request inserted the same switch at once; read it back and update it instead.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Refuses (2702) an identifier already used in the pool, or a malformed one (400); free otherwise.</summary>
    public async Task RequireIdentifierFreeAsync(string? identifier, CancellationToken ct)
    {
        caller.RequireAdmin();
        var id = RequireIdentifier(identifier);
        if (await db.ExtIdpConns.AnyAsync(c => c.Identifier == id, ct))
            throw new GenAuthException(ErrorCodes.ExtIdpIdentifierTaken);
    }

    /// <summary>The pool's enabled connection by its URL identifier, or null (unknown and disabled look the same).</summary>
    public Task<ExtIdpConn?> FindEnabledAsync(string identifier, CancellationToken ct) =>
        db.ExtIdpConns.AsNoTracking().FirstOrDefaultAsync(c => c.Identifier == identifier && c.Enabled, ct);

    /// <summary>Every field of the connection, secrets included (sign-in only; never answered).</summary>
    public Dictionary<string, string> AllFields(ExtIdpConn conn)
    {
        var all = new Dictionary<string, string>(ConnTypes.Defaults(conn.Type), StringComparer.Ordinal);
        foreach (var (k, v) in JsonNode.Parse(conn.FieldsJson)?.AsObject() ?? [])
            if (v is JsonValue value && value.TryGetValue<string>(out var s))
                all[k] = s;
            else if (v is not null)
                all[k] = v.ToJsonString();
        foreach (var (k, v) in ReadSecrets(conn))
            all[k] = v;
        ConnTypes.Derive(conn.Type, all);
        return all;
    }

    public static IReadOnlyList<string> UserMatchFieldsOf(ExtIdpConn conn) =>
        JsonSerializer.Deserialize<List<string>>(conn.UserMatchFieldsJson) ?? [];

    public byte[] Seal(string purpose, string plain) => sealer.Seal([.. Encoding.UTF8.GetBytes(purpose + "|"), .. Encoding.UTF8.GetBytes(plain)]);

    private async Task<ExtIdpConn> NewConnAsync(ExtIdp idp, ExtIdpConnInput input, List<ExtIdpConn> siblings, CancellationToken ct)
    {
        var identifier = RequireIdentifier(input.Identifier);
        if (siblings.Any(c => c.Identifier == identifier) || await db.ExtIdpConns.AnyAsync(c => c.Identifier == identifier, ct))
            throw new GenAuthException(ErrorCodes.ExtIdpIdentifierTaken);
        var type = RequireType(input.Type);
        var (open, secrets) = Split(input.Fields ?? []);
        ConnFields.Validate(type, open, secrets);
        var now = clock.GetUtcNow().UtcDateTime;
        var conn = new ExtIdpConn
        {
            Id = Ids.New(clock), UserPoolId = idp.UserPoolId, ExtIdpId = idp.Id, Type = type, Identifier = identifier,
            DisplayName = RequireText(input.DisplayName, "displayName", 128), Logo = Trim(input.Logo, MaxLogoLength, "logo"),
            FieldsJson = open.ToJsonString(), SealedSecrets = SealSecrets(secrets),
            UserMatchFieldsJson = MatchFieldsJson(input.UserMatchFields ?? []), Enabled = true, CreatedAt = now, UpdatedAt = now,
        };
        db.ExtIdpConns.Add(conn);
        return conn;
    }

    private async Task SaveUniqueAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            throw new GenAuthException(ErrorCodes.ExtIdpIdentifierTaken);
        }
    }

    private static (JsonObject Open, Dictionary<string, string> Secrets) Split(JsonObject fields)
    {
        if (Encoding.UTF8.GetByteCount(fields.ToJsonString()) > MaxFieldsBytes)
            throw Invalid("fields");
        var open = new JsonObject();
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in fields)
        {
            if (IsSecretField(k))
            {
                if (v is JsonValue value && value.TryGetValue<string>(out var s) && s.Length > 0)
                    secrets[k] = s;
                else if (v is not null && v.GetValueKind() != JsonValueKind.Null)
                    throw Invalid("fields." + k);
            }
            else
                open[k] = v?.DeepClone();
        }
        return (open, secrets);
    }

    private byte[]? SealSecrets(Dictionary<string, string> secrets) =>
        secrets.Count == 0 ? null : sealer.Seal([.. SecretsPurpose, .. JsonSerializer.SerializeToUtf8Bytes(secrets)]);

    private Dictionary<string, string> ReadSecrets(ExtIdpConn conn)
    {
        if (conn.SealedSecrets is null)
            return new Dictionary<string, string>(StringComparer.Ordinal);
        var plain = sealer.Unseal(conn.SealedSecrets);
        if (!plain.AsSpan(0, SecretsPurpose.Length).SequenceEqual(SecretsPurpose))
            throw new InvalidOperationException("Sealed connection secrets have the wrong purpose");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(plain.AsSpan(SecretsPurpose.Length))
               ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static ExtIdpConnView View(ExtIdpConn c) =>
        new(c, JsonNode.Parse(c.FieldsJson)?.AsObject() ?? [], UserMatchFieldsOf(c));

    private static string MatchFieldsJson(List<string> fields)
    {
        if (fields.Count > 4 || fields.Any(f => !MatchFields.Contains(f)))
            throw Invalid("userMatchFields");
        return JsonSerializer.Serialize(fields.Distinct().ToList());
    }

    private static string RequireIdentifier(string? identifier) =>
        identifier is not null && IdentifierPattern().IsMatch(identifier) ? identifier : throw Invalid("identifier");

    private static string RequireType(string? type) =>
        type is not null && TypePattern().IsMatch(type) ? type : throw Invalid("type");

    private static string RequireText(string? value, string name, int max) =>
        string.IsNullOrWhiteSpace(value) || value.Length > max || value.Any(char.IsControl) ? throw Invalid(name) : value.Trim();

    private static string? Trim(string? value, int max, string name = "tenantId") =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length > max || value.Any(char.IsControl) ? throw Invalid(name) : value.Trim();

    internal static GenAuthException Invalid(string field) => new(ErrorCodes.ExtIdpFieldInvalid, new { field });
}
