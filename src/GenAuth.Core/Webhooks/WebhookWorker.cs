using System.Collections.Concurrent;
using System.Security.Cryptography;
using GenAuth.Core.Audit;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Webhooks;

/// <summary>
/// Delivers the event log to webhooks, at least once, from any number of instances on one database.
/// Each round: (1) write the outcomes of the attempts that ended since the last round, in one transaction, each only if
/// its lease is still ours; (2) fan-out — under the cursor row's write lock, read the events after the shared cursor,
/// add one delivery row per (webhook, event) the webhook wants (unique, so a repeated fan-out adds nothing), leased to
/// this instance at once as far as it has room, move the cursor, commit, and start those attempts from the rows in hand;
/// (3) claim — lease the other due deliveries (retries, and what fan-out had no room for) with one conditional update
/// under a lease name new to this round (only one instance's update matches a row), read back the rows won, and start
/// them. A crashed instance's deliveries are taken again when their lease ends; the receiver de-duplicates by
/// X-GenAuth-Delivery. The cursor never passes a missing event id younger than the gap wait (see <see cref="Settled"/>):
/// on PostgreSQL a lower id can commit after a higher one.
/// </summary>
/// <remarks>
/// Cost: a round is a handful of statements whatever its size, and a round runs per poll, or early when a webhook's
/// queue has drained to half while due deliveries were left behind — not per delivery. An attempt reads nothing: the
/// delivery and its webhook come from the round that leased it.
/// </remarks>
public sealed class WebhookWorker(IDbContextFactory<GenAuthDbContext> contexts, WebhookSender sender, IOptions<WebhookOptions> options,
    TimeProvider clock, ILogger<WebhookWorker> logger) : BackgroundService
{
    public const string CursorName = "webhooks";

    /// <summary>Leased deliveries not yet ended (waiting for a send slot or being sent), per webhook and in all.</summary>
    private readonly ConcurrentDictionary<string, int> _leasedPerHook = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _sendSlots = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private SemaphoreSlim? _allSlots;
    private int _leased;
    private long _round;
    private volatile bool _backlog;
    private DateTime _lastSweep;

    /// <summary>This instance's name; a round's lease is this name and the round's number.</summary>
    // Note: the host name is cut to 32 characters so a round's lease fits WebhookDelivery.LeaseOwner (64): a host name
    // may be 64 (a Kubernetes pod's 63), and PostgreSQL would refuse every lease claim (22001) of a longer one.
    public string InstanceId { get; } =
        (Environment.MachineName.Length > 32 ? Environment.MachineName[..32] : Environment.MachineName) + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private WebhookOptions Options => options.Value;

    private SemaphoreSlim AllSlots => LazyInitializer.EnsureInitialized(ref _allSlots, () => new SemaphoreSlim(Options.MaxConcurrency));

    /// <summary>
    /// Deliveries one webhook may hold leased on this instance: as many as its send slots can finish, each taking the
    /// full timeout, before the lease ends (at least one round of slots).
    /// </summary>
    private int HookCap => Options.PerEndpointConcurrency * Math.Max(1, (int)((Options.LeaseSeconds - Options.TimeoutSeconds) / Options.TimeoutSeconds));

    /// <summary>Deliveries this instance may hold leased in all (the same rule for the instance's send slots).</summary>
    private int TotalCap => Math.Min(Options.BatchSize, Options.MaxConcurrency) * Math.Max(1, (int)((Options.LeaseSeconds - Options.TimeoutSeconds) / Options.TimeoutSeconds));

    /// <summary>What an attempt ended with, for the next round to write: an outcome, or the lease given back unsent.</summary>
    private sealed record Outcome(long Id, string Lease, WebhookDelivery? Result, bool Retried = false);

    /// <summary>A leased delivery with the webhook it goes to.</summary>
    private sealed record Leased(WebhookDelivery Delivery, Webhook Hook, string Lease, DateTime Until);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.WorkerEnabled)
            return;
        var poll = TimeSpan.FromSeconds(Options.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var fanned = await RoundAsync(stoppingToken);
                    if (fanned == Options.BatchSize)
                        continue;
                    // Note: also woken when a webhook with due deliveries left behind has room again (see Ended).
                    await _wake.WaitAsync(poll, stoppingToken);
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
        finally
        {
            // Shutting down: attempts under way end at once (their deliveries are given back unsent); write what ended.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref _leased) > 0 && waited.Elapsed < TimeSpan.FromSeconds(5))
                await Task.Delay(20, CancellationToken.None);
            try
            {
                await WriteOutcomesAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Writing the last webhook delivery outcomes failed; those deliveries are sent again when their lease ends");
            }
        }
    }

    /// <summary>One round of the loop: write the ended attempts' outcomes, fan out (leasing), claim due deliveries, sweep; the number of events fanned out.</summary>
    internal async Task<int> RoundAsync(CancellationToken ct)
    {
        await WriteOutcomesAsync(ct);
        var fanned = await FanOutAsync(lease: true, ct);
        await ClaimAndSendAsync(ct);
        await SweepAsync(ct);
        return fanned;
    }

    /// <summary>Deliveries leased on this instance whose attempt has not ended yet.</summary>
    internal int InFlight => Volatile.Read(ref _leased);

    /// <summary>Turns new events into delivery rows (nothing is sent); the number of events read.</summary>
    public Task<int> FanOutAsync(CancellationToken ct) => FanOutAsync(lease: false, ct);

    /// <summary>Turns new events into delivery rows, leased to this instance and started as far as it has room when <paramref name="lease"/>; the number of events read.</summary>
    private async Task<int> FanOutAsync(bool lease, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Note: one read first, so an idle round writes nothing (the lock below is a write).
        var pending = await db.AuditEvents.IgnoreQueryFilters()
            .AnyAsync(e => e.Id > (db.WebhookCursors.Where(c => c.Name == CursorName).Select(c => (long?)c.LastEventId).FirstOrDefault() ?? 0), ct);
        if (!pending)
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
        var leaseName = NextLease();
        var until = now.AddSeconds(Options.LeaseSeconds);
        var room = lease ? RoomNow(hooks.Select(h => h.Id)) : null;
        var started = new List<Leased>();
        foreach (var e in events)
        {
            var name = WebhookEvents.NameOf(e.Type);
            string? payload = null;
            foreach (var hook in hooks)
            {
                if (hook.UserPoolId != e.UserPoolId || e.Id <= hook.StartAfterEventId || !WebhookEvents.Wants(hook.Events, name))
                    continue;
                var d = new WebhookDelivery
                {
                    UserPoolId = e.UserPoolId,
                    WebhookId = hook.Id,
                    EventId = e.Id,
                    EventName = name,
                    // Note: serialised once per event, whatever the number of webhooks; every attempt sends these bytes.
                    Payload = payload ??= WebhookEvents.Payload(e),
                    Status = WebhookDeliveryStatus.Pending,
                    CreatedAt = now,
                    WindowStartedAt = now,
                    NextAttemptAt = now,
                };
                if (room is not null && room.Take(hook.Id))
                {
                    d.LeaseOwner = leaseName;
                    d.LeaseUntil = until;
                    started.Add(new Leased(d, hook, leaseName, until));
                }
                else if (room is not null)
                {
                    _backlog = true;
                }
                db.WebhookDeliveries.Add(d);
            }
        }
        var last = events[^1].Id;
        await db.WebhookCursors.Where(c => c.Name == CursorName).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastEventId, last), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Start(started, ct);
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

    /// <summary>Leases due deliveries up to this instance's room and starts their attempts; the number leased.</summary>
    public async Task<int> ClaimAndSendAsync(CancellationToken ct)
    {
        var free = TotalCap - Volatile.Read(ref _leased);
        if (free <= 0)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var limit = Math.Min(free, Options.BatchSize);
        var due = await (from d in db.WebhookDeliveries.IgnoreQueryFilters()
                         join w in db.Webhooks.IgnoreQueryFilters() on d.WebhookId equals w.Id
                         where d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && w.Enabled
                               && (d.LeaseUntil == null || d.LeaseUntil < now)
                         orderby d.NextAttemptAt
                         select new { d.Id, d.WebhookId }).Take(limit).ToListAsync(ct);
        if (due.Count == 0)
        {
            _backlog = false;
            return 0;
        }
        var room = RoomNow(due.Select(d => d.WebhookId).Distinct());
        var ids = new List<long>(due.Count);
        foreach (var candidate in due)
            if (room.Take(candidate.WebhookId))
                ids.Add(candidate.Id);
        // Note: more may be due than were read, or than there is room for; the next round (woken early) takes them.
        _backlog = ids.Count < due.Count || due.Count == limit;
        if (ids.Count == 0)
            return 0;
        var leaseName = NextLease();
        var until = now.AddSeconds(Options.LeaseSeconds);
        // One conditional update for the lot: a row another instance leased meanwhile no longer matches.
        var won = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => ids.Contains(d.Id) && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now
                        && (d.LeaseUntil == null || d.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, leaseName).SetProperty(d => d.LeaseUntil, until), ct);
        if (won == 0)
            return 0;
        var rows = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking()
            .Where(d => ids.Contains(d.Id) && d.LeaseOwner == leaseName).ToListAsync(ct);
        var hookIds = rows.Select(r => r.WebhookId).Distinct().ToList();
        var hooks = await db.Webhooks.IgnoreQueryFilters().AsNoTracking().Where(w => hookIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var started = new List<Leased>(rows.Count);
        foreach (var row in rows)
        {
            if (hooks.TryGetValue(row.WebhookId, out var hook))
                started.Add(new Leased(row, hook, leaseName, until));
            else
                _outcomes.Enqueue(new Outcome(row.Id, leaseName, null)); // deleted meanwhile (its rows go with it)
        }
        Start(started, ct);
        return started.Count;
    }

    private string NextLease() => InstanceId + "." + Interlocked.Increment(ref _round).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Counts the leases and starts the attempts (each waits for a send slot of its webhook and of the instance).</summary>
    private void Start(List<Leased> leased, CancellationToken ct)
    {
        foreach (var l in leased)
        {
            Interlocked.Increment(ref _leased);
            _leasedPerHook.AddOrUpdate(l.Hook.Id, 1, (_, n) => n + 1);
            _ = Task.Run(() => AttemptAsync(l, ct), CancellationToken.None);
        }
    }

    private async Task AttemptAsync(Leased l, CancellationToken ct)
    {
        var d = l.Delivery;
        var slots = _sendSlots.GetOrAdd(l.Hook.Id, _ => new SemaphoreSlim(Options.PerEndpointConcurrency));
        var hookSlot = false;
        var allSlot = false;
        try
        {
            await slots.WaitAsync(ct);
            hookSlot = true;
            await AllSlots.WaitAsync(ct);
            allSlot = true;
            // Note: an attempt starts only if it can end within the lease; otherwise the delivery is given back unsent
            // (for any instance to take), so a lease never runs out while the attempt it covers may still be sent.
            if (clock.GetUtcNow().UtcDateTime > l.Until.AddSeconds(-Options.TimeoutSeconds))
            {
                _outcomes.Enqueue(new Outcome(d.Id, l.Lease, null));
                return;
            }
            WebhookAttempt attempt;
            try
            {
                attempt = await sender.SendAsync(l.Hook, d.Id, d.EventName, d.Payload, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: give the delivery back at once (the attempt counts for nothing), for any instance to take.
                _outcomes.Enqueue(new Outcome(d.Id, l.Lease, null));
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
                    logger.LogWarning("Webhook delivery {Delivery} to webhook {Webhook} failed after {Attempts} attempts", d.Id, l.Hook.Id, d.Attempts);
                }
                else
                {
                    d.NextAttemptAt = next;
                }
            }
            _outcomes.Enqueue(new Outcome(d.Id, l.Lease, d));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _outcomes.Enqueue(new Outcome(d.Id, l.Lease, null));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook delivery {Delivery} could not be attempted; it is retried when its lease ends", d.Id);
        }
        finally
        {
            if (allSlot)
                AllSlots.Release();
            if (hookSlot)
                slots.Release();
            Ended(l.Hook.Id);
        }
    }

    /// <summary>An attempt ended: frees its room, and wakes the loop when due deliveries were left behind for lack of it.</summary>
    private void Ended(string hookId)
    {
        var left = Interlocked.Decrement(ref _leased);
        var hookLeft = _leasedPerHook.AddOrUpdate(hookId, 0, (_, n) => Math.Max(0, n - 1));
        // Note: not at every attempt — a round is a few statements, and waking once the queue is half empty takes many
        // deliveries per round while the rest are still being sent.
        if (_backlog && (hookLeft <= HookCap / 2 || left <= TotalCap / 2))
            Wake();
    }

    private void Wake()
    {
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

    /// <summary>How many more deliveries each webhook may have leased on this instance now.</summary>
    private LeaseRoom RoomNow(IEnumerable<string> hookIds)
    {
        var room = new LeaseRoom(TotalCap - Volatile.Read(ref _leased));
        foreach (var id in hookIds)
            room.PerHook[id] = HookCap - _leasedPerHook.GetValueOrDefault(id);
        return room;
    }

    /// <summary>Writes the ended attempts' outcomes in one transaction, each only while its lease is still ours.</summary>
    private async Task WriteOutcomesAsync(CancellationToken ct)
    {
        if (_outcomes.IsEmpty)
            return;
        var batch = new List<Outcome>();
        while (batch.Count < 500 && _outcomes.TryDequeue(out var o))
            batch.Add(o);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Note: a few statements per lease (a round's attempts share one), not one per delivery.
            var attached = new HashSet<long>();
            foreach (var group in batch.GroupBy(o => o.Lease, StringComparer.Ordinal))
            {
                var leaseName = group.Key;
                var givenBack = group.Where(o => o.Result is null).Select(o => o.Id).ToList();
                if (givenBack.Count > 0)
                    await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => givenBack.Contains(x.Id) && x.LeaseOwner == leaseName)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
                var results = group.Where(o => o.Result is not null).Select(o => o.Result!).ToList();
                if (results.Count == 0)
                    continue;
                var ids = results.Select(d => d.Id).ToList();
                // The rows still under this lease, locked until commit (a no-op update: PostgreSQL's row locks; SQLite's
                // write transaction excludes other writers anyway), so no instance can take one before its outcome lands.
                var ours = await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => ids.Contains(x.Id) && x.LeaseOwner == leaseName)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, x => x.LeaseOwner), ct);
                if (ours == results.Count && results.All(d => attached.Add(d.Id)))
                {
                    // All still ours (the usual case): one batched update of the outcome columns, no read.
                    foreach (var d in results)
                        AttachOutcome(db, d);
                    continue;
                }
                foreach (var d in results)
                    await WriteOneOutcomeAsync(db, d, leaseName, ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the last write (without a token) takes them.
            foreach (var o in batch)
                _outcomes.Enqueue(o);
            throw;
        }
        catch (Exception e)
        {
            // Kept for the next round once (the writes are conditional, so writing twice changes nothing); a batch that
            // fails again is dropped, and its deliveries are sent again when their leases end (at least once).
            var retried = 0;
            foreach (var o in batch)
                if (!o.Retried)
                {
                    _outcomes.Enqueue(o with { Retried = true });
                    retried++;
                }
            logger.LogWarning(e, "Writing {Count} webhook delivery outcomes failed; {Retried} are tried again next round", batch.Count, retried);
        }
    }

    /// <summary>Marks the outcome columns of a delivery known to be under this instance's lease for the next save (lease released).</summary>
    private static void AttachOutcome(GenAuthDbContext db, WebhookDelivery outcome)
    {
        var row = new WebhookDelivery
        {
            Id = outcome.Id,
            UserPoolId = outcome.UserPoolId,
            WebhookId = outcome.WebhookId,
            EventName = outcome.EventName,
            Payload = outcome.Payload,
            Status = outcome.Status,
            Attempts = outcome.Attempts,
            NextAttemptAt = outcome.NextAttemptAt,
            LastAttemptAt = outcome.LastAttemptAt,
            CompletedAt = outcome.CompletedAt,
            ResponseStatus = outcome.ResponseStatus,
            ResponseBody = outcome.ResponseBody,
            Error = outcome.Error,
        };
        var entry = db.WebhookDeliveries.Attach(row);
        foreach (var name in OutcomeColumns)
            entry.Property(name).IsModified = true;
    }

    private static readonly string[] OutcomeColumns =
    [
        nameof(WebhookDelivery.Status), nameof(WebhookDelivery.Attempts), nameof(WebhookDelivery.NextAttemptAt),
        nameof(WebhookDelivery.LastAttemptAt), nameof(WebhookDelivery.CompletedAt), nameof(WebhookDelivery.ResponseStatus),
        nameof(WebhookDelivery.ResponseBody), nameof(WebhookDelivery.Error), nameof(WebhookDelivery.LeaseOwner),
        nameof(WebhookDelivery.LeaseUntil),
    ];

    /// <summary>Writes one outcome only if its lease is still ours (some of the round's leases ran out: rare).</summary>
    private async Task WriteOneOutcomeAsync(GenAuthDbContext db, WebhookDelivery d, string leaseName, CancellationToken ct)
    {
        var id = d.Id;
        var written = await db.WebhookDeliveries.IgnoreQueryFilters().Where(x => x.Id == id && x.LeaseOwner == leaseName)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, d.Status).SetProperty(x => x.Attempts, d.Attempts)
                .SetProperty(x => x.NextAttemptAt, d.NextAttemptAt).SetProperty(x => x.LastAttemptAt, d.LastAttemptAt)
                .SetProperty(x => x.CompletedAt, d.CompletedAt).SetProperty(x => x.ResponseStatus, d.ResponseStatus)
                .SetProperty(x => x.ResponseBody, d.ResponseBody).SetProperty(x => x.Error, d.Error)
                .SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
        if (written == 0)
            logger.LogWarning("Webhook delivery {Delivery}: the lease ran out during the attempt; its outcome was not recorded", id);
    }

    /// <summary>Writes an attempt's outcome (not the status) onto the delivery.</summary>
    internal static void Record(WebhookDelivery d, WebhookAttempt attempt, DateTime now)
    {
        d.Attempts++;
        d.LastAttemptAt = now;
        d.ResponseStatus = attempt.Status;
        d.ResponseBody = attempt.Body;
        d.Error = TextCut.Clip(attempt.Error, 512);
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

/// <summary>Room for more leases in one round: in all, and per webhook.</summary>
internal sealed class LeaseRoom(int total)
{
    private int _total = total;

    public Dictionary<string, int> PerHook { get; } = new(StringComparer.Ordinal);

    /// <summary>Takes one place for the webhook if it and the instance have one.</summary>
    public bool Take(string hookId)
    {
        if (_total <= 0 || PerHook.GetValueOrDefault(hookId) <= 0)
            return false;
        _total--;
        PerHook[hookId]--;
        return true;
    }
}
