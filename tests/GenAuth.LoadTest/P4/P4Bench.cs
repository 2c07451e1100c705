// P4 of QUALITY.md, on demand: the management directory reads at size. For each --users N: start the Release server
// on a fresh data dir (it migrates and bootstraps), stop it, seed N users + 10 000 groups/roles straight into SQLite,
// start it again, then time users(page) at the first, middle and last page, searchUser by email prefix and
// listUserAuthorizedResources, one request at a time over loopback with a management token.
// With --provider Postgres (or both) the same on PostgreSQL: a fresh database per size on the cluster of --postgres
// (an admin connection string, default $GENAUTH_TEST_POSTGRES), seeded by COPY, VACUUM ANALYZE, then the same queries.
// Usage: dotnet build -c Release src/GenAuth.Server && dotnet run -c Release --project tests/GenAuth.LoadTest -- --p4 \
//          [--users 10000,1000000] [--samples 200] [--provider Sqlite|Postgres|both] [--postgres CONN]
//          [--server <GenAuth.Server.dll>] [--output PATH] [--keep] [--server-env NAME=VALUE]...
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenAuth.LoadTest.P4;

/// <summary>P4: directory at size (run with --p4).</summary>
public static class P4Bench
{
    private const string UsersQuery =
        "query($page: Int, $limit: Int) { users(page: $page, limit: $limit) { totalCount list { id email username phone nickname createdAt } } }";
    private const string SearchQuery =
        "query($q: String!) { searchUser(query: $q, fields: [\"email\"], page: 1, limit: 10) { totalCount list { id email username nickname } } }";
    // The SDK's listUserAuthorizedResources document (types/graphql.v2.ts).
    private const string ResourcesQuery =
        "query listUserAuthorizedResources($id: String!, $namespace: String, $resourceType: String) { user(id: $id) { authorizedResources(namespace: $namespace, resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";

