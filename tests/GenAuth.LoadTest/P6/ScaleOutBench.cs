// P6 of QUALITY.md, on demand (never part of the test suite): throughput of `{ user { id email } }`, of password
// sign-ins (Argon2id at its minimum, the default: 19 MiB, 2 iterations) and of code sign-ins (loginByEmailCode,
// loginByPhoneCode) on 1, 2 and 3 GenAuth.Server processes sharing
// one PostgreSQL database and one redis-server, with the database round trips and Redis calls per request read from
// each instance's /metrics (genauth_db_command_duration_seconds_count, genauth_redis_calls_total) and divided by the
// GraphQL requests the instances counted (genauth_graphql_request_duration_seconds_count) over the same window.
// The load is spread over the instances round-robin by the client (as a proxy would); instances are added one by one.
// Usage: dotnet build -c Release src/GenAuth.Server && dotnet run -c Release --project tests/GenAuth.LoadTest -- --p6 \
//          --postgres "<admin connection string>" [--instances 3] [--users 100] [--connections 16] [--warmup 3] [--duration 15]
//          [--codes <n>] [--code-rate <per second>] [--server <GenAuth.Server.dll>] [--output <file>]
// Code sign-ins: no mail server or SMS gateway is configured, so each instance writes its messages to its data
// directory's outbox.jsonl (the server's dev default); before each window the tool sends one code to each target
// (GenAuth:Codes:ResendIntervalSeconds 1 lets a target get a new code each window) and reads the codes there. Each code
// serves one sign-in, so the supply is sized to the window: targets = expected rate x duration x 1.5 (the expected rate
// is --code-rate, default a fifth of the `user` row's rate, then the last code row's measured rate; --codes n fixes
// it instead). Code rows have no warm-up window (it would spend the measured supply): one sign-in per instance first,
// then the window. A window that runs out of codes stops there (measured over the time it ran) and is marked
// "codes ran out" in the table; without --codes it is run again once with a supply sized from its measured rate.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenAuth.LoadTest.P6;

public static partial class ScaleOutBench
{
    private const string Password = "Bench-Passw0rd-2026!";
    private const string LoginQuery = "mutation Login($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }";
    private const string UserQuery = "query { user { id email } }";
    private const string EmailCodeQuery = "mutation($input: LoginByEmailCodeInput!) { loginByEmailCode(input: $input) { id token } }";
    private const string PhoneCodeQuery = "mutation($input: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $input) { id token } }";

    private sealed record Row(int Instances, string Scenario, LoadResult Result, double DbPerRequest, double RedisPerRequest, double ServerCpuShare)
    {
        /// <summary>What the table says about the row beyond its numbers (a code supply that ran out).</summary>
        public string? Note { get; init; }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int maxInstances = 3, users = 100, connections = 16, warmup = 3, duration = 15, fixedCodes = 0;
        double codeRate = 0;
        string? dll = null, output = null, postgres = Environment.GetEnvironmentVariable("GENAUTH_TEST_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--p6": break;
                case "--instances": maxInstances = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--users": users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--codes": fixedCodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--code-rate": codeRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--server": dll = Path.GetFullPath(Next()); break;
                case "--output": output = Path.GetFullPath(Next()); break;
                case "--postgres": postgres = Next(); break;
                default: throw new ArgumentException("unknown argument " + args[i]);
            }
        }
        if (string.IsNullOrEmpty(postgres))
            throw new ArgumentException("--p6 needs --postgres <admin connection string> (or GENAUTH_TEST_POSTGRES)");
        var root = Program.FindRepoRoot();
        dll ??= Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("Build the server first: dotnet build -c Release src/GenAuth.Server", dll);

