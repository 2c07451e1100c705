using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Groups;

/// <summary>Resolves the codes callers name groups by (role assignment, permission grants) to row ids.</summary>
public static class GroupCodes
{
    /// <summary>The ids of the distinct, non-empty codes; GroupNotFound (2510) naming the first unknown one.</summary>
    public static async Task<List<string>> IdsAsync(GenAuthDbContext db, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var wanted = codes.Where(c => !string.IsNullOrEmpty(c)).Distinct().ToList();
        var found = await db.Groups.Where(g => wanted.Contains(g.Code)).Select(g => new { g.Id, g.Code }).ToListAsync(ct);
        if (wanted.Except(found.Select(f => f.Code)).FirstOrDefault() is { } missing)
            throw new GenAuthException(ErrorCodes.GroupNotFound, detail: missing);
        return found.Select(f => f.Id).ToList();
    }
}
