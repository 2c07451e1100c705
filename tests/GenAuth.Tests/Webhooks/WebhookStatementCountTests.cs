using System.Data.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Webhooks;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Webhooks;

/// <summary>
/// The delivery worker's database cost does not grow with the deliveries in a round (P8: a webhook delivery once cost a
/// full round of statements of its own). On PostgreSQL, where each command is a round trip, the worker's rounds are
/// driven by hand and their commands counted: a round that fans out, leases and starts 20 deliveries, and the next one
/// that writes their 20 outcomes, send as many commands as the same rounds for 5 deliveries.
/// </summary>
public sealed class WebhookStatementCountTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private readonly CommandCounter _counter = new();

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task OnPostgresARoundsCommandsDoNotGrowWithItsDeliveries()
    {
        await using var app = new GenAuthApp(settings: WebhookDeliveryTests.FastSettings(new()
        {
            ["GenAuth:Database:Provider"] = "Postgres",
            ["GenAuth:Webhooks:WorkerEnabled"] = "false",
            // Note: room for all 20 leases at fan-out (per webhook PerEndpointConcurrency x floor((Lease - Timeout) / Timeout):
            // FastSettings' 15 s lease gives 4, which would leave the rest to a later claim round).
            ["GenAuth:Webhooks:LeaseSeconds"] = "600",
        }), services: s =>
        {
            s.ConfigureDbContext<GenAuthDbContext>(b => b.AddInterceptors(_counter));
            s.ConfigureDbContext<PostgresGenAuthDbContext>(b => b.AddInterceptors(_counter));
        });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        await WebhookDeliveryTests.AddWebhookAsync(client, admin, _receiver.BaseUrl + "/count", ["login"]);
        var worker = app.Services.GetRequiredService<WebhookWorker>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<GenAuthDbContext>>();
        // An idle round first: the cursor row, the hourly sweep, whatever was logged while setting up.
        await worker.RoundAsync(CancellationToken.None);
        await WaitIdleAsync(worker);
        await worker.RoundAsync(CancellationToken.None);

        async Task<(int Send, int Write)> DeliverAsync(int count)
        {
            await using (var db = await contexts.CreateDbContextAsync())
            {
                for (var i = 0; i < count; i++)
                    db.AuditEvents.Add(WebhookDeliveryTests.LoginEvent(app, $"count-{count}-{i}"));
                await db.SaveChangesAsync();
            }
            var before = _receiver.Requests.Count;
            _counter.Reset();
            _counter.On.Value = true;
            Assert.Equal(count, await worker.RoundAsync(CancellationToken.None)); // fan-out, lease, start
            _counter.On.Value = false;
            var send = _counter.Count;
            await WaitIdleAsync(worker);
            // Note: the receiver records a request as it answers, which may be a moment after the worker saw the answer.
            await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(_receiver.Requests.Count >= before + count), "every delivery received");
            Assert.Equal(before + count, _receiver.Requests.Count);
            _counter.Reset();
            _counter.On.Value = true;
            Assert.Equal(0, await worker.RoundAsync(CancellationToken.None)); // the outcomes
            _counter.On.Value = false;
            var write = _counter.Count;
            Assert.Equal(count, await app.QueryDbAsync(db => db.WebhookDeliveries.CountAsync(d =>
                d.Status == WebhookDeliveryStatus.Succeeded && d.Attempts == 1 && d.LeaseOwner == null
                && d.Payload.Contains($"count-{count}-"))));
            return (send, write);
        }

        var five = await DeliverAsync(5);
        var twenty = await DeliverAsync(20);
        Assert.Equal(five.Send, twenty.Send);
        Assert.Equal(five.Write, twenty.Write);
        // A handful each (a per-delivery loop would be 20+).
        Assert.InRange(twenty.Send, 1, 10);
        Assert.InRange(twenty.Write, 1, 10);
    }

    private static Task WaitIdleAsync(WebhookWorker worker) =>
        WebhookReceiver.WaitUntilAsync(() => Task.FromResult(worker.InFlight == 0), "every attempt ended");

    /// <summary>
    /// Every command sent to the database (a round trip on PostgreSQL, however many statements it holds) from code running
    /// under <see cref="On"/>: the round the test calls, not the server's other background jobs.
    /// </summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;

        public AsyncLocal<bool> On { get; } = new();

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (On.Value)
                Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            if (On.Value)
                Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (On.Value)
                Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
