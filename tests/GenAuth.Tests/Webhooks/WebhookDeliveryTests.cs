using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Core.Audit;
using GenAuth.Core.Data;
using GenAuth.Core.Webhooks;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenAuth.Tests.Webhooks;

/// <summary>
/// Webhooks end to end: a real receiver on loopback, signed deliveries, retries after failures, a restart in the
/// middle of retries, two instances on one database, the retry window, resend and test.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "whsec-0123456789abcdef-test";

    /// <summary>Loopback allowed (the receiver is on 127.0.0.1) and fast retries, so nothing waits for minutes.</summary>
    internal static Dictionary<string, string?> FastSettings(Dictionary<string, string?>? extra = null)
    {
        var s = new Dictionary<string, string?>
        {
            ["GenAuth:Webhooks:AllowLoopback"] = "true",
            ["GenAuth:Webhooks:RetryBaseSeconds"] = "0.2",
            ["GenAuth:Webhooks:RetryMaxDelaySeconds"] = "0.5",
            ["GenAuth:Webhooks:PollSeconds"] = "0.1",
            ["GenAuth:Webhooks:TimeoutSeconds"] = "10",
            ["GenAuth:Webhooks:LeaseSeconds"] = "15",
            // Note: a rolled-back audit insert leaves a gap in the ids; tests don't wait the production 30 s at it.
            ["GenAuth:Webhooks:GapWaitSeconds"] = "2",
        };
        foreach (var (k, v) in extra ?? [])
            s[k] = v;
        return s;
    }

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    internal static async Task<string> AddWebhookAsync(GraphQLClient client, string admin, string url, string[] events,
        string contentType = "application/json")
    {
        var r = await client.PostAsync("mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id url events contentType enabled } }",
            new { i = new { url, events, contentType, secret = Secret } }, admin);
        return GraphQLClient.Success(r, "addWebhook")["id"]!.GetValue<string>();
    }

    /// <summary>The documented recipe: hex HMAC-SHA256 of "{X-GenAuth-Timestamp}.{raw body}" with the secret, as v1=….</summary>
    private static bool Verify(ReceivedWebhook r, string secret)
    {
        if (r.Timestamp is null || r.Signature is null)
            return false;
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(r.Timestamp + "." + r.Body)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(r.Signature));
    }

    /// <summary>Answers 500 to the first two requests of each delivery, then 200.</summary>
    private void FailFirstTwo()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        _receiver.Respond = r => seen.AddOrUpdate(r.Delivery ?? "", 1, (_, n) => n + 1) <= 2 ? (500, "not yet") : (200, "ok");
    }

    private IEnumerable<ReceivedWebhook> Delivered(string eventName) =>
        _receiver.Requests.Where(r => r.AnsweredStatus == 200 && r.Event == eventName);

    [Fact]
    public async Task ASignedLoginEventArrivesAfterTwoFailedAttempts()
    {
        using var app = new GenAuthApp(settings: FastSettings());
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var hookId = await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/hook", ["login"]);
        FailFirstTwo();

        var (userId, _) = await client.RegisterAndLoginAsync("wh-signed@example.com");
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Delivered("login").Any()), "the login event is delivered");

        var tries = _receiver.Requests.Where(r => r.Event == "login").ToList();
        Assert.Equal(3, tries.Count);
        Assert.Equal([500, 500, 200], tries.Select(t => t.AnsweredStatus));
        Assert.Single(tries.Select(t => t.Delivery).Distinct());
        Assert.All(tries, t => Assert.True(Verify(t, Secret), "signature verifies"));
        Assert.All(tries, t => Assert.False(Verify(t, "another-secret-0123456789"), "a wrong secret does not verify"));
        Assert.All(tries, t => Assert.StartsWith("application/json", t.ContentType));
        var body = JsonNode.Parse(tries[^1].Body)!;
        Assert.Equal("login", body["eventName"]!.GetValue<string>());
        Assert.Equal(userId, body["userId"]!.GetValue<string>());
        Assert.Equal("success", body["outcome"]!.GetValue<string>());
        Assert.DoesNotContain(GraphQLClient.Password, tries[^1].Body);
        // Only the subscribed event: the registration isn't sent.
        Assert.DoesNotContain(_receiver.Requests, r => r.Event == "register");

        // Note: outcomes are written by the worker's next round (within PollSeconds), not the moment the receiver answers.
        JsonNode page = null!;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            page = GraphQLClient.Success(await client.PostAsync(
                "query($id: String!) { webhookDeliveries(webhookId: $id) { items { id eventName status attempts responseStatus responseBody eventId } } }",
                new { id = hookId }, admin), "webhookDeliveries");
            return page["items"]!.AsArray().Any(i => i!["status"]!.GetValue<string>() != "pending");
        }, "the delivery's outcome is recorded");
        var d = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal("succeeded", d["status"]!.GetValue<string>());
        Assert.Equal(3, d["attempts"]!.GetValue<int>());
        Assert.Equal(200, d["responseStatus"]!.GetValue<int>());
        Assert.Equal("ok", d["responseBody"]!.GetValue<string>());
        Assert.Equal(tries[0].Delivery, d["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task FormBodiesAreSignedToo()
    {
        using var app = new GenAuthApp(settings: FastSettings());
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/form", ["register"], "application/x-www-form-urlencoded");

        await client.RegisterAndLoginAsync("wh-form@example.com");
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Delivered("register").Any()), "the register event is delivered");
        var r = Assert.Single(_receiver.Requests);
        Assert.StartsWith("application/x-www-form-urlencoded", r.ContentType);
        Assert.True(Verify(r, Secret));
        var form = System.Web.HttpUtility.ParseQueryString(r.Body);
        Assert.Equal("register", form["eventName"]);
        Assert.Equal("register", JsonNode.Parse(form["data"]!)!["eventName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARestartInTheMiddleOfRetriesLosesNoDelivery()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        FailFirstTwo();
        var settings = FastSettings(new() { ["GenAuth:Webhooks:RetryBaseSeconds"] = "1", ["GenAuth:Webhooks:RetryMaxDelaySeconds"] = "2" });
        var expected = new List<string>();
        var first = new GenAuthApp(dir, settings) { KeepDataDirectory = true };
        try
        {
            var client = first.CreateGraphQLClient();
            var admin = await client.ManagementTokenAsync(first.Secret);
            await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/restart", ["login"]);
            for (var i = 0; i < 3; i++)
            {
                var (id, _) = await client.RegisterAndLoginAsync($"wh-restart{i}@example.com");
                expected.Add(id);
            }
            await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(_receiver.Requests.Any(r => r.AnsweredStatus == 500)),
                "a first attempt failed");
        }
        finally
        {
            first.Dispose();
        }
        Assert.True(_receiver.Requests.Count(r => r.AnsweredStatus == 200) < 3, "the restart came before every delivery was done");

        using var second = new GenAuthApp(dir, settings);
        _ = second.Services; // start the host: its worker takes over the pending deliveries
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Delivered("login").Select(UserOf).Distinct().Count() == 3),
            "every login is delivered after the restart");
        await WebhookReceiver.WaitUntilAsync(async () => await second.QueryDbAsync(db =>
            db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded)) == 3, "the deliveries are recorded as succeeded");
        Assert.Equal(expected.Order(), Delivered("login").Select(UserOf).Distinct().Order());
        var rows = await second.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());
        Assert.Equal(3, rows.Count);
        Assert.All(rows, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
    }

    private static string UserOf(ReceivedWebhook r) => JsonNode.Parse(r.Body)!["userId"]!.GetValue<string>();

    [Fact]
    public async Task TwoInstancesOnOneDatabaseDeliverEachEventOnce()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        using var a = new GenAuthApp(dir, FastSettings()) { KeepDataDirectory = true };
        var ca = a.CreateGraphQLClient();
        var admin = await ca.ManagementTokenAsync(a.Secret);
        // Note: not "*": addWebhook's own event (written with the webhook) would be delivered too.
        await AddWebhookAsync(ca, admin, _receiver.BaseUrl + "/two", ["register", "login"]);
        using var b = new GenAuthApp(dir, FastSettings());
        var cb = b.CreateGraphQLClient();
        Assert.NotEqual(a.Services.GetService(typeof(WebhookWorker)), b.Services.GetService(typeof(WebhookWorker)));

        const int users = 8;
        for (var i = 0; i < users; i++)
            await (i % 2 == 0 ? ca : cb).RegisterAndLoginAsync($"wh-two{i}@example.com");
        // Each user: one register and one login event.
        await WebhookReceiver.WaitUntilAsync(async () => await a.QueryDbAsync(db =>
                db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded)) == 2 * users,
            "every event's delivery succeeded");

        var rows = await a.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());
        Assert.Equal(2 * users, rows.Count);
        Assert.All(rows, d => Assert.Equal(1, d.Attempts));
        var got = _receiver.Requests;
        Assert.Equal(2 * users, got.Count);
        Assert.Equal(2 * users, got.Select(r => JsonNode.Parse(r.Body)!["eventId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(2 * users, got.Select(r => r.Delivery).Distinct().Count());
    }

    internal static AuditEvent LoginEvent(GenAuthApp app, string userId) => new()
    {
        UserPoolId = app.UserPoolId,
        CreatedAt = DateTime.UtcNow,
        Type = AuditEventTypes.Login,
        ActorKind = "user",
        ActorId = userId,
        UserId = userId,
        Outcome = "success",
    };

    /// <summary>The worker driven by hand (its background loop off) on PostgreSQL, one webhook for login events.</summary>
    private async Task<(GenAuthApp App, WebhookWorker Worker, string HookId)> ManualPostgresAsync(string gapWaitSeconds)
    {
        var app = new GenAuthApp(settings: FastSettings(new()
        {
            ["GenAuth:Database:Provider"] = "Postgres",
            ["GenAuth:Webhooks:WorkerEnabled"] = "false",
            ["GenAuth:Webhooks:GapWaitSeconds"] = gapWaitSeconds,
        }));
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var hookId = await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/order", ["login"]);
        var worker = app.Services.GetRequiredService<WebhookWorker>();
        await worker.FanOutAsync(CancellationToken.None);
        return (app, worker, hookId);
    }

    private static Task<List<long>> FannedOutAsync(GenAuthApp app, string hookId) => app.QueryDbAsync(db =>
        db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.WebhookId == hookId).Select(d => d.EventId!.Value).OrderBy(id => id).ToListAsync(), "");

    [Fact]
    public async Task OnPostgresAnEventCommittedAfterALaterOneIsStillDelivered()
    {
        var (app, worker, hookId) = await ManualPostgresAsync(gapWaitSeconds: "600");
        await using var _ = app;
        var contexts = app.Services.GetRequiredService<IDbContextFactory<GenAuthDbContext>>();

        // Two writers: the first takes the lower id and commits last.
        await using var slow = await contexts.CreateDbContextAsync();
        await using var tx = await slow.Database.BeginTransactionAsync();
        var early = LoginEvent(app, "slow-writer");
        slow.AuditEvents.Add(early);
        await slow.SaveChangesAsync();
        await using (var fast = await contexts.CreateDbContextAsync())
        {
            var late = LoginEvent(app, "fast-writer");
            fast.AuditEvents.Add(late);
            await fast.SaveChangesAsync();
            Assert.True(late.Id > early.Id);
        }

        await worker.FanOutAsync(CancellationToken.None);
        // The later event waits behind the open transaction's id rather than moving the cursor past it.
        Assert.Empty(await FannedOutAsync(app, hookId));
        await tx.CommitAsync();
        await worker.FanOutAsync(CancellationToken.None);

        var fanned = await FannedOutAsync(app, hookId);
        Assert.Equal(2, fanned.Count);
        Assert.Equal(early.Id, fanned[0]);
        var cursor = await app.QueryDbAsync(db => db.WebhookCursors.AsNoTracking().SingleAsync(c => c.Name == WebhookWorker.CursorName), "");
        Assert.Equal(fanned[1], cursor.LastEventId);
    }

    [Fact]
    public async Task OnPostgresManyConcurrentWritersLoseNoEvent()
    {
        var (app, worker, hookId) = await ManualPostgresAsync(gapWaitSeconds: "600");
        await using var _ = app;
        var contexts = app.Services.GetRequiredService<IDbContextFactory<GenAuthDbContext>>();
        using var stop = new CancellationTokenSource();
        // Note: the fan-out runs all the time the writers do, so it keeps meeting ids whose transactions are still open.
        var fanning = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                await worker.FanOutAsync(CancellationToken.None);
        });
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var db = await contexts.CreateDbContextAsync();
                await using var tx = await db.Database.BeginTransactionAsync();
                var e = LoginEvent(app, $"w{w}-{i}");
                db.AuditEvents.Add(e);
                await db.SaveChangesAsync();
                // Held open a moment, so later ids commit first.
                await Task.Delay(Random.Shared.Next(0, 5));
                await tx.CommitAsync();
                ids.Add(e.Id);
            }
        })));
        await stop.CancelAsync();
        await fanning;
        while (await worker.FanOutAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal(ids.Order().ToList(), await FannedOutAsync(app, hookId));
    }

    [Fact]
    public async Task OnPostgresARolledBackIdIsPassedAfterTheGapWait()
    {
        var (app, worker, hookId) = await ManualPostgresAsync(gapWaitSeconds: "1");
        await using var _ = app;
        var contexts = app.Services.GetRequiredService<IDbContextFactory<GenAuthDbContext>>();
        await using (var rolledBack = await contexts.CreateDbContextAsync())
        {
            await using var tx = await rolledBack.Database.BeginTransactionAsync();
            rolledBack.AuditEvents.Add(LoginEvent(app, "rolled-back"));
            await rolledBack.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        var after = LoginEvent(app, "after-the-gap");
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.AuditEvents.Add(after);
            await db.SaveChangesAsync();
        }

        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            await worker.FanOutAsync(CancellationToken.None);
            return (await FannedOutAsync(app, hookId)).Contains(after.Id);
        }, "the event after a rolled-back id is fanned out once the gap wait is over");
    }

    [Fact]
    public async Task ADeliveryFailingPastItsRetryWindowIsFailedAndVisibleThenResent()
    {
        using var app = new GenAuthApp(settings: FastSettings(new() { ["GenAuth:Webhooks:RetryWindowHours"] = "0.0003" }));
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var hookId = await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/down", ["register"]);
        _receiver.Respond = _ => (503, new string('x', 5000));

        await client.RegisterByEmailAsync("wh-down@example.com");
        const string failed = "query($id: String!) { webhookDeliveries(webhookId: $id, status: \"failed\") { items { id status attempts responseStatus responseBody completedAt } } }";
        JsonNode? row = null;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            var items = GraphQLClient.Success(await client.PostAsync(failed, new { id = hookId }, admin), "webhookDeliveries")["items"]!.AsArray();
            row = items.FirstOrDefault();
            return row is not null;
        }, "the delivery is marked failed");
        Assert.True(row!["attempts"]!.GetValue<int>() >= 2, "it was retried before failing");
        Assert.Equal(503, row["responseStatus"]!.GetValue<int>());
        Assert.Equal(1024, row["responseBody"]!.GetValue<string>().Length);
        var attemptsBefore = _receiver.Requests.Count;

        _receiver.Respond = _ => (200, "back");
        var resent = GraphQLClient.Success(await client.PostAsync("mutation($id: String!) { resendWebhookDelivery(id: $id) { status } }",
            new { id = row["id"]!.GetValue<string>() }, admin), "resendWebhookDelivery");
        Assert.Equal("pending", resent["status"]!.GetValue<string>());
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Delivered("register").Any()), "the resent delivery arrives");
        Assert.Equal(attemptsBefore + 1, _receiver.Requests.Count);
    }

    [Fact]
    public async Task TestWebhookSendsNowAndKeepsTheResponse()
    {
        using var app = new GenAuthApp(settings: FastSettings());
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var hookId = await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/test", ["login"]);
        _receiver.Respond = _ => (202, "accepted");

        var d = GraphQLClient.Success(await client.PostAsync(
            "mutation($id: String!) { testWebhook(id: $id) { eventName status attempts responseStatus responseBody } }", new { id = hookId }, admin),
            "testWebhook");
        Assert.Equal("test", d["eventName"]!.GetValue<string>());
        Assert.Equal("succeeded", d["status"]!.GetValue<string>());
        Assert.Equal(202, d["responseStatus"]!.GetValue<int>());
        Assert.Equal("accepted", d["responseBody"]!.GetValue<string>());
        var r = Assert.Single(_receiver.Requests);
        Assert.True(Verify(r, Secret));
        Assert.Equal("A test from GenAuth Webhook", JsonNode.Parse(r.Body)!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task RedirectsAreNotFollowed()
    {
        using var app = new GenAuthApp(settings: FastSettings());
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var hookId = await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/moved", ["login"]);
        _receiver.Respond = r => r.Path == "/moved" ? (302, "") : (200, "followed");

        var d = GraphQLClient.Success(await client.PostAsync("mutation($id: String!) { testWebhook(id: $id) { status responseStatus } }",
            new { id = hookId }, admin), "testWebhook");
        Assert.Equal("failed", d["status"]!.GetValue<string>());
        Assert.Equal(302, d["responseStatus"]!.GetValue<int>());
        Assert.DoesNotContain(_receiver.Requests, r => r.Path == "/redirected");
    }

    [Fact]
    public async Task AtMostTheConfiguredNumberOfAttemptsRunAtOnceAgainstOneEndpoint()
    {
        using var app = new GenAuthApp(settings: FastSettings(new() { ["GenAuth:Webhooks:PerEndpointConcurrency"] = "2" }));
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        await AddWebhookAsync(client, admin, _receiver.BaseUrl + "/slow", ["register"]);
        var open = 0;
        var most = 0;
        var release = new TaskCompletionSource();
        _receiver.Before = async () =>
        {
            var now = Interlocked.Increment(ref open);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref open);
        };
        for (var i = 0; i < 5; i++)
            await client.RegisterByEmailAsync($"wh-slow{i}@example.com");
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref open) == 2), "two attempts are in flight");
        // Note: a third would have been claimed by now if the limit didn't hold (the worker polls every 0.1 s).
        await Task.Delay(1000);
        Assert.Equal(2, Volatile.Read(ref most));
        release.SetResult();
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult(Delivered("register").Count() == 5), "all five are delivered");
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
