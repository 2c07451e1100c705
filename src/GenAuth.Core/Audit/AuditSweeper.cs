using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Audit;

/// <summary>Deletes each pool's events older than its retention (UserPool.AuditRetentionDays, default 180), in small batches.</summary>
public sealed class AuditSweeper(IDbContextFactory<GenAuthDbContext> contexts, IOptions<AuditOptions> options, TimeProvider clock,
    ILogger<AuditSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(Math.Max(1, options.Value.SweepIntervalMinutes));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The audit retention sweep failed; retrying at the next interval");
            }
        }
    }

    /// <summary>One sweep over every pool; the number of events deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var batch = Math.Max(1, options.Value.SweepBatch);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pools = await db.UserPools.AsNoTracking().Select(p => new { p.Id, p.AuditRetentionDays }).ToListAsync(ct);
        var deleted = 0;
        foreach (var pool in pools)
        {
            var cutoff = now.AddDays(-Math.Max(1, pool.AuditRetentionDays));
            while (true)
            {
                var last = await db.AuditEvents.IgnoreQueryFilters()
                    .Where(e => e.UserPoolId == pool.Id && e.CreatedAt < cutoff)
                    .OrderBy(e => e.Id).Select(e => e.Id).Take(batch).MaxAsync(id => (long?)id, ct);
                if (last is null)
                    break;
                deleted += await db.AuditEvents.IgnoreQueryFilters()
                    .Where(e => e.UserPoolId == pool.Id && e.Id <= last && e.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
            }
        }
        return deleted;
    }
}
