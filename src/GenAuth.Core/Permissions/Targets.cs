using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>Resolves the identifiers callers use for groups (codes) and org nodes (codes or ids) to row ids.</summary>
public static class Targets
{
    public static async Task<List<string>> GroupIdsAsync(GenAuthDbContext db, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var wanted = codes.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        var found = await db.Groups.Where(g => wanted.Contains(g.Code)).Select(g => new { g.Id, g.Code }).ToListAsync(ct);
        if (wanted.Except(found.Select(f => f.Code)).FirstOrDefault() is { } missing)
            throw new GenAuthException(ErrorCodes.GroupNotFound, detail: missing);
        return found.Select(f => f.Id).ToList();
    }

    /// <summary>Nodes named by code, or by id (GenAuth clients use both).</summary>
    public static async Task<List<string>> NodeIdsAsync(GenAuthDbContext db, IReadOnlyCollection<string> codesOrIds, CancellationToken ct)
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
