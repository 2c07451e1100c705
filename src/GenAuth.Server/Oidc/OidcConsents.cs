using System.Collections.Immutable;
using System.Security.Claims;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace GenAuth.Server.Oidc;

/// <summary>A third-party app the user consented to: the app, the scopes granted, when.</summary>
public sealed record AuthorizedApp(string AppId, string Name, string? Logo, IReadOnlyList<string> Scopes, DateTimeOffset? GrantedAt);

/// <summary>
/// Consents to third-party apps, remembered per user and app as OpenIddict permanent authorizations. Revoking one also
/// revokes every token issued under it, so the app loses access at once.
/// </summary>
public sealed class OidcConsents(
    GenAuthDbContext db,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens)
{
    public async Task<IReadOnlyList<AuthorizedApp>> ListAsync(string poolId, string userId, CancellationToken ct)
    {
        var byClient = new Dictionary<string, (HashSet<string> Scopes, DateTimeOffset? At)>();
        // Note: read to the end before the loop queries again (PostgreSQL runs one command per connection at a time).
        foreach (var authorization in await AllAsync(authorizations.FindBySubjectAsync(userId, ct), ct))
        {
            if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, ct)
                || !await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, ct)
                || await authorizations.GetApplicationIdAsync(authorization, ct) is not { } applicationId
                || await applications.FindByIdAsync(applicationId, ct) is not { } application
                || await applications.GetClientIdAsync(application, ct) is not { } clientId)
                continue;
            var scopes = await authorizations.GetScopesAsync(authorization, ct);
            var at = await authorizations.GetCreationDateAsync(authorization, ct);
            if (!byClient.TryGetValue(clientId, out var entry))
                byClient[clientId] = entry = ([], at);
            entry.Scopes.UnionWith(scopes);
            if (at > entry.At)
                byClient[clientId] = (entry.Scopes, at);
        }
        var ids = byClient.Keys.ToList();
        var apps = await db.Applications.IgnoreQueryFilters().AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.UserPoolId == poolId).ToListAsync(ct);
        return apps.Select(a => new AuthorizedApp(a.Id, a.Name, a.Logo, byClient[a.Id].Scopes.Order().ToList(), byClient[a.Id].At))
            .OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Withdraws the user's consent to the app (and revokes the tokens issued under it); false when there was none.</summary>
    public async Task<bool> RevokeAsync(string poolId, string userId, string appId, CancellationToken ct)
    {
        if (!await db.Applications.IgnoreQueryFilters().AnyAsync(a => a.Id == appId && a.UserPoolId == poolId, ct)
            || await applications.FindByClientIdAsync(appId, ct) is not { } application
            || await applications.GetIdAsync(application, ct) is not { } applicationId)
            return false;
        var revoked = false;
        // Note: read to the end before revoking: PostgreSQL runs one command per connection at a time (SQLite let the
        // revocations run while the reader was open; PostgreSQL answered "a command is already in progress").
        foreach (var authorization in await AllAsync(authorizations.FindAsync(userId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, null, ct), ct))
        {
            if (await authorizations.GetIdAsync(authorization, ct) is { } id)
                await tokens.RevokeByAuthorizationIdAsync(id, ct);
            revoked |= await authorizations.TryRevokeAsync(authorization, ct);
        }
        return revoked;
    }

    private static async Task<List<object>> AllAsync(IAsyncEnumerable<object> source, CancellationToken ct)
    {
        var all = new List<object>();
        await foreach (var item in source.WithCancellation(ct))
            all.Add(item);
        return all;
    }

    /// <summary>The user's remembered consent covering these scopes, or null (internal id of the authorization).</summary>
    internal async Task<string?> FindAsync(string userId, string applicationId, ImmutableArray<string> scopes, CancellationToken ct)
    {
        await foreach (var authorization in authorizations.FindAsync(userId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, ct))
            return await authorizations.GetIdAsync(authorization, ct);
        return null;
    }

    internal async Task<string?> GrantAsync(string userId, string applicationId, ImmutableArray<string> scopes, CancellationToken ct)
    {
        var identity = new ClaimsIdentity("consent");
        identity.SetClaim(Claims.Subject, userId);
        var authorization = await authorizations.CreateAsync(new ClaimsPrincipal(identity), userId, applicationId,
            AuthorizationTypes.Permanent, scopes, ct);
        return await authorizations.GetIdAsync(authorization, ct);
    }
}
