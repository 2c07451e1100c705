using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>
/// Declared permission namespaces (acl.listNamespaces/createNamespace/updateNamespace/deleteNamespace). Roles,
/// resources, grants and policies name their namespace by code; "default" needs no declaration. Renaming a code
/// renames it everywhere; deleting one deletes its resources, grants and policies (its roles stay, as roles are
/// deleted with deleteRole).
/// </summary>
public sealed class NamespaceService(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    public async Task<Page<ResourceNamespace>> ListAsync(string poolId, int? page, int? limit, CancellationToken ct)
    {
        RequirePool(poolId);
        var (skip, take) = Paging.Window(page, limit);
        var total = await db.ResourceNamespaces.CountAsync(ct);
        var list = await db.ResourceNamespaces.AsNoTracking().OrderBy(n => n.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<ResourceNamespace>(total, list);
    }

    public async Task<ResourceNamespace> CreateAsync(string poolId, string? code, string? name, string? description, CancellationToken ct)
    {
        var pool = RequirePool(poolId);
        code = Check(code, "code");
        var now = clock.GetUtcNow().UtcDateTime;
        var ns = new ResourceNamespace
        {
            UserPoolId = pool.Id, Code = code, Name = string.IsNullOrWhiteSpace(name) ? code : Check(name, "name"), Description = description,
            CreatedAt = now, UpdatedAt = now,
        };
        if (await db.ResourceNamespaces.AnyAsync(n => n.Code == code, ct))
            throw new GenAuthException(ErrorCodes.NamespaceCodeExists);
        db.ResourceNamespaces.Add(ns);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new GenAuthException(ErrorCodes.NamespaceCodeExists);
        }
        return ns;
    }

    public async Task<ResourceNamespace> UpdateAsync(string poolId, string code, string? newCode, string? name, string? description, CancellationToken ct)
    {
        RequirePool(poolId);
        var ns = await db.ResourceNamespaces.FirstOrDefaultAsync(n => n.Code == code, ct) ?? throw new GenAuthException(ErrorCodes.NamespaceNotFound);
        if (name is not null)
            ns.Name = Check(name, "name");
        if (description is not null)
            ns.Description = description;
        ns.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!string.IsNullOrWhiteSpace(newCode) && newCode != code)
        {
            newCode = Check(newCode, "code");
            if (await db.ResourceNamespaces.AnyAsync(n => n.Code == newCode, ct))
                throw new GenAuthException(ErrorCodes.NamespaceCodeExists);
            ns.Code = newCode;
            await db.Roles.Where(r => r.Namespace == code).ExecuteUpdateAsync(s => s.SetProperty(r => r.Namespace, newCode), ct);
            await db.Resources.Where(r => r.Namespace == code).ExecuteUpdateAsync(s => s.SetProperty(r => r.Namespace, newCode), ct);
            await db.Permissions.Where(r => r.Namespace == code).ExecuteUpdateAsync(s => s.SetProperty(r => r.Namespace, newCode), ct);
            await db.Policies.Where(r => r.Namespace == code).ExecuteUpdateAsync(s => s.SetProperty(r => r.Namespace, newCode), ct);
            await db.PolicyAssignments.Where(r => r.Namespace == code).ExecuteUpdateAsync(s => s.SetProperty(r => r.Namespace, newCode), ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ns;
    }

    public async Task DeleteAsync(string poolId, string code, CancellationToken ct)
    {
        RequirePool(poolId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.ResourceNamespaces.Where(n => n.Code == code).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.NamespaceNotFound);
        await db.Resources.Where(r => r.Namespace == code).ExecuteDeleteAsync(ct);
        await db.Permissions.Where(r => r.Namespace == code).ExecuteDeleteAsync(ct);
        await db.PolicyAssignments.Where(r => r.Namespace == code).ExecuteDeleteAsync(ct);
        await db.Policies.Where(r => r.Namespace == code).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The path names a pool: it must be the admin's own (another pool's id is refused, 403).</summary>
    private Pools.UserPool RequirePool(string poolId)
    {
        var pool = caller.RequireAdmin();
        if (!string.Equals(pool.Id, poolId, StringComparison.Ordinal))
            throw new GenAuthException(ErrorCodes.Forbidden);
        return pool;
    }

    private static string Check(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 128
            ? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{what} is required (at most 128 characters)")
            : value.Trim();
}
