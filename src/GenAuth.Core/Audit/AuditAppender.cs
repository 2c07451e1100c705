using System.Threading.Channels;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Audit;

/// <summary>
/// Group commit for events that record no other write (a client-credentials token): callers hand their event to one
/// background writer and wait until the batch holding it is committed, so each request still answers only after its
/// event is durable, but N concurrent requests share one transaction instead of queueing N on SQLite's one writer.
/// Guarantee: exactly once — an event is queued once, a batch is one transaction (all or none), and a batch that
/// fails is retried event by event so one bad row fails only its own request; a failed write fails the caller's
/// request (nothing is issued without its event). The queue is bounded (callers wait when it is full) and drained on
/// shutdown; an event offered after shutdown began is written directly.
/// </summary>
public sealed class AuditAppender : BackgroundService
{
    private readonly IDbContextFactory<GenAuthDbContext> _contexts;
    private readonly ILogger<AuditAppender> _logger;
    private readonly Channel<Pending> _queue;
    private readonly int _batch;

    public AuditAppender(IDbContextFactory<GenAuthDbContext> contexts, IOptions<AuditOptions> options, ILogger<AuditAppender> logger)
    {
        _contexts = contexts;
        _logger = logger;
        _batch = options.Value.AppendBatch;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.AppendQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    private sealed record Pending(AuditEvent Event, TaskCompletionSource Done);

    /// <summary>Queues the event and returns once it is committed (throws if it could not be written).</summary>
    public async Task AppendAsync(AuditEvent e, CancellationToken ct)
    {
        var pending = new Pending(e, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (!_queue.Writer.TryWrite(pending))
                await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            // Shutting down: the writer is draining what it has; this one goes straight in.
            await WriteAsync([pending]);
        }
        // Note: not cancellable once queued — the writer completes every queued event, and the caller must know.
        await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_batch);
        // Note: no stoppingToken here — the loop ends when StopAsync completes the queue and it is drained.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _batch && reader.TryRead(out var next))
                batch.Add(next);
            await WriteAsync(batch);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await SaveAsync(batch);
            foreach (var p in batch)
                p.Done.TrySetResult();
            return;
        }
        catch (Exception e) when (batch.Count > 1)
        {
            // The transaction wrote none of them: each alone, so only a bad one fails.
            _logger.LogWarning(e, "An audit batch of {Count} events failed; writing them one by one", batch.Count);
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
            return;
        }
        foreach (var p in batch)
        {
            try
            {
                await SaveAsync([p]);
                p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                _logger.LogError(e, "An audit event ({Type}) could not be written", p.Event.Type);
                p.Done.TrySetException(e);
            }
        }
    }

    private async Task SaveAsync(List<Pending> batch)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        foreach (var p in batch)
        {
            // A retry gets a fresh row (the failed transaction may have handed out an id).
            p.Event.Id = 0;
            db.AuditEvents.Add(p.Event);
        }
        await db.SaveChangesAsync();
    }
}
