using System.Diagnostics;
using GenAuth.Core.Audit;
using GenAuth.Core.Common;
using GenAuth.Core.Events;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GenAuth.Tests.Audit;

/// <summary>The group-commit writer behind the client-credentials issueToken event: exactly once, durable on return, drained on stop.</summary>
public sealed class AuditAppenderTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private AuditEvent Event(string type, string? marker = null) => new()
    {
        UserPoolId = _host.App.UserPoolId,
        CreatedAt = DateTime.UtcNow,
        Type = type,
        ActorKind = AuditActors.System,
        Outcome = AuditOutcomes.Success,
        Target = marker,
    };

    private Task<int> CountAsync(string type) =>
        _host.App.QueryDbAsync(db => db.AuditEvents.AsNoTracking().CountAsync(e => e.Type == type));

    [Fact]
    public async Task ConcurrentClientCredentialsTokensEachWriteExactlyOneEventBeforeTheAnswer()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = Basic.Of(id, secret!);
            using var response = await _host.Gql.Http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }));
        Assert.All(answers, Assert.True);
        // Every answer came after its event's commit: all 24 are there at once, none twice.
        var events = await _host.App.QueryDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventTypes.IssueToken && e.Target == "app:" + id).ToListAsync());
        Assert.Equal(24, events.Count);
        Assert.Equal(24, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task ABadEventFailsOnlyItsOwnCallerAndTheRestOfItsBatchLands()
    {
        await _host.Gql.PostAsync("{ __typename }"); // starts the host
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderTest" + Guid.NewGuid().ToString("N")[..6];
        var bad = Event(null!);
        var tasks = Enumerable.Range(0, 20).Select(i => appender.AppendAsync(i == 7 ? bad : Event(type), CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try
            {
                await t;
                return true;
            }
            catch (DbUpdateException)
            {
                return false;
            }
        }));
        Assert.Equal(19, outcomes.Count(x => x));
        Assert.False(outcomes[7]);
        Assert.Equal(19, await CountAsync(type));
    }

    [Fact]
    public async Task StoppingDrainsTheQueueAndALateEventIsStillWritten()
    {
        await _host.Gql.PostAsync("{ __typename }");
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderStop" + Guid.NewGuid().ToString("N")[..6];
        var queued = Enumerable.Range(0, 50).Select(_ => appender.AppendAsync(Event(type), CancellationToken.None)).ToList();
        await appender.StopAsync(CancellationToken.None);
        await Task.WhenAll(queued);
        // After the stop the writer is gone: an event offered now is written directly, not lost and not left waiting.
        await appender.AppendAsync(Event(type), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(51, await CountAsync(type));
    }

    [Fact]
    public async Task ABatchIsOneInsertOutsideEfAndReadsBackAsSaveChangesWroteIt()
    {
        await _host.Gql.PostAsync("{ __typename }");
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderRaw" + Guid.NewGuid().ToString("N")[..6];
        var before = DateTime.UtcNow.AddSeconds(-1);
        var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = await _host.App.Services.GetRequiredService<IEventBus>()
            .SubscribeAsync(AuditNotifier.Channel(_host.App.UserPoolId), _ => announced.TrySetResult());
        // EF's own INSERTs into audit_events while the batch is written: a SaveChanges would show here.
        var efInserts = 0;
        using var listener = DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(l =>
        {
            if (l.Name == "Microsoft.EntityFrameworkCore")
                l.Subscribe(new Observer<KeyValuePair<string, object?>>(kv =>
                {
                    if (kv.Key.EndsWith("CommandExecuting", StringComparison.Ordinal)
                        && kv.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData { Command.CommandText: { } text }
                        && text.Contains("INSERT", StringComparison.OrdinalIgnoreCase) && text.Contains("audit_events", StringComparison.Ordinal))
                        Interlocked.Increment(ref efInserts);
                }));
        }));
        var events = Enumerable.Range(0, 12).Select(i =>
        {
            var e = Event(type, "app:m" + i);
            e.Detail = "{\"n\":" + i + "}";
            e.UserAgent = "agent \u00e9\ud83d\ude00 " + i;
            e.Ip = i % 2 == 0 ? "203.0.113." + i : null;
            e.ErrorCode = i % 3 == 0 ? 2607 : null;
            return e;
        }).ToList();
        await Task.WhenAll(events.Select(e => appender.AppendAsync(e, CancellationToken.None)));
        Assert.Equal(0, Volatile.Read(ref efInserts));
        await announced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Read back through EF: the date compares as EF writes dates (the sweeper and filters query it), values intact.
        var stored = await _host.App.QueryDbAsync(db => db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Type == type && e.CreatedAt >= before).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(12, stored.Count);
        foreach (var e in events)
        {
            var s = Assert.Single(stored, x => x.Target == e.Target);
            Assert.Equal((e.UserPoolId, e.Detail, e.UserAgent, e.Ip, e.ErrorCode, e.ActorKind, e.Outcome),
                (s.UserPoolId, s.Detail, s.UserAgent, s.Ip, s.ErrorCode, s.ActorKind, s.Outcome));
            Assert.Equal(e.CreatedAt, DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc));
        }
    }

    [Fact]
    public async Task AnOverLongValueFailsItsCallerWith2607AndTheRestLand()
    {
        await _host.Gql.PostAsync("{ __typename }");
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderLong" + Guid.NewGuid().ToString("N")[..6];
        var tooLong = Event(type);
        tooLong.Detail = new string('x', 4097);
        var tasks = Enumerable.Range(0, 10).Select(i => appender.AppendAsync(i == 3 ? tooLong : Event(type), CancellationToken.None)).ToList();
        var error = await Assert.ThrowsAsync<GenAuthException>(() => tasks[3]);
        Assert.Equal(ErrorCodes.ValueTooLong.Code, error.Code);
        await Task.WhenAll(tasks.Where((_, i) => i != 3));
        Assert.Equal(9, await CountAsync(type));
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value) => next(value);
    }
}
