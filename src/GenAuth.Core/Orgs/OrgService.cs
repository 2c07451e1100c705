using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Orgs;

/// <summary>Org trees and their nodes. Every operation needs a management token of the caller's pool.</summary>
public sealed partial class OrgService(GenAuthDbContext db, CallerContext caller, IEnumerable<INodeDeletionHook> deletionHooks, TimeProvider clock)
{
    public async Task<Organization> CreateOrgAsync(string name, string? code, string? description, string? tenantId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (string.IsNullOrWhiteSpace(name))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "name is required");
        await RequireFreeCodeAsync(code, null, ct);
        var now = Now;
        var org = new Organization { Id = Ids.New(clock), UserPoolId = pool.Id, RootNodeId = "", TenantId = tenantId, CreatedAt = now, UpdatedAt = now };
        var root = NewNode(org.Id, null, name, null, description, null, null, code);
        org.RootNodeId = root.Id;
        db.Orgs.Add(org);
        db.OrgNodes.Add(root);
        await SaveAsync(ct);
        return org;
    }

    /// <summary>Deletes an org with all its nodes, their memberships, role assignments and grants.</summary>
    public async Task DeleteOrgAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        var org = await RequireOrgAsync(id, ct);
        var nodeIds = await db.OrgNodes.Where(n => n.OrgId == org.Id).Select(n => n.Id).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await DeleteNodesAsync(nodeIds, ct);
        await db.Orgs.Where(o => o.Id == org.Id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<Page<Organization>> ListOrgsAsync(int? page, int? limit, string? sortBy, CancellationToken ct)
    {
        caller.RequireAdmin();
        var (skip, take) = Paging.Window(page, limit);
        var total = await db.Orgs.CountAsync(ct);
        var list = await SortBy.Apply(db.Orgs.AsNoTracking(), sortBy, o => o.CreatedAt, o => o.UpdatedAt, o => o.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<Organization>(total, list);
    }

    public async Task<Organization> RequireOrgAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Orgs.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.OrgNotFound);
    }

    public async Task<OrgNode> AddNodeAsync(string orgId, string? parentNodeId, string name, string? nameI18n, string? description,
        string? descriptionI18n, int? order, string? code, CancellationToken ct)
    {
        caller.RequireAdmin();
        var org = await RequireOrgAsync(orgId, ct);
        if (string.IsNullOrWhiteSpace(name))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "name is required");
        var parent = await RequireNodeAsync(string.IsNullOrEmpty(parentNodeId) ? org.RootNodeId : parentNodeId, ct);
        if (parent.OrgId != org.Id)
            throw new GenAuthException(ErrorCodes.NodeNotFound, detail: parentNodeId);
        await RequireFreeCodeAsync(code, null, ct);
        var node = NewNode(org.Id, parent, name, nameI18n, description, descriptionI18n, order, code);
        db.OrgNodes.Add(node);
        await SaveAsync(ct);
        return node;
    }

    public async Task<OrgNode> UpdateNodeAsync(string id, string? name, string? code, string? description, CancellationToken ct)
    {
        caller.RequireAdmin();
        var node = await db.OrgNodes.FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.NodeNotFound);
        if (!string.IsNullOrEmpty(code) && code != node.Code)
        {
            await RequireFreeCodeAsync(code, node.Id, ct);
            node.Code = code;
        }
        if (!string.IsNullOrEmpty(name))
            node.Name = name;
        if (description is not null)
            node.Description = description;
        node.UpdatedAt = Now;
        await SaveAsync(ct);
        return node;
    }

    /// <summary>Deletes a node and its whole subtree. The root can't be deleted (delete the org instead).</summary>
    public async Task DeleteNodeAsync(string orgId, string nodeId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var node = await RequireNodeAsync(nodeId, ct);
        if (node.OrgId != orgId)
            throw new GenAuthException(ErrorCodes.NodeNotFound);
        if (node.IsRoot)
            throw new GenAuthException(ErrorCodes.RootNodeImmutable);
        var prefix = node.Path + "/";
        var ids = await db.OrgNodes.Where(n => n.OrgId == orgId && (n.Id == node.Id || n.Path.StartsWith(prefix))).Select(n => n.Id).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await DeleteNodesAsync(ids, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Moves a node (with its subtree) under another node of the same org; never under itself or its descendants.</summary>
    public async Task<Organization> MoveNodeAsync(string orgId, string nodeId, string targetParentId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var org = await RequireOrgAsync(orgId, ct);
        var node = await db.OrgNodes.FirstOrDefaultAsync(n => n.Id == nodeId && n.OrgId == org.Id, ct) ?? throw new GenAuthException(ErrorCodes.NodeNotFound, detail: nodeId);
        var target = await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == targetParentId && n.OrgId == org.Id, ct)
                     ?? throw new GenAuthException(ErrorCodes.NodeNotFound, detail: targetParentId);
        if (node.IsRoot)
            throw new GenAuthException(ErrorCodes.RootNodeImmutable);
        var oldPrefix = node.Path + "/";
        if (target.Id == node.Id || target.Path.StartsWith(oldPrefix, StringComparison.Ordinal))
            throw new GenAuthException(ErrorCodes.NodeMoveCycle);
        var subtree = await db.OrgNodes.Where(n => n.OrgId == org.Id && n.Path.StartsWith(oldPrefix)).ToListAsync(ct);
        var newPath = target.Path + "/" + node.Id;
        foreach (var d in subtree)
            d.Path = newPath + "/" + d.Path[oldPrefix.Length..];
        node.Path = newPath;
        node.ParentId = target.Id;
        node.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        return org;
    }

    public async Task<OrgNode> RequireNodeAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw new GenAuthException(ErrorCodes.NodeNotFound, detail: id);
    }

    public async Task<OrgNode?> NodeByIdAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, ct);
    }

    public async Task<OrgNode?> NodeByCodeAsync(string orgId, string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.OrgNodes.AsNoTracking().FirstOrDefaultAsync(n => n.OrgId == orgId && n.Code == code, ct);
    }

    /// <summary>Every node of each org, in one query.</summary>
    public async Task<IDictionary<string, List<OrgNode>>> NodesOfOrgsAsync(IReadOnlyCollection<string> orgIds, CancellationToken ct) =>
        (await db.OrgNodes.AsNoTracking().Where(n => orgIds.Contains(n.OrgId)).ToListAsync(ct))
        .GroupBy(n => n.OrgId).ToDictionary(g => g.Key, g => Ordered(g));

    public async Task<List<OrgNode>> ChildrenAsync(string nodeId, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireNodeAsync(nodeId, ct);
        return Ordered(await db.OrgNodes.AsNoTracking().Where(n => n.ParentId == nodeId).ToListAsync(ct));
    }

    public async Task<OrgNode> RootNodeAsync(string orgId, CancellationToken ct)
    {
        var org = await RequireOrgAsync(orgId, ct);
        return await RequireNodeAsync(org.RootNodeId, ct);
    }

    public async Task<bool> IsRootNodeAsync(string nodeId, string orgId, CancellationToken ct)
    {
        var org = await RequireOrgAsync(orgId, ct);
        return org.RootNodeId == nodeId;
    }

    /// <summary>Nodes whose name or code contains the keyword.</summary>
    public async Task<List<OrgNode>> SearchAsync(string keyword, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (string.IsNullOrWhiteSpace(keyword))
            return [];
        return Ordered(await db.OrgNodes.AsNoTracking().Where(n => n.Name.Contains(keyword) || (n.Code != null && n.Code.Contains(keyword)))
            .Take(200).ToListAsync(ct));
    }

    private static List<OrgNode> Ordered(IEnumerable<OrgNode> nodes) =>
        nodes.OrderBy(n => n.Depth).ThenBy(n => n.Order ?? int.MaxValue).ThenBy(n => n.CreatedAt).ThenBy(n => n.Id).ToList();

    private OrgNode NewNode(string orgId, OrgNode? parent, string name, string? nameI18n, string? description, string? descriptionI18n,
        int? order, string? code)
    {
        var id = Ids.New(clock);
        var now = Now;
        return new OrgNode
        {
            Id = id, UserPoolId = caller.RequirePool().Id, OrgId = orgId, ParentId = parent?.Id,
            Path = parent is null ? id : parent.Path + "/" + id, Name = name, NameI18n = nameI18n, Description = description,
            DescriptionI18n = descriptionI18n, Order = order, Code = string.IsNullOrEmpty(code) ? null : code, CreatedAt = now, UpdatedAt = now,
        };
    }

    private async Task RequireFreeCodeAsync(string? code, string? exceptNodeId, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(code) && await db.OrgNodes.AnyAsync(n => n.Code == code && n.Id != exceptNodeId, ct))
            throw new GenAuthException(ErrorCodes.NodeCodeExists);
    }

    private async Task DeleteNodesAsync(List<string> ids, CancellationToken ct)
    {
        foreach (var hook in deletionHooks)
            await hook.OnDeletingNodesAsync(db, ids, ct);
        await db.NodeMembers.Where(m => ids.Contains(m.NodeId)).ExecuteDeleteAsync(ct);
        await db.OrgNodes.Where(n => ids.Contains(n.Id)).ExecuteDeleteAsync(ct);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new GenAuthException(ErrorCodes.NodeCodeExists);
        }
    }
}
