using System.Text.Json;
using GenAuth.Core.Applications;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;
using GenAuthApplication = GenAuth.Core.Pools.Application;

namespace GenAuth.Server.Oidc;

/// <summary>
/// OpenIddict's view of GenAuth's applications. A pool's applications are its OIDC clients (client_id = app id); the
/// source of truth stays GenAuth's applications table, and OpenIddict's own application row is a mirror refreshed
/// whenever the app changed (stamped with its UpdatedAt), so OpenIddict's built-in checks (redirect URIs, grant and
/// response-type permissions, client type, PKCE requirement) run on the app's current settings. The client secret is
/// never copied: it is checked against the app's hash here.
/// </summary>
public sealed class OidcClientManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    GenAuthDbContext db,
    SecretSealer sealer,
    GenAuth.Core.Pools.PoolDirectory directory,
    OidcClientMirrors mirrors)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    /// <summary>Marks a confidential client's mirror row; the real secret is only ever checked against the app's hash.</summary>
    private const string SecretPlaceholder = "genauth:hashed-in-applications";

    // Note: OpenIddict looks the client up several times per request (client id, type, secret, each permission): the
    // app and its mirror are read once per request (this manager is scoped) and reused; the next request reads again.
    private readonly Dictionary<string, (GenAuthApplication App, OpenIddictEntityFrameworkCoreApplication Row)> _seen = new(StringComparer.Ordinal);

    /// <summary>The app behind a client id through the request's manager (read once per request), or straight from the database.</summary>
    public static async ValueTask<GenAuthApplication?> AppForRequestAsync(IServiceProvider services, string clientId, CancellationToken ct)
    {
        if (services.GetService<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>>() is OidcClientManager manager)
            return await manager.FindAppAsync(clientId, ct);
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 64)
            return null;
        var db = services.GetRequiredService<GenAuthDbContext>();
        return await db.Applications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == clientId, ct);
    }

    /// <summary>The GenAuth app behind a client id, as read for this request (null when unknown).</summary>
    public async ValueTask<GenAuthApplication?> FindAppAsync(string? clientId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 64)
            return null;
        if (_seen.TryGetValue(clientId, out var seen))
            return seen.App;
        return (await LoadAsync(clientId, ct))?.App;
    }

    private async ValueTask<(GenAuthApplication App, OpenIddictEntityFrameworkCoreApplication Row)?> LoadAsync(string clientId, CancellationToken ct)
    {
        if (_seen.TryGetValue(clientId, out var seen))
            return seen;
        // Note: the pool directory's app cache (10 s, dropped on every update and secret rotation on this instance),
        // like every other GenAuth request; the app is only read here.
        var app = await directory.FindAppAsync(db, clientId, ct);
        if (app is null)
            return null;
        var row = await MirrorAsync(app, ct);
        _seen[clientId] = (app, row);
        return (app, row);
    }

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(identifier) || identifier.Length > 64)
            return null;
        return (await LoadAsync(identifier, cancellationToken))?.Row;
    }

    public override async ValueTask<bool> ValidateClientSecretAsync(OpenIddictEntityFrameworkCoreApplication application, string secret,
        CancellationToken cancellationToken = default)
    {
        var app = await FindAppAsync(application.ClientId, cancellationToken);
        return app is not null && !OidcClientSettings.IsPublic(app)
               && await ApplicationService.VerifySecretAsync(db, sealer, app, secret, cancellationToken);
    }

    public override async ValueTask<bool> ValidateRedirectUriAsync(OpenIddictEntityFrameworkCoreApplication application, string uri,
        CancellationToken cancellationToken = default)
    {
        var app = await FindAppAsync(application.ClientId, cancellationToken);
        return app is not null && OidcClientSettings.Lines(app.RedirectUris).Any(r => OidcClientSettings.RedirectUriMatches(r, uri));
    }

    public override async ValueTask<bool> ValidatePostLogoutRedirectUriAsync(OpenIddictEntityFrameworkCoreApplication application, string uri,
        CancellationToken cancellationToken = default)
    {
        var app = await FindAppAsync(application.ClientId, cancellationToken);
        return app is not null && OidcClientSettings.Lines(app.PostLogoutRedirectUris).Any(r => OidcClientSettings.RedirectUriMatches(r, uri));
    }

    /// <summary>The mirror row's Properties for an app last changed at <paramref name="updatedAt"/>.</summary>
    // Note: exactly what JsonSerializer wrote for {"genauth_stamp": "<ticks>"} (rows mirrored before still match; digits
    // need no escaping), built without a serializer: this runs on every token request.
    internal static string Stamp(DateTime updatedAt) =>
        "{\"genauth_stamp\":\"" + updatedAt.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}";

    private async Task<OpenIddictEntityFrameworkCoreApplication> MirrorAsync(GenAuthApplication app, CancellationToken ct)
    {
        var set = db.Set<OpenIddictEntityFrameworkCoreApplication>();
        var stamp = Stamp(app.UpdatedAt);
        // Note: the mirror of an unchanged app (same stamp) comes from memory: a copy attached to this request's context,
        // as if read, so OpenIddict's stores find it tracked (no query) when a token or authorization names it.
        if (mirrors.Find(app.Id, stamp) is { } known)
        {
            if (db.ChangeTracker.Entries<OpenIddictEntityFrameworkCoreApplication>().FirstOrDefault(e => e.Entity.Id == known.Id) is { } tracked)
                return tracked.Entity;
            var copy = OidcClientMirrors.Copy(known);
            set.Attach(copy);
            return copy;
        }
        var row = await set.FirstOrDefaultAsync(a => a.ClientId == app.Id, ct);
        if (row is not null && row.Properties == stamp)
        {
            mirrors.Remember(app.Id, row);
            return row;
        }
        var isNew = row is null;
        row ??= new OpenIddictEntityFrameworkCoreApplication { ClientId = app.Id };
        var isPublic = OidcClientSettings.IsPublic(app);
        var grants = OidcClientSettings.GrantTypesOf(app);
        row.DisplayName = app.Name;
        row.ClientType = isPublic ? ClientTypes.Public : ClientTypes.Confidential;
        row.ApplicationType = isPublic ? ApplicationTypes.Native : ApplicationTypes.Web;
        row.ClientSecret = isPublic ? null : SecretPlaceholder;
        row.ConsentType = app.ThirdParty ? ConsentTypes.Explicit : ConsentTypes.Implicit;
        row.RedirectUris = JsonSerializer.Serialize(OidcClientSettings.Lines(app.RedirectUris));
        row.PostLogoutRedirectUris = JsonSerializer.Serialize(OidcClientSettings.Lines(app.PostLogoutRedirectUris));
        var permissions = new List<string>
        {
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
            Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection,
        };
        if (grants.Contains(OidcClientSettings.AuthorizationCode))
        {
            permissions.Add(Permissions.GrantTypes.AuthorizationCode);
            permissions.Add(Permissions.ResponseTypes.Code);
        }
        if (grants.Contains(OidcClientSettings.RefreshToken))
            permissions.Add(Permissions.GrantTypes.RefreshToken);
        if (grants.Contains(OidcClientSettings.ClientCredentials))
            permissions.Add(Permissions.GrantTypes.ClientCredentials);
        // Note: implicit needs both the grant type and the app's explicit opt-in (ImplicitAllowed).
        if (grants.Contains(OidcClientSettings.Implicit) && app.ImplicitAllowed)
        {
            permissions.Add(Permissions.GrantTypes.Implicit);
            permissions.Add(Permissions.ResponseTypes.IdToken);
            permissions.Add(Permissions.ResponseTypes.IdTokenToken);
        }
        row.Permissions = JsonSerializer.Serialize(permissions);
        row.Requirements = JsonSerializer.Serialize(isPublic ? new[] { Requirements.Features.ProofKeyForCodeExchange } : []);
        row.Properties = stamp;
        if (isNew)
            set.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (isNew)
        {
            // Another request mirrored the same app first: use its row.
            db.Entry(row).State = EntityState.Detached;
            row = await set.FirstAsync(a => a.ClientId == app.Id, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await db.Entry(row).ReloadAsync(ct);
        }
        if (row.Properties == stamp)
            mirrors.Remember(app.Id, row);
        return row;
    }
}

