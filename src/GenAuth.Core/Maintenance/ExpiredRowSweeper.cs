using GenAuth.Core.Data;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Maintenance;

/// <summary>GenAuth:Sweeper: how often expired one-shot rows are removed, and how long past their expiry they stay.</summary>
public sealed class SweeperOptions
{
    public const string Section = "GenAuth:Sweeper";

    /// <summary>Seconds between sweeps.</summary>
    public int IntervalSeconds { get; set; } = 300;

    /// <summary>Rows deleted per statement (short write locks on SQLite).</summary>
    public int Batch { get; set; } = 1000;

    /// <summary>
    /// Minutes a row is kept past its expiry: an expired QR code still answers "expired" (not "unknown") for that long,
    /// and a QR ticket's challenges still count against its limit.
    /// </summary>
    public int GraceMinutes { get; set; } = 60;
}

/// <summary>What one sweep removed, per table.</summary>
public sealed record SweepResult(int MfaEnrollments, int MfaChallenges, int VerificationCodes, int QrCodes)
{
    public int Total => MfaEnrollments + MfaChallenges + VerificationCodes + QrCodes;
}

/// <summary>
/// Removes one-shot rows that nothing reads once they have expired and that no other path deletes: pending MFA
/// enrolments, MFA challenges (mfaTokens), verification codes and one-time tokens, QR codes. One background service.
/// </summary>
// Note: every statement is an idempotent delete of rows past a fixed cutoff, so several instances sweeping the same
// database at once only repeat each other's work.
public sealed partial class ExpiredRowSweeper(IDbContextFactory<GenAuthDbContext> contexts, IOptions<SweeperOptions> options,
    TimeProvider clock, ILogger<ExpiredRowSweeper> logger, IJobLease lease) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                // Note: one instance sweeps per round (the claim lasts most of an interval, so the next round is free).
                if (!await lease.TryClaimAsync("expired-row-sweeper", interval * 0.9, stoppingToken))
                    continue;
                var swept = await SweepAsync(stoppingToken);
                if (swept.Total > 0)
                    Swept(logger, swept.MfaEnrollments, swept.MfaChallenges, swept.VerificationCodes, swept.QrCodes);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SweepFailed(logger, e.GetType().Name);
            }
        }
    }

    /// <summary>One sweep over every pool.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddMinutes(-Math.Max(0, options.Value.GraceMinutes));
        var batch = Math.Max(1, options.Value.Batch);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var enrollments = await DeleteAsync(db.MfaEnrollments.IgnoreQueryFilters().Where(e => e.ExpiresAt < cutoff).Select(e => e.Id),
            ids => db.MfaEnrollments.IgnoreQueryFilters().Where(e => ids.Contains(e.Id)), batch, ct);
        var challenges = await DeleteAsync(db.MfaChallenges.IgnoreQueryFilters().Where(c => c.ExpiresAt < cutoff).Select(c => c.Id),
            ids => db.MfaChallenges.IgnoreQueryFilters().Where(c => ids.Contains(c.Id)), batch, ct);
        var codes = await DeleteAsync(db.VerificationCodes.IgnoreQueryFilters().Where(c => c.ExpiresAt < cutoff).Select(c => c.Id),
            ids => db.VerificationCodes.IgnoreQueryFilters().Where(c => ids.Contains(c.Id)), batch, ct);
        var qrCodes = await DeleteAsync(db.QrCodes.IgnoreQueryFilters()
                .Where(q => q.ExpiresAt < cutoff && (q.TicketExpiresAt == null || q.TicketExpiresAt < cutoff)).Select(q => q.Id),
            ids => db.QrCodes.IgnoreQueryFilters().Where(q => ids.Contains(q.Id)), batch, ct);
        // Counters, locks and spent values kept in the database (Redis outages, PostgreSQL without Redis) past their end.
        await DatabaseRateStore.SweepAsync(db, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return new SweepResult(enrollments, challenges, codes, qrCodes);
    }

    private static async Task<int> DeleteAsync<T>(IQueryable<string> expired, Func<List<string>, IQueryable<T>> rows, int batch,
        CancellationToken ct)
    {
        var deleted = 0;
        while (true)
        {
            var ids = await expired.OrderBy(id => id).Take(batch).ToListAsync(ct);
            if (ids.Count == 0)
                return deleted;
            deleted += await rows(ids).ExecuteDeleteAsync(ct);
            if (ids.Count < batch)
                return deleted;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Swept expired rows: {Enrollments} MFA enrolments, {Challenges} MFA challenges, {Codes} codes, {QrCodes} QR codes")]
    private static partial void Swept(ILogger logger, int enrollments, int challenges, int codes, int qrCodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The expired-row sweep failed ({Error}); retrying at the next interval")]
    private static partial void SweepFailed(ILogger logger, string error);
}
