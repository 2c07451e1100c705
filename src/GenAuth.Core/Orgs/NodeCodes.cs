using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Orgs;

/// <summary>Resolves the identifiers callers name org nodes by (role assignment, permission grants) to row ids.</summary>
public static class NodeCodes
{
    /// <summary>Nodes named by code, or by id (GenAuth clients use both); NodeNotFound naming the first unknown one.</summary>
    public static async Task<List<string>> IdsAsync(GenAuthDbContext db, IReadOnlyCollection<string> codesOrIds, CancellationToken ct)
    {
        var wanted = codesOrIds.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        var found = await db.OrgNodes.Where(n => (n.Code != null && wanted.Contains(n.Code)) || wanted.Contains(n.Id))
            .Select(n => new { n.Id, n.Code }).ToListAsync(ct);
        var missing = wanted.FirstOrDefault(w => !found.Any(f => f.Id == w || f.Code == w));
        if (missing is not null)
            throw new GenAuthException(ErrorCodes.NodeNotFound, detail: missing);
        return found.Select(f => f.Id).Distinct().ToList();
    }
}
