using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
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
/// A batch is one multi-row INSERT (one statement: atomic on SQLite and PostgreSQL alike), not a SaveChanges: EF's
/// change tracking, per-row RETURNING and the save's own transaction were ~11 % of a client-credentials token's CPU.
/// What SaveChanges did besides the rows is done here too: the model's length limits are checked first
/// (ColumnLengths) and the live feeds are told once the rows are committed (AuditNotifier.Announce).
/// </summary>
public sealed class AuditAppender : BackgroundService
{
    private readonly IDbContextFactory<GenAuthDbContext> _contexts;
    private readonly ILogger<AuditAppender> _logger;
    private readonly Channel<Pending> _queue;
    private readonly int _batch;

    private readonly AuditNotifier _notifier;

    public AuditAppender(IDbContextFactory<GenAuthDbContext> contexts, IOptions<AuditOptions> options, AuditNotifier notifier,
        ILogger<AuditAppender> logger)
    {
        _contexts = contexts;
        _notifier = notifier;
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
        var columns = Columns.Of(db);
        foreach (var p in batch)
            ColumnLengths.Check(columns.Type, p.Event);
        var sql = db.GetService<ISqlGenerationHelper>();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            var text = new StringBuilder(columns.Insert.Length + batch.Count * columns.Properties.Length * 8).Append(columns.Insert);
            for (var row = 0; row < batch.Count; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Properties.Length; c++)
                {
                    var (property, mapping) = columns.Properties[c];
                    var name = "p" + (row * columns.Properties.Length + c).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (c > 0)
                        text.Append(", ");
                    text.Append(sql.GenerateParameterNamePlaceholder(name));
                    // Note: the column's own type mapping, so value converters and provider types (PostgreSQL's
                    // timestamptz, SQLite's date text) are exactly what SaveChanges would have written.
                    command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name),
                        property.GetGetter().GetClrValue(batch[row].Event), property.IsNullable));
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync();
        }
        catch (DbException e)
        {
            // Note: callers (and the batch's one-by-one retry) see what a failed SaveChanges threw.
            throw new DbUpdateException("An audit batch could not be written.", e);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        _notifier.Announce(batch.Select(p => p.Event.UserPoolId));
    }

    /// <summary>The INSERT's head and its columns (every mapped column but the generated id), per model (SQLite, PostgreSQL).</summary>
    private sealed record Columns(IEntityType Type, string Insert, (IProperty Property, RelationalTypeMapping Mapping)[] Properties)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<IModel, Columns> Cache = new();

        public static Columns Of(DbContext db) => Cache.GetOrAdd(db.Model, static (model, db) =>
        {
            var type = model.FindEntityType(typeof(AuditEvent))!;
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never)
                .Select(p => (p, (RelationalTypeMapping)p.GetRelationalTypeMapping())).ToArray();
            var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} (" +
                         string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.p.GetColumnName(table)!))) + ") VALUES ";
            return new Columns(type, insert, properties);
        }, db);
    }
}
