using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.ExtIdps;

/// <summary>
/// Links and unlinks users' external identities: the user's own (/api/v3/get-identities, /api/v3/unlink-extidp,
/// /api/v2/users/unlink, the link flow of /api/v3/generate-link-extidp-url) and an admin's (/api/v2/users/identity/link
/// and /unlink). Two rules hold everywhere: an identity (connection + provider user id) belongs to one user, so linking
/// one already linked to another account is refused (2717); and the last way to sign in can't be unlinked (2716): a user
/// without a password, phone, email or another identity would be locked out.
/// </summary>
public sealed class IdentityLinkService(GenAuthDbContext db, CallerContext caller, CallerResolver resolver, IdentityService identities,
    TimeProvider clock)
{
    /// <summary>The user an id token (of this pool, and of the app when the request names one) belongs to; 1010001 otherwise.</summary>
    public async Task<string> UserOfTokenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
            throw new GenAuthException(ErrorCodes.TokenInvalid);
        var probe = new CallerContext { Pool = caller.Pool, App = caller.App };
        await resolver.ResolveTokenAsync(db, probe, token, ct);
        if (probe.Kind != PrincipalKind.User || probe.UserId is null)
            throw new GenAuthException(ErrorCodes.TokenInvalid);
        return probe.UserId;
    }

    /// <summary>The link flow's end: the provider's subject joins the user who asked for the link URL.</summary>
    public async Task LinkFromFlowAsync(string userId, ExtIdpConn conn, string subject, string profileJson, CancellationToken ct)
    {
        // Note: the same refusal as a sign-in with this subject (UserIdentity.ProviderUserId holds 255 characters).
        if (string.IsNullOrEmpty(subject) || subject.Length > 255)
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        var user = await RequireUserAsync(userId, ct);
        await LinkAsync(user.Id, conn, subject, profileJson, ct);
    }

    public async Task<IReadOnlyList<IdentityView>> MineAsync(CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        return (await identities.OfUsersAsync([userId], ct))[userId];
    }

    /// <summary>Removes the caller's identities of one identity source (GenAuth's unlinkExtIdp takes the source's id).</summary>
    public async Task UnlinkMineAsync(string? extIdpId, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        if (string.IsNullOrEmpty(extIdpId))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "extIdpId is required");
        await RemoveAsync(userId, (i, _) => i.ExtIdpId == extIdpId, ct);
    }

    /// <summary>The personal center's unlink: one identity of the user, by its id.</summary>
    public async Task UnlinkIdentityAsync(string userId, string? identityId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(identityId) || identityId.Length > 64)
            throw new GenAuthException(ErrorCodes.ExtIdentityNotLinked);
        await RemoveAsync(userId, (i, _) => i.Id == identityId, ct);
    }

    /// <summary>/api/v2/users/unlink: the provider names a connection type (ldap, github, …) or a connection identifier.</summary>
    public async Task UnlinkProviderAsync(string userId, string provider, CancellationToken ct) =>
        await RemoveAsync(userId, (i, identifier) => i.Provider == provider || identifier == provider, ct);

    /// <summary>An admin links an identity of a connection (by identifier, within the source) to a user.</summary>
    public async Task AdminLinkAsync(string? userId, string? extIdpId, string? identifier, string? userIdInIdp, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (string.IsNullOrEmpty(userIdInIdp) || userIdInIdp.Length > 255)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "userIdInIdp is required");
        var user = await RequireUserAsync(userId, ct);
        var conn = await RequireConnAsync(extIdpId, identifier, ct);
        await LinkAsync(user.Id, conn, userIdInIdp, "{}", ct);
    }

    /// <summary>An admin removes a user's identities of a source (or of one of its connections, by identifier).</summary>
    public async Task AdminUnlinkAsync(string? userId, string? extIdpId, string? identifier, CancellationToken ct)
    {
        caller.RequireAdmin();
        var user = await RequireUserAsync(userId, ct);
        if (string.IsNullOrEmpty(extIdpId))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "extIdpId is required");
        await RemoveAsync(user.Id, (i, id) => i.ExtIdpId == extIdpId && (string.IsNullOrEmpty(identifier) || id == identifier), ct);
    }

    /// <summary>Links the provider's subject to the user (idempotent for the same user; refused when another user holds it).</summary>
    public async Task LinkAsync(string userId, ExtIdpConn conn, string subject, string profileJson, CancellationToken ct)
    {
        var existing = await db.UserIdentities.FirstOrDefaultAsync(i => i.ConnId == conn.Id && i.ProviderUserId == subject, ct);
        if (existing is not null)
        {
            if (existing.UserId != userId)
                throw new GenAuthException(ErrorCodes.ExtIdentityLinkedElsewhere);
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        db.UserIdentities.Add(new UserIdentity
        {
            Id = Ids.New(clock), UserPoolId = conn.UserPoolId, UserId = userId, ExtIdpId = conn.ExtIdpId, ConnId = conn.Id, Provider = conn.Type,
            ProviderUserId = subject, ProfileJson = profileJson, CreatedAt = now, UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Linked meanwhile (the index holds one owner per provider identity).
            db.ChangeTracker.Clear();
            throw new GenAuthException(ErrorCodes.ExtIdentityLinkedElsewhere);
        }
    }

    private async Task RemoveAsync(string userId, Func<UserIdentity, string?, bool> which, CancellationToken ct)
    {
        var user = await RequireUserAsync(userId, ct);
        // Note: the check and the delete must see the same identities, or two unlinks of a user's last two identities at
        // once would each see the other one left and remove both. So the user's row is written first in the transaction:
        // that takes SQLite's write lock / PostgreSQL's row lock, the other unlink waits for this one to commit, and its
        // reads (made after its own lock) then see this one's delete.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(x => x.SetProperty(u => u.UpdatedAt, now), ct);
        var ways = await db.Users.AsNoTracking().Where(u => u.Id == user.Id)
            .Select(u => new { HasPassword = u.PasswordHash != null, HasPhone = u.Phone != null, HasEmail = u.Email != null })
            .FirstAsync(ct);
        var all = await (from i in db.UserIdentities.AsNoTracking()
                         where i.UserId == user.Id
                         join c in db.ExtIdpConns on i.ConnId equals c.Id into conns
                         from c in conns.DefaultIfEmpty()
                         select new { i, Identifier = c == null ? null : c.Identifier }).ToListAsync(ct);
        var remove = all.Where(x => which(x.i, x.Identifier)).Select(x => x.i.Id).ToList();
        if (remove.Count == 0)
            throw new GenAuthException(ErrorCodes.ExtIdentityNotLinked);
        // Note: a password, a phone (SMS code) or an email (email code) signs in without any identity.
        var keepsAWayIn = all.Count > remove.Count || ways.HasPassword || ways.HasPhone || ways.HasEmail;
        if (!keepsAWayIn)
            throw new GenAuthException(ErrorCodes.ExtLastSignInMethod);
        // Note: through SaveChanges, so an event the caller recorded is written in this transaction too.
        db.UserIdentities.RemoveRange(await db.UserIdentities.Where(i => i.UserId == user.Id && remove.Contains(i.Id)).ToListAsync(ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task<Users.User> RequireUserAsync(string? userId, CancellationToken ct) =>
        string.IsNullOrEmpty(userId)
            ? throw new GenAuthException(ErrorCodes.UserNotFound)
            : await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct) ?? throw new GenAuthException(ErrorCodes.UserNotFound);

    private async Task<ExtIdpConn> RequireConnAsync(string? extIdpId, string? identifier, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(identifier))
            throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        return await db.ExtIdpConns.AsNoTracking()
                   .FirstOrDefaultAsync(c => c.Identifier == identifier && (string.IsNullOrEmpty(extIdpId) || c.ExtIdpId == extIdpId), ct)
               ?? throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
    }
}
