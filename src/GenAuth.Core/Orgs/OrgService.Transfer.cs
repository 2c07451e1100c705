using GenAuth.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Orgs;

/// <summary>
/// One node of an org tree as GenAuth's orgs/import takes it and orgs/export gives it: the root is the org itself.
/// Members are user ids of the pool (export writes them; import adds them to the node).
/// </summary>
public sealed record OrgTreeNode(string Name, string? Code, string? Description, int? Order, IReadOnlyList<string> Members,
    IReadOnlyList<OrgTreeNode> Children)
{
    public string? Id { get; init; }

    /// <summary>The org the node belongs to (export only; on the root it names the org for export?org_id=).</summary>
    public string? OrgId { get; init; }
}

public sealed partial class OrgService
{
    /// <summary>The most nodes one import may create (the whole tree, root included).</summary>
    public const int MaxImportNodes = 2000;

    /// <summary>The deepest tree one import may create (the root is depth 0).</summary>
    public const int MaxImportDepth = 32;

    /// <summary>orgs/export: every org of the pool (or the one named) as a tree of nodes with their member ids.</summary>
    public async Task<List<OrgTreeNode>> ExportAsync(string? orgId, CancellationToken ct)
    {
        caller.RequireAdmin();
        var orgs = string.IsNullOrEmpty(orgId)
            ? await db.Orgs.AsNoTracking().OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).ToListAsync(ct)
            : [await RequireOrgAsync(orgId, ct)];
        var orgIds = orgs.Select(o => o.Id).ToList();
        var nodes = await db.OrgNodes.AsNoTracking().Where(n => orgIds.Contains(n.OrgId)).ToListAsync(ct);
        var nodeIds = nodes.Select(n => n.Id).ToList();
        var members = (await db.NodeMembers.AsNoTracking().Where(m => nodeIds.Contains(m.NodeId))
                .Join(db.Users.Where(u => !u.IsDeleted), m => m.UserId, u => u.Id, (m, _) => new { m.NodeId, m.UserId, m.JoinedAt })
                .ToListAsync(ct))
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .GroupBy(m => m.NodeId).ToDictionary(g => g.Key, g => g.Select(m => m.UserId).ToList());
        var children = Ordered(nodes).Where(n => n.ParentId is not null).GroupBy(n => n.ParentId!).ToDictionary(g => g.Key, g => g.ToList());
        var byId = nodes.ToDictionary(n => n.Id);

        OrgTreeNode Tree(OrgNode n) => new(n.Name, n.Code, n.Description, n.Order,
            members.TryGetValue(n.Id, out var m) ? m : [],
            children.TryGetValue(n.Id, out var c) ? c.Select(Tree).ToList() : [])
        { Id = n.Id, OrgId = n.OrgId };

        return orgs.Where(o => byId.ContainsKey(o.RootNodeId)).Select(o => Tree(byId[o.RootNodeId])).ToList();
    }

    /// <summary>
    /// orgs/import: a new org from a tree. Everything is checked first (names, codes free and unique in the tree, members
    /// exist, size), then the org, its nodes and memberships are written in one transaction: all or nothing.
    /// </summary>
    public async Task<Organization> ImportAsync(OrgTreeNode tree, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var all = new List<(OrgTreeNode Node, int Depth)>();
        var stack = new Stack<(OrgTreeNode, int)>([(tree, 0)]);
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > MaxImportDepth)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"the tree is deeper than {MaxImportDepth} levels");
            all.Add((node, depth));
            if (all.Count > MaxImportNodes)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"at most {MaxImportNodes} nodes per import");
            foreach (var child in node.Children)
                stack.Push((child, depth + 1));
        }
        if (all.FirstOrDefault(n => string.IsNullOrWhiteSpace(n.Node.Name)) is { Node: not null } nameless)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"every node needs a name (a node at depth {nameless.Depth} has none)");
        var codes = all.Select(n => n.Node.Code).Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        if (codes.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new GenAuthException(ErrorCodes.NodeCodeExists, detail: twice.Key);
        if (codes.Count > 0 && await db.OrgNodes.Where(n => n.Code != null && codes.Contains(n.Code)).Select(n => n.Code).FirstOrDefaultAsync(ct) is { } taken)
            throw new GenAuthException(ErrorCodes.NodeCodeExists, detail: taken);
        var memberIds = all.SelectMany(n => n.Node.Members).Distinct().ToList();
        if (memberIds.Count > 0)
        {
            var found = await db.Users.Where(u => memberIds.Contains(u.Id) && !u.IsDeleted).Select(u => u.Id).ToListAsync(ct);
            if (found.Count != memberIds.Count)
                throw new GenAuthException(ErrorCodes.UserNotFound, detail: memberIds.Except(found).First());
        }

        var now = Now;
        var org = new Organization { Id = Ids.New(clock), UserPoolId = pool.Id, RootNodeId = "", CreatedAt = now, UpdatedAt = now };
        db.Orgs.Add(org);
        void Add(OrgTreeNode input, OrgNode? parent)
        {
            var node = NewNode(org.Id, parent, input.Name.Trim(), null, input.Description, null, input.Order, input.Code);
            if (parent is null)
                org.RootNodeId = node.Id;
            db.OrgNodes.Add(node);
            foreach (var userId in input.Members.Distinct())
                db.NodeMembers.Add(new NodeMember { UserPoolId = pool.Id, NodeId = node.Id, UserId = userId, JoinedAt = now });
            foreach (var child in input.Children)
                Add(child, node);
        }
        Add(tree, null);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SaveAsync(ct);
        await tx.CommitAsync(ct);
        return org;
    }
}
