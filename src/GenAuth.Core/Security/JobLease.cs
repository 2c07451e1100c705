namespace GenAuth.Core.Security;

/// <summary>
/// Which instance runs a periodic job this round: with Redis, the first instance to claim the job's key for the round
/// (SET NX PX), so N instances sweep once, not N times; on one instance (no Redis) always this one.
/// </summary>
public interface IJobLease
{
    /// <summary>
    /// True when this instance holds <paramref name="job"/> for <paramref name="hold"/> (it claimed it now). While
    /// Redis is unreachable every instance answers true: the jobs that use this are idempotent, so running twice
    /// costs work, never correctness.
    /// </summary>
    ValueTask<bool> TryClaimAsync(string job, TimeSpan hold, CancellationToken ct = default);
}

/// <summary>The one-instance lease: this instance runs every job.</summary>
public sealed class SingleInstanceJobLease : IJobLease
{
    public ValueTask<bool> TryClaimAsync(string job, TimeSpan hold, CancellationToken ct = default) => ValueTask.FromResult(true);
}
