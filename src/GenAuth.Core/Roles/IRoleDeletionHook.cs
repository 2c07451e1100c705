using GenAuth.Core.Data;

namespace GenAuth.Core.Roles;

/// <summary>
/// Runs inside deleteRoles' transaction before the roles go, so capabilities that refer to roles (permission
/// grants) remove their rows. Declared here and implemented there: they depend on Roles, never the reverse.
/// </summary>
public interface IRoleDeletionHook
{
    Task OnDeletingRolesAsync(GenAuthDbContext db, IReadOnlyCollection<string> roleIds, CancellationToken ct);
}