    private sealed record Sample(string Name, List<double> Ms);

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = new List<int> { 10_000, 1_000_000 };
        var samples = 200;
        string? dll = null;
        string? output = null;
        var env = new Dictionary<string, string>();
        var keep = false;
        var providers = new List<string> { "Sqlite" };
        var postgres = Environment.GetEnvironmentVariable("GENAUTH_TEST_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--p4": break;
                case "--users": sizes = Next().Split(',').Select(s => int.Parse(s.Replace("_", ""))).ToList(); break;
                case "--samples": samples = int.Parse(Next()); break;
                case "--server": dll = Path.GetFullPath(Next()); break;
                case "--keep": keep = true; break;
                case "--provider":
                    var which = Next();
                    providers = which.Equals("both", StringComparison.OrdinalIgnoreCase) ? ["Sqlite", "Postgres"] : [which];
                    break;
                case "--postgres": postgres = Next(); break;
                case "--output": output = Path.GetFullPath(Next()); break;
                case "--server-env":
                    var kv = Next().Split('=', 2);
                    env[kv[0]] = kv.Length > 1 ? kv[1] : "";
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} for --p4");
            }
        }
        var root = FindRoot();
        dll ??= Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("build the server first: dotnet build -c Release src/GenAuth.Server", dll);

        var hash = ArgonBaseline.HashLikeServer("Bench-Passw0rd-2026!");
        var markdown = new StringBuilder();
        foreach (var provider in providers)
        {
            var onPostgres = provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);
            if (onPostgres && string.IsNullOrEmpty(postgres))
                throw new ArgumentException("--provider Postgres needs --postgres <admin connection string> (or GENAUTH_TEST_POSTGRES)");
            var results = new List<(int N, List<Sample> Rows)>();
            foreach (var n in sizes)
                results.Add((n, await RunSizeAsync(n, samples, dll, env, hash, keep, onPostgres ? postgres : null)));
            markdown.AppendLine($"**{(onPostgres ? "PostgreSQL" : "SQLite")}**").AppendLine().Append(Table(results, samples)).AppendLine();
        }

        Console.WriteLine();
        Console.WriteLine(markdown);
        output ??= Path.Combine(root, "tests", "GenAuth.LoadTest", "results-p4.md");
        await File.WriteAllTextAsync(output, markdown.ToString());
        Program.Log($"written to {output}");
        return 0;
    }

    private static async Task<List<Sample>> RunSizeAsync(int n, int samples, string dll, Dictionary<string, string> extraEnv, string hash, bool keep,
        string? postgresAdmin)
    {
        var data = Path.Combine(Path.GetTempPath(), "genauth-p4-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var env = new Dictionary<string, string>
        {
            ["GenAuth__DataDirectory"] = data,
            ["GenAuth__Bootstrap__UserPoolId"] = poolId,
            ["GenAuth__Bootstrap__AppId"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            ["GenAuth__Bootstrap__Secret"] = secret,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        string? database = null;
        if (postgresAdmin is not null)
        {
            database = "genauth_p4_" + Guid.NewGuid().ToString("N")[..8];
            await using (var admin = new Npgsql.NpgsqlConnection(postgresAdmin))
            {
                await admin.OpenAsync();
                await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                await create.ExecuteNonQueryAsync();
            }
            env["GenAuth__Database__Provider"] = "Postgres";
            env["ConnectionStrings__Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ConnectionString;
        }
        foreach (var (k, v) in extraEnv)
            env[k] = v;
        try
        {
            Program.Log($"p4 {n:N0}: migrating {data}");
            await using (await ChildServer.StartAsync("GenAuth.Server (migrate)", dll, [], env))
            {
            }
            if (database is not null)
                Seeder.SeedPostgres(env["ConnectionStrings__Postgres"], poolId, hash, n);
            else
                new Seeder(Path.Combine(data, "genauth.db"), poolId, hash).Seed(n);

            await using var server = await ChildServer.StartAsync("GenAuth.Server", dll, [], env);
            using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            var token = (await PostAsync(http, poolId, null, "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }",
                new { p = poolId, s = secret })).GetProperty("accessToken").GetProperty("accessToken").GetString()!;

            var pages = Math.Max(1, (n + 9) / 10);
            var rnd = new Random(42);
            var rows = new List<Sample>();
            async Task Measure(string name, Func<int, (string Query, object Vars)> request, Action<JsonElement>? check = null)
            {
                var ms = new List<double>(samples);
                for (var i = -10; i < samples; i++) // 10 unmeasured warm-up requests
                {
                    var (q, v) = request(i);
                    var t0 = Stopwatch.GetTimestamp();
                    var data = await PostAsync(http, poolId, token, q, v);
                    var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    check?.Invoke(data);
                    if (i >= 0)
                        ms.Add(elapsed);
                }
                ms.Sort();
                Program.Log($"p4 {n:N0}: {name}: p50 {P(ms, 50):F2} ms, p95 {P(ms, 95):F2} ms, p99 {P(ms, 99):F2} ms");
                rows.Add(new Sample(name, ms));
            }

            void TenUsers(JsonElement d)
            {
                var u = d.GetProperty("users");
                if (u.GetProperty("totalCount").GetInt32() != n || u.GetProperty("list").GetArrayLength() != 10)
                    throw new InvalidOperationException($"users: unexpected {u}");
            }
            await Measure("users(page: 1, limit: 10)", _ => (UsersQuery, new { page = 1, limit = 10 }), TenUsers);
            await Measure("users(page: middle, limit: 10)", _ => (UsersQuery, new { page = pages / 2, limit = 10 }), TenUsers);
            await Measure("users(page: last, limit: 10)", _ => (UsersQuery, new { page = pages, limit = 10 }), TenUsers);

            // The local part of a random user's email ("mia.wang.123456"): that user plus any whose number extends it.
            await Measure("searchUser(email prefix, page 1, limit 10)", _ =>
            {
                var email = Seeder.Email(rnd.Next(n));
                return (SearchQuery, new { q = email[..email.IndexOf('@')] });
            }, d =>
            {
                if (d.GetProperty("searchUser").GetProperty("totalCount").GetInt32() < 1)
                    throw new InvalidOperationException($"searchUser found nothing: {d}");
            });

            // A user of the sample (3 groups, 2 roles with parents, a direct grant): resources from all of them.
            await Measure("listUserAuthorizedResources(userId, namespace)", _ =>
                (ResourcesQuery, new { id = Seeder.UserId(rnd.Next(n / Seeder.SampleEvery) * Seeder.SampleEvery, n), @namespace = Seeder.Namespace }),
                d =>
                {
                    if (d.GetProperty("user").GetProperty("authorizedResources").GetProperty("totalCount").GetInt32() < 3)
                        throw new InvalidOperationException($"too few resources: {d}");
                });
            return rows;
        }
        finally
        {
            if (keep)
                Program.Log($"p4 {n:N0}: kept {data}" + (database is null ? "" : $" and database {database}"));
            else
            {
                try { Directory.Delete(data, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                if (database is not null)
                {
                    Npgsql.NpgsqlConnection.ClearAllPools();
                    await using var admin = new Npgsql.NpgsqlConnection(postgresAdmin);
                    await admin.OpenAsync();
                    await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                    await drop.ExecuteNonQueryAsync();
                }
            }
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string poolId, string? token, string query, object variables)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { query, variables })),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("x-authing-userpool-id", poolId);
        if (token is not null)
            request.Headers.Add("Authorization", "Bearer " + token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        if (response.StatusCode != HttpStatusCode.OK || doc.RootElement.TryGetProperty("errors", out _))
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return doc.RootElement.GetProperty("data").Clone();
    }

    private static double P(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Table(List<(int N, List<Sample> Rows)> results, int samples)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"P4 (directory at size), {DateTime.UtcNow:yyyy-MM-dd}, {Program.MachineInfo()}; {samples} sequential requests per row after 10 warm-up, " +
                      $"one loopback connection, management token; {Seeder.Groups:N0} groups, {Seeder.Roles:N0} roles, every {Seeder.SampleEvery}th user in 3 groups with 2 roles.");
        sb.AppendLine();
        sb.Append("| query |");
        foreach (var (n, _) in results)
            sb.Append($" {n:N0} users p50 / p95 / p99 ms |");
        var ratio = results.Count > 1;
        if (ratio)
            sb.Append($" p95 {results[^1].N:N0} / {results[0].N:N0} |");
        sb.AppendLine(" bar p95 < 50 ms |");
        sb.Append("|---|");
        foreach (var _ in results)
            sb.Append("---|");
        sb.AppendLine(ratio ? "---|---|" : "---|");
        for (var r = 0; r < results[0].Rows.Count; r++)
        {
            sb.Append($"| `{results[0].Rows[r].Name}` |");
            foreach (var (_, rows) in results)
                sb.Append($" {P(rows[r].Ms, 50):F1} / {P(rows[r].Ms, 95):F1} / {P(rows[r].Ms, 99):F1} |");
            if (ratio)
                sb.Append($" {P(results[^1].Rows[r].Ms, 95) / P(results[0].Rows[r].Ms, 95):F2} |");
            sb.AppendLine(results.All(x => P(x.Rows[r].Ms, 95) < 50) ? " met |" : " **not met** |");
        }
        return sb.ToString();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Run from inside the GenAuth repository (GenAuth.sln not found)");
    }
}