/// <summary>
/// The OpenIddict mirror rows of this instance's apps, as last read or written, by app id. A row is only used while its
/// stamp (the app's UpdatedAt) matches the app as the pool directory has it, so an app change is seen as soon as the
/// directory sees it (at once on this instance, within its cache time on the others).
/// </summary>
public sealed class OidcClientMirrors
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, OpenIddictEntityFrameworkCoreApplication> _rows = new(StringComparer.Ordinal);

    internal OpenIddictEntityFrameworkCoreApplication? Find(string appId, string stamp) =>
        _rows.TryGetValue(appId, out var row) && row.Properties == stamp ? row : null;

    // Note: a snapshot, never the tracked entity itself: another request's context may change and save its own copy.
    internal void Remember(string appId, OpenIddictEntityFrameworkCoreApplication row)
    {
        if (_rows.Count > 100_000)
            _rows.Clear();
        _rows[appId] = Copy(row);
    }

    internal static OpenIddictEntityFrameworkCoreApplication Copy(OpenIddictEntityFrameworkCoreApplication row) => new()
    {
        Id = row.Id,
        ApplicationType = row.ApplicationType,
        ClientId = row.ClientId,
        ClientSecret = row.ClientSecret,
        ClientType = row.ClientType,
        ConcurrencyToken = row.ConcurrencyToken,
        ConsentType = row.ConsentType,
        DisplayName = row.DisplayName,
        DisplayNames = row.DisplayNames,
        JsonWebKeySet = row.JsonWebKeySet,
        Permissions = row.Permissions,
        PostLogoutRedirectUris = row.PostLogoutRedirectUris,
        Properties = row.Properties,
        RedirectUris = row.RedirectUris,
        Requirements = row.Requirements,
        Settings = row.Settings,
    };
}