        var poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var database = "genauth_p6_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var dataRoot = Path.Combine(Path.GetTempPath(), "genauth-p6-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataRoot);
        await using (var admin = new Npgsql.NpgsqlConnection(postgres))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var redisPort = ChildServer.FreePort();
        using var redis = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var servers = new List<ChildServer>();
        try
        {
            var shared = new Dictionary<string, string>
            {
                ["GenAuth__Database__Provider"] = "Postgres",
                ["ConnectionStrings__Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString,
                ["ConnectionStrings__Redis"] = $"127.0.0.1:{redisPort}",
                ["GenAuth__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["GenAuth__Bootstrap__UserPoolId"] = poolId,
                ["GenAuth__Bootstrap__AppId"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
                ["GenAuth__Bootstrap__Secret"] = secret,
                // Argon2id at its minimum (the default, said again so the run does not depend on it).
                ["GenAuth__Passwords__MemoryKiB"] = (19 * 1024).ToString(CultureInfo.InvariantCulture),
                ["GenAuth__Passwords__Iterations"] = "2",
                ["GenAuth__Metrics__Enabled"] = "true",
                // Note: a first request on a loaded machine (JIT, EF model) can pass the 10 s operation budget.
                ["GenAuth__GraphQL__Timeout"] = "00:02:00",
                ["GenAuth__Quotas__Registration__PerIpPerHour"] = "100000",
                ["GenAuth__Quotas__Registration__PerPoolPerMinute"] = "100000",
                ["GenAuth__Quotas__Registration__PerPoolPerHour"] = "100000",
                ["GenAuth__BruteForce__IpFailures"] = "100000",
                // Code sign-ins: a new code for a target every window, and no send quota in the way (all from 127.0.0.1).
                ["GenAuth__Codes__ResendIntervalSeconds"] = "1",
                ["GenAuth__Quotas__Email__PerIpPerHour"] = "10000000",
                ["GenAuth__Quotas__Email__PerPoolPerHour"] = "10000000",
                ["GenAuth__Quotas__Email__PerPoolPerDay"] = "10000000",
                ["GenAuth__Quotas__Email__GlobalPerMinute"] = "10000000",
                ["GenAuth__Quotas__Sms__PerIpPerHour"] = "10000000",
                ["GenAuth__Quotas__Sms__PerPoolPerHour"] = "10000000",
                ["GenAuth__Quotas__Sms__PerPoolPerDay"] = "10000000",
                ["GenAuth__Quotas__Sms__GlobalPerMinute"] = "10000000",
                ["GenAuth__Quotas__Lookup__PerIpPerMinute"] = "10000000",
                ["GenAuth__Quotas__Lookup__PerPoolPerMinute"] = "10000000",
            };
            async Task<ChildServer> StartInstanceAsync(int index)
            {
                var env = new Dictionary<string, string>(shared) { ["GenAuth__DataDirectory"] = Path.Combine(dataRoot, index.ToString(CultureInfo.InvariantCulture)) };
                Directory.CreateDirectory(env["GenAuth__DataDirectory"]);
                var server = await ChildServer.StartAsync($"GenAuth.Server#{index}", dll, [], env);
                Program.Log($"instance {index}: pid {server.ProcessId} at {server.BaseUri}");
                return server;
            }

            servers.Add(await StartInstanceAsync(1));
            using var client = HttpLoad.CreateClient(servers[0].BaseUri, connections);
            async Task<JsonElement> Gql(string query, object? variables, string? token = null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
                {
                    Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { query, variables })),
                };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("x-authing-userpool-id", poolId);
                if (token is not null)
                    request.Headers.Add("Authorization", "Bearer " + token);
                using var response = await client.SendAsync(request);
                var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (doc.RootElement.TryGetProperty("errors", out var errors))
                    throw new InvalidOperationException($"{query[..Math.Min(40, query.Length)]}…: {errors}");
                return doc.RootElement.GetProperty("data");
            }
            Program.Log($"registering {users} users");
            await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                await Gql("mutation($input: RegisterByEmailInput!) { registerByEmail(input: $input) { id } }",
                    new { input = new { email = Program.Email(i), password = Password } }));
            var tokens = new string[users];
            await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                tokens[i] = (await Gql(LoginQuery, new { input = new { email = Program.Email(i), password = Password } }))
                    .GetProperty("loginByEmail").GetProperty("token").GetString()!);

            // Code sign-in targets: email accounts registered by code (no password, so no Argon2id in the set-up) and phone
            // accounts created by their first code sign-in; added before a code row when its supply needs more.
            var codeTargets = 0;
            async Task EnsureTargetsAsync(int count)
            {
                if (count <= codeTargets)
                    return;
                Program.Log($"registering code targets {codeTargets}..{count - 1} (email and phone)");
                await Task.Delay(TimeSpan.FromSeconds(1.2)); // the resend interval since the last code to these targets
                await SendCodesAsync(Gql, count, from: codeTargets);
                var prepCodes = ReadCodes(dataRoot);
                await Parallel.ForAsync(codeTargets, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                {
                    await Gql("mutation($input: RegisterByEmailCodeInput!) { registerByEmailCode(input: $input) { id } }",
                        new { input = new { email = CodeEmail(i), code = prepCodes[CodeEmail(i)] } });
                    await Gql(PhoneCodeQuery, new { input = new { phone = CodePhone(i), code = prepCodes["+86" + CodePhone(i)] } });
                });
                codeTargets = count;
            }

            var headers = new[] { KeyValuePair.Create("x-authing-userpool-id", poolId) };
            var loginBodies = Enumerable.Range(0, users).Select(i => JsonSerializer.SerializeToUtf8Bytes(new
            {
                query = LoginQuery,
                variables = new { input = new { email = Program.Email(i), password = Password } },
            })).ToArray();
            var userBody = JsonSerializer.SerializeToUtf8Bytes(new { query = UserQuery });
            static bool LoginOk(HttpStatusCode s, byte[] b) => s == HttpStatusCode.OK && Contains(b, "\"token\":\"ey") && !Contains(b, "\"errors\"");
            static bool UserOk(HttpStatusCode s, byte[] b) => s == HttpStatusCode.OK && Contains(b, "{\"data\":{\"user\":{\"id\":\"") && !Contains(b, "\"errors\"");

            var rows = new List<Row>();
            double? lastCodeRate = null;
            for (var n = 1; n <= maxInstances; n++)
            {
                if (n > 1)
                    servers.Add(await StartInstanceAsync(n));
                var targets = servers.Select(s => s.BaseUri).ToArray();
                // Note: one warm-up request per instance and query first (JIT, pools), outside any window.
                foreach (var target in targets)
                {
                    await SendAsync(client, new Uri(target, "/graphql/v2"), userBody, headers, tokens[0]);
                    await SendAsync(client, new Uri(target, "/graphql/v2"), loginBodies[0], headers, null);
                }
                long counter = 0;
                RequestTemplate UserNext(int w, long i)
                {
                    var k = Interlocked.Increment(ref counter);
                    return new RequestTemplate(new Uri(targets[k % targets.Length], "/graphql/v2").ToString(), userBody,
                        [.. headers, KeyValuePair.Create("Authorization", "Bearer " + tokens[k % tokens.Length])]);
                }
                RequestTemplate LoginNext(int w, long i)
                {
                    var k = Interlocked.Increment(ref counter);
                    return new RequestTemplate(new Uri(targets[k % targets.Length], "/graphql/v2").ToString(), loginBodies[k % loginBodies.Length], headers);
                }
                rows.Add(await MeasureAsync(n, "{ user { id email } }", servers, () => HttpLoad.RunAsync($"{n}: user", client, connections,
                    TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), UserNext, UserOk)));
                rows.Add(await MeasureAsync(n, "loginByEmail (password)", servers, () => HttpLoad.RunAsync($"{n}: login", client, connections,
                    TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), LoginNext, LoginOk)));

                // Code sign-ins: a fresh code per target (sent before the window, outside it), each used once; no warm-up
                // window (it would spend the measured supply): one sign-in per instance first, then the window.
                foreach (var (scenario, query) in new[] { ("loginByEmailCode", EmailCodeQuery), ("loginByPhoneCode", PhoneCodeQuery) })
                {
                    var expected = lastCodeRate ?? (codeRate > 0 ? codeRate : rows.First(r => r.Instances == n && r.Scenario.StartsWith('{')).Result.PerSecond / 5);
                    for (var attempt = 1; ; attempt++)
                    {
                        var supply = fixedCodes > 0 ? fixedCodes : targets.Length + (int)Math.Ceiling(Math.Max(1, expected) * duration * 1.5);
                        await EnsureTargetsAsync(supply);
                        var row = await MeasureCodesAsync(n, scenario, query, supply);
                        if (!row.Result.Stopped || fixedCodes > 0 || attempt == 2)
                        {
                            rows.Add(row);
                            if (!row.Result.Stopped)
                                lastCodeRate = row.Result.PerSecond;
                            break;
                        }
                        expected = row.Result.PerSecond;
                        Program.Log($"{n}: {scenario}: the supply ran out; again with one sized for {expected:F0}/s");
                    }
                }

                async Task<Row> MeasureCodesAsync(int instances, string scenario, string query, int supply)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1.2)); // the resend interval since the last code to these targets
                    await SendCodesAsync(Gql, supply, email: query == EmailCodeQuery, phone: query == PhoneCodeQuery);
                    var codes = ReadCodes(dataRoot);
                    var bodies = Enumerable.Range(0, supply).Select(i => JsonSerializer.SerializeToUtf8Bytes(query == EmailCodeQuery
                        ? new { query, variables = (object)new { input = new { email = CodeEmail(i), code = codes[CodeEmail(i)] } } }
                        : new { query, variables = (object)new { input = new { phone = CodePhone(i), code = codes["+86" + CodePhone(i)] } } })).ToArray();
                    // One sign-in per instance (JIT, pools) with the first codes, outside the window.
                    for (var t = 0; t < targets.Length; t++)
                        await SendAsync(client, new Uri(targets[t], "/graphql/v2"), bodies[t], headers, null);
                    long used = targets.Length - 1;
                    RequestTemplate CodeNext(int w, long i)
                    {
                        var k = Interlocked.Increment(ref used);
                        // Note: past the supply (workers racing the stop check) a spent code is sent: it fails and is counted.
                        return new RequestTemplate(new Uri(targets[k % targets.Length], "/graphql/v2").ToString(), bodies[k % bodies.Length], headers);
                    }
                    bool OutOfCodes() => Interlocked.Read(ref used) + 1 >= bodies.Length;
                    var row = await MeasureAsync(instances, scenario + " (code)", servers, () => HttpLoad.RunAsync($"{instances}: {scenario}", client, connections,
                        TimeSpan.Zero, TimeSpan.FromSeconds(duration), CodeNext, LoginOk, OutOfCodes));
                    if (!row.Result.Stopped)
                        return row;
                    var note = string.Create(CultureInfo.InvariantCulture,
                        $"codes ran out after {row.Result.Seconds:F1} of {duration} s ({supply - targets.Length} codes)");
                    Program.Log($"{instances}: {scenario}: {note}");
                    return row with { Note = note };
                }
            }

            var text = new StringBuilder()
                .AppendLine("# P6: scale-out on one PostgreSQL and one Redis")
                .AppendLine()
                .AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Program.MachineInfo()}; {users} users, {connections} client connections spread " +
                            $"round-robin over the instances, {warmup} s warm-up + {duration} s measured per row (code rows: no warm-up window, " +
                            "one sign-in per instance, then the window; a fresh code per sign-in); PostgreSQL, redis-server, every " +
                            "instance and the load tool share the same cores.")
                .AppendLine()
                .AppendLine("| instances | request | req/s | p50 ms | p99 ms | failed | DB round trips / req | Redis calls / req | server CPU (cores) |")
                .AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Instances} | {r.Scenario}{(r.Note is null ? "" : " — **" + r.Note + "**")} | {r.Result.PerSecond:F1} | {r.Result.P50Ms:F1} | {r.Result.P99Ms:F1} | {r.Result.Failed} | {r.DbPerRequest:F2} | {r.RedisPerRequest:F2} | {r.ServerCpuShare:F2} |"));
            Console.WriteLine(text);
            output ??= Path.Combine(root, "tests", "GenAuth.LoadTest", "results-p6.md");
            await File.WriteAllTextAsync(output, text.ToString());
            Program.Log($"written to {output}");
            return 0;
        }
        finally
        {
            foreach (var server in servers)
                await server.DisposeAsync();
            if (!redis.HasExited)
                redis.Kill(); // only the redis-server this run started
            try
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var admin = new Npgsql.NpgsqlConnection(postgres);
                await admin.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            catch (Npgsql.NpgsqlException)
            {
                // best effort
            }
            try { Directory.Delete(dataRoot, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<Row> MeasureAsync(int n, string scenario, IReadOnlyList<ChildServer> servers, Func<Task<LoadResult>> run)
    {
        var before = await ScrapeAsync(servers);
        var cpuBefore = servers.Sum(s => s.CpuTime.Total.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var result = await run();
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = servers.Sum(s => s.CpuTime.Total.TotalSeconds) - cpuBefore;
        var after = await ScrapeAsync(servers);
        var requests = Math.Max(1, after.GraphQL - before.GraphQL);
        var db = (after.Db - before.Db) / requests;
        var calls = (after.Redis - before.Redis) / requests;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{n} instance(s), {scenario}: {result.PerSecond:F1}/s ok {result.Ok} failed {result.Failed} p50 {result.P50Ms:F1} ms; {db:F2} DB and {calls:F2} Redis per request ({requests} requests)");
        Program.Log(line + (result.FirstFailure is { } f ? "; first failure: " + f : ""));
        return new Row(n, scenario, result, (after.Db - before.Db) / requests, (after.Redis - before.Redis) / requests, cpu / seconds);
    }

    private static async Task<(double Db, double Redis, double GraphQL)> ScrapeAsync(IReadOnlyList<ChildServer> servers)
    {
        double db = 0, redis = 0, graphQL = 0;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var server in servers)
        {
            var text = await http.GetStringAsync(new Uri(server.BaseUri, "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                    continue;
                var name = line[..line.IndexOfAny(['{', ' '])];
                var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                if (name.StartsWith("genauth_db_command_duration", StringComparison.Ordinal) && name.EndsWith("_count", StringComparison.Ordinal))
                    db += value;
                else if (name.StartsWith("genauth_redis_calls", StringComparison.Ordinal))
                    redis += value;
                else if (name.StartsWith("genauth_graphql_request_duration", StringComparison.Ordinal) && name.EndsWith("_count", StringComparison.Ordinal))
                    graphQL += value;
            }
        }
        return (db, redis, graphQL);
    }

    private static async Task SendAsync(HttpClient client, Uri uri, byte[] body, KeyValuePair<string, string>[] headers, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (k, v) in headers)
            request.Headers.TryAddWithoutValidation(k, v);
        if (token is not null)
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
    }

    private static string CodeEmail(int i) => $"code{i:D5}@bench.test";

    // Note: +86 139 mobile numbers (valid for the phone parser), national form; the outbox names them in E.164.
    private static string CodePhone(int i) => $"139{i:D8}";

    /// <summary>Sends one code to each target from <paramref name="from"/> to <paramref name="count"/> − 1 (email VERIFY_CODE, SMS login), 8 at a time.</summary>
    private static Task SendCodesAsync(Func<string, object?, string?, Task<JsonElement>> gql, int count, bool email = true, bool phone = true, int from = 0) =>
        Parallel.ForAsync(from, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            if (email)
                await gql("mutation($e: String!) { sendEmail(email: $e, scene: VERIFY_CODE) { code } }", new { e = CodeEmail(i) }, null);
            if (phone)
                await gql("mutation($p: String!) { sendSmsCode(phone: $p, scene: \"login\") { code } }", new { p = CodePhone(i) }, null);
        });

    [GeneratedRegex(@"(?<!\d)(\d{4,8})(?!\d)")]
    private static partial Regex CodePattern();

    /// <summary>The newest code per recipient in every instance's outbox (the server's dev delivery: one JSON line a message).</summary>
    private static Dictionary<string, string> ReadCodes(string dataRoot)
    {
        var codes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(dataRoot, "outbox.jsonl", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0)
                    continue;
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var match = CodePattern().Match(root.GetProperty("text").GetString() ?? "");
                // Note: appended in send order, so the last line for a recipient holds its live code.
                if (match.Success)
                    codes[root.GetProperty("to").GetString()!] = match.Groups[1].Value;
            }
        }
        return codes;
    }

    private static bool Contains(byte[] body, string ascii) => body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;
}
