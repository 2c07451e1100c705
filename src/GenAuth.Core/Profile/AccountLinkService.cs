using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Profile;

/// <summary>
/// Account linking (seed 001 "Bind account"): the owner proves both accounts with their tokens; the secondary's
/// identities move to the primary and the secondary account is deleted (its sessions end).
/// </summary>
public sealed class AccountLinkService(GenAuthDbContext db, CallerContext caller, CallerResolver resolver, SessionService sessions,
    IdentityLinkService identities, TimeProvider clock)
{
    public async Task LinkAsync(string? primaryToken, string? secondaryToken, CancellationToken ct)
    {
        var primaryId = await VerifyAsync(primaryToken, ct);
        var secondaryId = await VerifyAsync(secondaryToken, ct);
        if (primaryId == secondaryId)
            throw new GenAuthException(ErrorCodes.CannotLinkSameAccount);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var primary = await db.Users.FirstOrDefaultAsync(u => u.Id == primaryId && !u.IsDeleted, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        var secondary = await db.Users.FirstOrDefaultAsync(u => u.Id == secondaryId && !u.IsDeleted, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        // Identities this server stores on the user row: social ids and the raw OAuth profile.
        primary.Unionid ??= secondary.Unionid;
        primary.Openid ??= secondary.Openid;
        primary.Oauth ??= secondary.Oauth;
        var externalId = secondary.ExternalId;
        var now = clock.GetUtcNow().UtcDateTime;
        secondary.IsDeleted = true;
        secondary.Status = "Archived";
        secondary.DeletedAt = now;
        secondary.UpdatedAt = now;
        secondary.Email = secondary.EmailNormalized = secondary.Phone = secondary.Username = null;
        secondary.Unionid = secondary.Openid = secondary.Oauth = secondary.ExternalId = null;
        // The secondary's external identities sign the primary in from now on.
        await db.UserIdentities.Where(i => i.UserId == secondaryId)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UserId, primaryId).SetProperty(i => i.UpdatedAt, now), ct);
        await db.SaveChangesAsync(ct);
        if (primary.ExternalId is null && externalId is not null)
        {
            primary.ExternalId = externalId;
            primary.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        await sessions.RevokeAllAsync(db, secondaryId, null, ct);
    }

    /// <summary>
    /// Unlinks the primary account's identities of a provider (a connection type such as ldap or github, or a connection
    /// identifier); the last way to sign in stays (2716), and a provider with nothing linked answers 2718.
    /// </summary>
    public async Task UnlinkAsync(string? primaryToken, string? provider, CancellationToken ct)
    {
        var userId = await VerifyAsync(primaryToken, ct);
        if (string.IsNullOrWhiteSpace(provider))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "provider is required");
        await identities.UnlinkProviderAsync(userId, provider.Trim(), ct);
    }

    private async Task<string> VerifyAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "primaryUserToken and secondaryUserToken are required");
        var probe = new CallerContext { Pool = caller.Pool, App = caller.App };
        await resolver.ResolveTokenAsync(db, probe, token, ct);
        if (probe.Kind != PrincipalKind.User || probe.UserId is null)
            throw new GenAuthException(ErrorCodes.TokenInvalid);
        if (caller.Pool is null)
        {
            caller.Pool = probe.Pool;
            db.PoolId = probe.Pool!.Id;
        }
        return probe.UserId;
    }
}
