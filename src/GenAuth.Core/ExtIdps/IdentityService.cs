using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.ExtIdps;

/// <summary>A linked identity as GraphQL's User.identities shows it (tokens stay sealed: never answered).</summary>
public sealed record IdentityView(UserIdentity Identity, string? ConnType);

/// <summary>Reads users' linked identities (reading the user was already authorized by the caller of this service).</summary>
public sealed class IdentityService(GenAuthDbContext db)
{
    /// <summary>The identities of several users in one query (User.identities' batch loader).</summary>
    public async Task<IDictionary<string, List<IdentityView>>> OfUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var ids = userIds.ToList();
        var rows = await (from i in db.UserIdentities.AsNoTracking()
                          where ids.Contains(i.UserId)
                          join c in db.ExtIdpConns.AsNoTracking() on i.ConnId equals c.Id into conns
                          from c in conns.DefaultIfEmpty()
                          orderby i.CreatedAt
                          select new { i, Type = c == null ? null : c.Type }).ToListAsync(ct);
        return ids.ToDictionary(id => id, id => rows.Where(r => r.i.UserId == id).Select(r => new IdentityView(r.i, r.Type)).ToList());
    }
}
