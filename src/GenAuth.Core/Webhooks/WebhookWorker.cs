using System.Collections.Concurrent;
using System.Security.Cryptography;
using GenAuth.Core.Audit;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Webhooks;

/// <summary>
/// Delivers the event log to webhooks, at least once, from any number of instances on one database.
/// Each round: (1) fan-out — under the cursor row's write lock, read the events after the shared cursor, add one
/// delivery row per (webhook, event) the webhook wants (unique, so a repeated fan-out adds nothing), move the cursor,
/// commit; (2) claim — take due deliveries one by one with a conditional update that sets this instance's lease (only
/// one instance's update matches); (3) send, then record the outcome only if the lease is still ours. A crashed
/// instance's deliveries are taken again when their lease ends; the receiver de-duplicates by X-GenAuth-Delivery.
/// The cursor never passes a missing event id younger than the gap wait (see <see cref="Settled"/>): on PostgreSQL a
/// lower id can commit after a higher one.
/// </summary>
public sealed class WebhookWorker(IDbContextFactory<GenAuthDbContext> contexts, WebhookSender sender, IOptions<WebhookOptions> options,
    TimeProvider clock, ILogger<WebhookWorker> logger) : BackgroundService
{
    public const string CursorName = "webhooks";

    private readonly ConcurrentDictionary<string, int> _inFlightPerHook = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _inFlight;
    private DateTime _lastSweep;

    /// <summary>This instance's lease name.</summary>
    // Note: the host name is cut to 40 characters so the id fits WebhookDelivery.LeaseOwner (64): a host name may be 64
    // (a Kubernetes pod's 63), and PostgreSQL would refuse every lease claim (22001) of a longer id.
    public string InstanceId { get; } =
        Environment.MachineName[..Math.Min(40, Environment.MachineName.Length)] + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private WebhookOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.WorkerEnabled)
            return;
        var poll = TimeSpan.FromSeconds(Options.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var fanned = await FanOutAsync(stoppingToken);
                var claimed = await ClaimAndSendAsync(stoppingToken);
                await SweepAsync(stoppingToken);
                if (fanned == Options.BatchSize)
                    continue;
                // Note: also woken when an attempt ends, so a freed slot is used before the next poll.
                await _wake.WaitAsync(poll, stoppingToken);
                _ = claimed;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A webhook delivery round failed; retrying at the next poll");
                try
                {
                    await Task.Delay(poll, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Turns new events into delivery rows; the number of events read.</summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Note: a read first, so an idle round writes nothing (the lock below is a write).
        var seen = await db.WebhookCursors.AsNoTracking().Where(c => c.Name == CursorName).Select(c => (long?)c.LastEventId).FirstOrDefaultAsync(ct);
        if (seen is { } known && !await db.AuditEvents.IgnoreQueryFilters().AnyAsync(e => e.Id > known, ct))
            return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Take the write lock first (a no-op update of the cursor row): instances fan out one at a time, and the read
        // below sees every event committed before it.
        var locked = await db.WebhookCursors.Where(c => c.Name == CursorName)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastEventId, c => c.LastEventId), ct);
        if (locked == 0)
        {
            db.WebhookCursors.Add(new WebhookCursor { Name = CursorName });
            await db.SaveChangesAsync(ct);
        }
        var cursor = await db.WebhookCursors.AsNoTracking().Where(c => c.Name == CursorName).Select(c => c.LastEventId).FirstAsync(ct);
        var events = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking().Where(e => e.Id > cursor)
            .OrderBy(e => e.Id).Take(Options.BatchSize).ToListAsync(ct);
        events = Settled(events, cursor, clock.GetUtcNow().UtcDateTime.AddSeconds(-Options.GapWaitSeconds));
        if (events.Count == 0)
            return 0;
        var pools = events.Select(e => e.UserPoolId).Distinct().ToList();
        var hooks = await db.Webhooks.IgnoreQueryFilters().AsNoTracking()
            .Where(w => w.Enabled && pools.Contains(w.UserPoolId)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var e in events)
        {
            var name = WebhookEvents.NameOf(e.Type);
            string? payload = null;
            foreach (var hook in hooks)
            {
                if (hook.UserPoolId != e.UserPoolId || e.Id <= hook.StartAfterEventId || !WebhookEvents.Wants(hook.Events, name))
                    continue;
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    UserPoolId = e.UserPoolId,
                    WebhookId = hook.Id,
                    EventId = e.Id,
                    EventName = name,
                    Payload = payload ??= WebhookEvents.Payload(e),
                    Status = WebhookDeliveryStatus.Pending,
                    CreatedAt = now,
                    WindowStartedAt = now,
                    NextAttemptAt = now,
                });
            }
        }
        var last = events[^1].Id;
        await db.WebhookCursors.Where(c => c.Name == CursorName).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastEventId, last), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>
    /// The events the cursor may pass: the run of consecutive ids after it. Ids are handed out at insert but commits land
    /// in any order when writers run concurrently (PostgreSQL): a missing id may be an event whose transaction is still
    /// open, and passing it would lose that event. So the cursor stops at a gap until the id appears, or until the first
    /// event after the gap is older than the gap wait (the id was rolled back, or its row deleted).
    /// </summary>
    internal static List<AuditEvent> Settled(List<AuditEvent> events, long cursor, DateTime gapSettledBefore)
    {
        var expected = cursor + 1;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Id != expected && e.CreatedAt > gapSettledBefore)
                return events[..i];
            expected = e.Id + 1;
        }
        return events;
    }

    /// <summary>Claims due deliveries up to the free capacity and starts their attempts; the number claimed.</summary>
    public async Task<int> ClaimAndSendAsync(CancellationToken ct)
    {
        var free = Options.MaxConcurrency - Volatile.Read(ref _inFlight);
        if (free <= 0)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var due = await (from d in db.WebhookDeliveries.IgnoreQueryFilters()
                         join w in db.Webhooks.IgnoreQueryFilters() on d.WebhookId equals w.Id
                         where d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && w.Enabled
                               && (d.LeaseUntil == null || d.LeaseUntil < now)
                         orderby d.NextAttemptAt
                         select new { d.Id, d.WebhookId }).Take(Math.Min(free * 2, Options.BatchSize)).ToListAsync(ct);
        var claimed = 0;
        foreach (var candidate in due)
        {
            if (claimed >= free)
                break;
            if (_inFlightPerHook.GetValueOrDefault(candidate.WebhookId) >= Options.PerEndpointConcurrency)
                continue;
            var until = now.AddSeconds(Options.LeaseSeconds);
            var won = await db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => d.Id == candidate.Id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now
                            && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, InstanceId).SetProperty(d => d.LeaseUntil, until), ct);
            if (won == 0)
                continue; // another instance took it
            claimed++;
            Interlocked.Increment(ref _inFlight);
            _inFlightPerHook.AddOrUpdate(candidate.WebhookId, 1, (_, n) => n + 1);
            _ = Task.Run(() => AttemptAsync(candidate.Id, candidate.WebhookId, ct), CancellationToken.None);
        }
        return claimed;
    }

    private async Task AttemptAsync(long id, string webhookId, CancellationToken ct)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            var d = await db.WebhookDeliveries.IgnoreQueryFilters().FirstOrDefaultAsync(x => x.Id == id, CancellationToken.None);
            var hook = await db.Webhooks.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Id == webhookId, CancellationToken.None);
            if (d is null || hook is null || d.LeaseOwner != InstanceId)
                return;
            WebhookAttempt attempt;
            try
            {
                attempt = await sender.SendAsync(hook, d.Id, d.EventName, d.Payload, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: give the delivery back at once (the attempt counts for nothing), for any instance to take.
                await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => x.Id == id && x.LeaseOwner == InstanceId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null),
                        CancellationToken.None);
                return;
            }
            var now = clock.GetUtcNow().UtcDateTime;
            Record(d, attempt, now);
            if (attempt.Succeeded)
            {
                d.Status = WebhookDeliveryStatus.Succeeded;
                d.CompletedAt = now;
            }
            else
            {
                var next = now + Backoff(d.Attempts);
                if (next > d.WindowStartedAt.AddHours(Options.RetryWindowHours))
                {
                    d.Status = WebhookDeliveryStatus.Failed;
                    d.CompletedAt = now;
                    logger.LogWarning("Webhook delivery {Delivery} to webhook {Webhook} failed after {Attempts} attempts", d.Id, webhookId, d.Attempts);
                }
                else
                {
                    d.NextAttemptAt = next;
                }
            }
            d.LeaseOwner = null;
            d.LeaseUntil = null;
            // Note: written only while the lease is ours (a delivery whose lease ran out may be another instance's now).
            var written = await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => x.Id == id && x.LeaseOwner == InstanceId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, d.Status).SetProperty(x => x.Attempts, d.Attempts)
                    .SetProperty(x => x.NextAttemptAt, d.NextAttemptAt).SetProperty(x => x.LastAttemptAt, d.LastAttemptAt)
                    .SetProperty(x => x.CompletedAt, d.CompletedAt).SetProperty(x => x.ResponseStatus, d.ResponseStatus)
                    .SetProperty(x => x.ResponseBody, d.ResponseBody).SetProperty(x => x.Error, d.Error)
                    .SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null), CancellationToken.None);
            if (written == 0)
                logger.LogWarning("Webhook delivery {Delivery}: the lease ran out during the attempt; its outcome was not recorded", id);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook delivery {Delivery} could not be attempted; it is retried when its lease ends", id);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _inFlightPerHook.AddOrUpdate(webhookId, 0, (_, n) => Math.Max(0, n - 1));
            try
            {
                if (_wake.CurrentCount == 0)
                    _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    /// <summary>Writes an attempt's outcome (not the status) onto the delivery.</summary>
    internal static void Record(WebhookDelivery d, WebhookAttempt attempt, DateTime now)
    {
        d.Attempts++;
        d.LastAttemptAt = now;
        d.ResponseStatus = attempt.Status;
        d.ResponseBody = attempt.Body;
        d.Error = attempt.Error is { Length: > 512 } error ? error[..512] : attempt.Error;
    }

    /// <summary>The delay after the n-th failed attempt: base·2^(n−1), at most the maximum, then a random 50–100 % of it.</summary>
    public TimeSpan Backoff(int failedAttempts)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var delay = Math.Min(Options.RetryBaseSeconds * Math.Pow(2, exponent), Options.RetryMaxDelaySeconds);
        return TimeSpan.FromSeconds(delay * (0.5 + Random.Shared.NextDouble() * 0.5));
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastSweep < TimeSpan.FromHours(1))
            return;
        _lastSweep = now;
        var cutoff = now.AddDays(-Options.DeliveryRetentionDays);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CompletedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
