using GenAuth.Core.Data;

namespace GenAuth.Core.Groups;

/// <summary>
/// Runs inside deleteGroups' transaction before the groups go, so capabilities that refer to groups (role
/// assignments, permission grants) remove their rows. Declared here and implemented there: they depend on Groups,
/// never the reverse.
/// </summary>
public interface IGroupDeletionHook
{
    Task OnDeletingGroupsAsync(GenAuthDbContext db, IReadOnlyCollection<string> groupIds, CancellationToken ct);
}
