using System.Data.Common;
using System.Diagnostics;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace GenAuth.Tests.Management;

public sealed class CustomFieldTests : ManagementTestBase
{
    private async Task SetUdfAsync(string key, string dataType, string? extra = null) =>
        GraphQLClient.Success(await AdminAsync($"mutation {{ setUdf(targetType: USER, key: \"{key}\", dataType: {dataType}, label: \"{key}\"{extra}) {{ key }} }}"), "setUdf");

    private async Task<JsonNode> SetUdvBatchAsync(string id, object list, string? token = null) =>
        await Client.PostAsync("mutation($id: String!, $l: [UserDefinedDataInput!]) { setUdvBatch(targetType: USER, targetId: $id, udvList: $l) { key value dataType } }",
            new { id, l = list }, token ?? Admin);

    [Fact]
    public async Task LabelsFollowTheCallersLanguage()
    {
        var labels = ", labels: [{ lang: \"zh-CN\", label: \"部门\" }, { lang: \"en-US\", label: \"Department\" }, { lang: \"ja-JP\", label: \"部署\" }]";
        await SetUdfAsync("dept", "STRING", labels);

        string Label(JsonNode r) => GraphQLClient.Success(r, "udf")[0]!["label"]!.GetValue<string>();
        var q = "{ udf(targetType: USER) { key label labels { lang label } } }";

        Assert.Equal("Department", Label(await Client.PostAsync(q, token: Admin, headers: new Dictionary<string, string> { ["x-authing-lang"] = "en-US" })));
        Assert.Equal("部署", Label(await Client.PostAsync(q, token: Admin, headers: new Dictionary<string, string> { ["x-authing-lang"] = "ja-JP" })));
        Assert.Equal("dept", Label(await Client.PostAsync(q, token: Admin, headers: new Dictionary<string, string> { ["x-authing-lang"] = "zh-TW" })));
        Assert.Equal(400, Code(await AdminAsync("mutation { setUdf(targetType: USER, key: \"x\", dataType: STRING, label: \"x\", labels: [{ lang: \"xx\", label: \"?\" }]) { key } }")));
    }

    [Fact]
    public async Task ValuesAreCheckedAgainstTheTypeAndABadOneWritesNothing()
    {
        await SetUdfAsync("age", "NUMBER");
        await SetUdfAsync("vip", "BOOLEAN");
        await SetUdfAsync("born", "DATETIME");
        var id = await CreateUserAsync(new { username = "typed" });

        var bad = await SetUdvBatchAsync(id, new[] { new { key = "vip", value = "true" }, new { key = "age", value = "\"old\"" } });
        var good = await SetUdvBatchAsync(id, new[] { new { key = "age", value = "42" }, new { key = "vip", value = "true" }, new { key = "born", value = "\"2000-01-02T03:04:05Z\"" } });
        var unknown = await SetUdvBatchAsync(id, new[] { new { key = "nope", value = "1" } });

        Assert.Equal(2602, Code(bad));
        var values = GraphQLClient.Success(good, "setUdvBatch").AsArray().ToDictionary(v => v!["key"]!.GetValue<string>(), v => v!["value"]!.GetValue<string>());
        Assert.Equal("42", values["age"]);
        Assert.Equal("true", values["vip"]);
        Assert.Equal("2000-01-02T03:04:05.000Z", values["born"]);
        Assert.Equal(2601, Code(unknown));
    }

    [Fact]
    public async Task UniqueFieldsRefuseASecondEqualValue()
    {
        await SetUdfAsync("badge", "STRING", ", unique: true");
        var a = await CreateUserAsync(new { username = "ua" });
        var b = await CreateUserAsync(new { username = "ub" });

        GraphQLClient.Success(await SetUdvBatchAsync(a, new[] { new { key = "badge", value = "\"B-1\"" } }), "setUdvBatch");
        var taken = await SetUdvBatchAsync(b, new[] { new { key = "badge", value = "\"B-1\"" } });

        Assert.Equal(2026, Code(taken));
        await SetUdfAsync("team", "STRING");
        GraphQLClient.Success(await SetUdvBatchAsync(a, new[] { new { key = "team", value = "\"x\"" } }), "setUdvBatch");
        GraphQLClient.Success(await SetUdvBatchAsync(b, new[] { new { key = "team", value = "\"x\"" } }), "setUdvBatch");
        Assert.Equal(2026, Code(await AdminAsync("mutation { setUdf(targetType: USER, key: \"team\", dataType: STRING, label: \"t\", unique: true) { key } }")));
        Assert.Equal(400, Code(await AdminAsync("mutation { setUdf(targetType: USER, key: \"flag\", dataType: BOOLEAN, label: \"f\", unique: true) { key } }")));
    }

