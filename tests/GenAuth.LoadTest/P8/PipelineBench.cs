// P8 (second half) of QUALITY.md, on demand: login throughput with one enabled no-op pipeline function vs none, in
// one run on one server: the same users log in by email in alternating slices, the function enabled for one side and
// disabled for the other (updateFunction between slices; the pool's cached pipeline list is forgotten at once).
// Usage: dotnet build -c Release src/GenAuth.Server && dotnet run -c Release --project tests/GenAuth.LoadTest -- --p8-pipeline \
//          [--users 50] [--connections 8] [--warmup 3] [--duration 20] [--slice 5] [--server <GenAuth.Server.dll>] [--output <file>]
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenAuth.LoadTest.P8;

/// <summary>P8 second half: the cost of one no-op pipeline function on logins (run with --p8-pipeline).</summary>
public static class PipelineBench
{
    private const string Password = "Bench-Passw0rd-2026!";
    private const string LoginQuery = "mutation Login($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }";
    private const string NoOp = "async function pipe(user, context, callback) { callback(null, user, context); }";

    public static async Task<int> RunAsync(string[] args)
    {
        int users = 50, connections = 8, warmup = 3, duration = 20, slice = 5;
        string? dll = null, output = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--p8-pipeline": break;
                case "--users": users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--slice": slice = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--server": dll = Path.GetFullPath(Next()); break;
                case "--output": output = Path.GetFullPath(Next()); break;
                default: throw new ArgumentException("unknown argument " + args[i]);
            }
        }
        var root = Program.FindRepoRoot();
        dll ??= Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("Build the server first: dotnet build -c Release src/GenAuth.Server", dll);
        var poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dataDir = Path.Combine(Path.GetTempPath(), "genauth-p8p-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var env = new Dictionary<string, string>
        {
            ["GenAuth__DataDirectory"] = dataDir,
            ["GenAuth__Bootstrap__UserPoolId"] = poolId,
            ["GenAuth__Bootstrap__AppId"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            ["GenAuth__Bootstrap__Secret"] = secret,
            ["GenAuth__Quotas__Registration__PerIpPerHour"] = "100000",
            ["GenAuth__Quotas__Registration__PerPoolPerMinute"] = "100000",
            ["GenAuth__Quotas__Registration__PerPoolPerHour"] = "100000",
        };
        try
        {
            await using var server = await ChildServer.StartAsync("GenAuth.Server", dll, [], env);
            Program.Log($"GenAuth.Server pid {server.ProcessId} at {server.BaseUri}");
            using var client = HttpLoad.CreateClient(server.BaseUri, connections);
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
            await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = connections }, async (i, _) =>
                await Gql("mutation($input: RegisterByEmailInput!) { registerByEmail(input: $input) { id } }",
                    new { input = new { email = Program.Email(i), password = Password } }));
            var admin = (await Gql("query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }",
                new { p = poolId, s = secret })).GetProperty("accessToken").GetProperty("accessToken").GetString()!;
            var functionId = (await Gql("mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id } }",
                new { input = new { name = "no-op", sourceCode = NoOp, trigger = "POST_AUTHENTICATION", enabled = false } }, admin))
                .GetProperty("createFunction").GetProperty("id").GetString()!;
            Task SetEnabled(bool enabled) => Gql("mutation($input: UpdateFunctionInput!) { updateFunction(input: $input) { id } }",
                new { input = new { id = functionId, enabled } }, admin);

            var bodies = Enumerable.Range(0, users).Select(i => JsonSerializer.SerializeToUtf8Bytes(new
            {
                query = LoginQuery,
                variables = new { input = new { email = Program.Email(i), password = Password } },
            })).ToArray();
            var headers = new[] { KeyValuePair.Create("x-authing-userpool-id", poolId) };
            long counter = 0;
            static bool Ok(HttpStatusCode status, byte[] body) =>
                status == HttpStatusCode.OK && Contains(body, "\"token\":\"ey") && !Contains(body, "\"errors\"");
            Alternation.Side Side(string name, bool enabled) => Alternation.Metered(async (w, d) =>
            {
                await SetEnabled(enabled);
                return await HttpLoad.RunAsync(name, client, connections, w, d,
                    (_, _) => new RequestTemplate("/graphql/v2", bodies[Interlocked.Increment(ref counter) % bodies.Length], headers), Ok);
            }, SelfCpu, () => server.CpuTime);
            var (plain, piped) = await Alternation.RunAsync($"P8 pipeline (loginByEmail without / with one no-op POST_AUTHENTICATION function, {connections} connections)",
                Side("loginByEmail, no function", false), Side("loginByEmail, one no-op function", true),
                TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(slice));

            var ratio = piped.PerSecond / plain.PerSecond;
            var cpuRatio = plain.CpuMsPerOk / piped.CpuMsPerOk;
            var text = new StringBuilder()
                .AppendLine("# P8 (second half): login throughput with one no-op pipeline function")
                .AppendLine()
                .AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Program.MachineInfo()}; {users} users, {connections} connections, " +
                            $"{duration} s per side in {slice} s alternating slices after {warmup} s warm-up.")
                .AppendLine()
                .AppendLine("| side | logins/s | CPU ms per login | p50 ms | p99 ms | ok | failed |")
                .AppendLine("|---|---:|---:|---:|---:|---:|---:|")
                .AppendLine(Row(plain))
                .AppendLine(Row(piped))
                .AppendLine()
                .AppendLine($"Throughput ratio (function / none): **{ratio:F3}** (goal ≥ 0.9); CPU-per-login ratio (none / function): {cpuRatio:F3}.")
                .ToString();
            Console.WriteLine(text);
            output ??= Path.Combine(root, "tests", "GenAuth.LoadTest", "results-p8-pipeline.md");
            await File.WriteAllTextAsync(output, text);
            Program.Log($"written to {output}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Row(LoadResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.PerSecond:F1} | {r.CpuMsPerOk:F2} | {r.P50Ms:F1} | {r.P99Ms:F1} | {r.Ok} | {r.Failed} |");

    private static (TimeSpan Total, TimeSpan Kernel) SelfCpu()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (self.TotalProcessorTime, self.PrivilegedProcessorTime);
    }

    private static bool Contains(byte[] body, string ascii) => body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;
}
