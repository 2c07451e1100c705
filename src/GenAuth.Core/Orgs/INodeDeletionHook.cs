using GenAuth.Core.Data;

namespace GenAuth.Core.Orgs;

/// <summary>
/// Runs inside the transaction that deletes org nodes (a node and its subtree, or a whole org) before the nodes go,
/// so capabilities that refer to nodes (role assignments, permission grants) remove their rows. Declared here and
/// implemented there: they depend on Orgs, never the reverse.
/// </summary>
public interface INodeDeletionHook
{
    Task OnDeletingNodesAsync(GenAuthDbContext db, IReadOnlyCollection<string> nodeIds, CancellationToken ct);
}