    [Fact]
    public async Task AUserReadsAndWritesOnlyTheirOwnValues()
    {
        await SetUdfAsync("motto", "STRING", ", userEditable: true");
        var (id, token) = await Client.RegisterAndLoginAsync("own@example.com");
        var other = await CreateUserAsync(new { username = "someone" });

        var own = await SetUdvBatchAsync(id, new[] { new { key = "motto", value = "\"carpe diem\"" } }, token);
        var read = await Client.PostAsync("query($id: String!) { udv(targetType: USER, targetId: $id) { key value } }", new { id }, token);
        var foreign = await SetUdvBatchAsync(other, new[] { new { key = "motto", value = "\"no\"" } }, token);
        var me = await Client.PostAsync("{ user { customData { key value label } } }", token: token);

        Assert.Equal("carpe diem", GraphQLClient.Success(own, "setUdvBatch")[0]!["value"]!.GetValue<string>());
        Assert.Equal("carpe diem", GraphQLClient.Success(read, "udv")[0]!["value"]!.GetValue<string>());
        Assert.Equal(403, Code(foreign));
        Assert.Equal("motto", GraphQLClient.Success(me, "user")["customData"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(403, Code(await Client.PostAsync("{ udf(targetType: USER) { key } }", token: token)));
    }

    [Fact]
    public async Task BatchValuesAndRemoval()
    {
        await SetUdfAsync("level", "NUMBER");
        var a = await CreateUserAsync(new { username = "ba" });
        var b = await CreateUserAsync(new { username = "bb" });

        GraphQLClient.Success(await AdminAsync("mutation($i: [SetUdfValueBatchInput!]!) { setUdfValueBatch(targetType: USER, input: $i) { code } }",
            new { i = new[] { new { targetId = a, key = "level", value = "1" }, new { targetId = b, key = "level", value = "2" } } }), "setUdfValueBatch");
        var batch = GraphQLClient.Success(await AdminAsync("query($ids: [String!]!) { udfValueBatch(targetType: USER, targetIds: $ids) { targetId data { key value } } }",
            new { ids = new[] { a, b } }), "udfValueBatch");
        var afterRemove = GraphQLClient.Success(await AdminAsync("mutation($id: String!) { removeUdv(targetType: USER, targetId: $id, key: \"level\") { key } }", new { id = a }), "removeUdv");
        GraphQLClient.Success(await AdminAsync("mutation { removeUdf(targetType: USER, key: \"level\") { code } }"), "removeUdf");
        var gone = GraphQLClient.Success(await AdminAsync("query($id: String!) { udv(targetType: USER, targetId: $id) { key } }", new { id = b }), "udv");

        Assert.Equal("2", batch.AsArray().Single(m => m!["targetId"]!.GetValue<string>() == b)!["data"]![0]!["value"]!.GetValue<string>());
        Assert.Empty(afterRemove.AsArray());
        Assert.Empty(gone.AsArray());
        Assert.Equal(2601, Code(await AdminAsync("mutation { removeUdf(targetType: USER, key: \"level\") { code } }")));
    }

    [Fact]
    public async Task CustomDataOfAPageOfUsersLoadsInAConstantNumberOfStatements()
    {
        await SetUdfAsync("rank", "NUMBER");
        // Note: EF Core caches for LoggingCacheTime (1 s) whether anyone listens for command events, so a counter
        // subscribed just before a query may see nothing. Subscribe once, let that cache expire, then count deltas.
        // Note: the app's database is named by its data directory: the SQLite file's path, or PostgreSQL's database name.
        using var counter = new CommandCounter(App.OnPostgres ? PostgresServer.NameFor(App.DataDirectory) : App.DataDirectory);
        await Task.Delay(new CoreOptionsExtension().LoggingCacheTime + TimeSpan.FromMilliseconds(500));
        async Task<List<string>> StatementsForPageOf(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var id = await CreateUserAsync(new { username = $"n{n}-{i}" });
                await SetUdvBatchAsync(id, new[] { new { key = "rank", value = $"{i}" } });
            }
            var before = counter.Count;
            var result = await AdminAsync($"{{ users(limit: {n}) {{ list {{ id customData {{ key value }} }} }} }}");
            Assert.All(GraphQLClient.Success(result, "users")["list"]!.AsArray(), u => Assert.Single(u!["customData"]!.AsArray()));
            return counter.Since(before);
        }

        var few = await StatementsForPageOf(3);
        var many = await StatementsForPageOf(30);

        // Note: a counter that sees nothing would pass the equality at 0 = 0; the page is read by a handful of statements
        // (users, count, custom fields, their values), never none and never one per user.
        Assert.True(few.Count is >= 2 and <= 10, $"3 users: {few.Count} statements:\n{string.Join("\n---\n", few)}");
        Assert.True(few.Count == many.Count,
            $"3 users: {few.Count} statements, 30 users: {many.Count}:\n{string.Join("\n---\n", many)}");
    }

    /// <summary>Counts the SQL commands EF Core runs against one database (its connection string names it) while alive.</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _dataDirectory;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public CommandCounter(string dataDirectory)
        {
            _dataDirectory = dataDirectory;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        // Note: the background workers (webhook fan-out and claims, sweepers) poll the same database; their statements
        // are no part of the page.
        // Note: the table names without quotes (SQLite's SQL quotes them, PostgreSQL's leaves lower-case names bare).
        private static readonly string[] BackgroundTables = ["webhook_cursor", "webhook_deliveries", "webhooks", "audit_events", "SharedCounters"];
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _texts = new();

        public int Count => Volatile.Read(ref _count);

        /// <summary>The statements run since the count was <paramref name="count"/>.</summary>
        public List<string> Since(int count) => _texts.Skip(count).Take(Count - count).ToList();

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
                _subscriptions.Add(listener.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> e)
        {

            if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData d
                && (d.Command.Connection?.ConnectionString?.Contains(_dataDirectory, StringComparison.Ordinal) ?? false)
                && !BackgroundTables.Any(t => d.Command.CommandText.Contains(t, StringComparison.Ordinal)))
            {
                lock (_texts)
                {
                    _texts.Enqueue(d.Command.CommandText);
                    Interlocked.Increment(ref _count);
                }
            }
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            foreach (var s in _subscriptions)
                s.Dispose();
        }
    }
}
