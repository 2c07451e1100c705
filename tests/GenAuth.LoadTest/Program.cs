using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenAuth.LoadTest;

public static class Program
{
    private const string Password = "Bench-Passw0rd-2026!";
    private const string LoginQuery = "mutation Login($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }";
    private const string UserQuery = "query { user { id email } }";

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Contains("--qr"))
            return await Qr.QrBench.RunAsync(args);
        if (args.Contains("--oidc"))
            return await Oidc.OidcBench.RunAsync(args);
        if (args.Contains("--p6"))
            return await P6.ScaleOutBench.RunAsync(args);
        if (args.Contains("--p4"))
            return await P4.P4Bench.RunAsync(args);
        if (args.Contains("--p8-pipeline"))
            return await P8.PipelineBench.RunAsync(args);
        if (args.Contains("--p8"))
            return await P8.WebhookBench.RunAsync(args);
        if (args.Contains("--p9"))
            return await P9.AttackBench.RunAsync(args);
        if (args.Contains("--baseline-server"))
        {
            await BaselineServer.RunAsync(args);
            return 0;
        }
        LoadOptions o;
        try
        {
            o = LoadOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        return await new Bench(o).RunAsync();
    }

    private sealed class Bench(LoadOptions o)
    {
        private readonly Report _report = new();
        private readonly string _poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        private readonly string _appId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "genauth-load-" + Guid.NewGuid().ToString("N")[..8]);
        private TimeSpan Warmup => TimeSpan.FromSeconds(o.WarmupSeconds);
        private TimeSpan Duration => TimeSpan.FromSeconds(o.DurationSeconds);
        private int C => o.ConnectionsOrDefault;

        public async Task<int> RunAsync()
        {
            var root = FindRepoRoot();
            var serverDll = o.ServerDll ?? BuildServer(root);
            Log($"server: {serverDll}");
            Log($"data:   {_dataDir}");
            Directory.CreateDirectory(_dataDir);
            var env = new Dictionary<string, string>
            {
                ["GenAuth__DataDirectory"] = _dataDir,
                ["GenAuth__Bootstrap__UserPoolId"] = _poolId,
                ["GenAuth__Bootstrap__AppId"] = _appId,
                ["GenAuth__Bootstrap__Secret"] = _secret,
                // The 200 setup registrations all come from 127.0.0.1: lift the per-IP/per-pool registration
                // quotas (setup only; the measured paths, login and query, are not quota-checked).
                ["GenAuth__Quotas__Registration__PerIpPerHour"] = "100000",
                ["GenAuth__Quotas__Registration__PerPoolPerMinute"] = "100000",
                ["GenAuth__Quotas__Registration__PerPoolPerHour"] = "100000",
            };
            foreach (var (k, v) in o.ServerEnv)
                env[k] = v;
            try
            {
                await using var server = await ChildServer.StartAsync("GenAuth.Server", serverDll, [], env);
                Log($"GenAuth.Server pid {server.ProcessId} at {server.BaseUri}");
                using var client = HttpLoad.CreateClient(server.BaseUri, C);
                await RegisterUsersAsync(client);

                if (o.Runs("p1"))
                    await RunP1Async(client, server);
                if (o.Runs("p2"))
                    await RunP2Async(client, server, env);
                if (o.Profile)
                    await Profiler.RunAsync(_dataDir, _poolId, await LoginAllAsync(client, Math.Min(o.Users, 50)), o.ProfileIterations, _report);
            }
            finally
            {
                try { Directory.Delete(_dataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            var markdown = _report.ToMarkdown(o, root);
            Console.WriteLine();
            Console.WriteLine(markdown);
            var output = o.Output ?? Path.Combine(root, "tests", "GenAuth.LoadTest", "results.md");
            await File.WriteAllTextAsync(output, markdown);
            Log($"written to {output}");
            return 0;
        }

        private TimeSpan Slice => TimeSpan.FromSeconds(o.SliceSeconds);

        private static (TimeSpan Total, TimeSpan Kernel) SelfCpu()
        {
            using var self = Process.GetCurrentProcess();
            return (self.TotalProcessorTime, self.PrivilegedProcessorTime);
        }

        private async Task RunP1Async(HttpClient client, ChildServer server)
        {
            var bodies = Enumerable.Range(0, o.Users).Select(i => Json(new
            {
                query = LoginQuery,
                variables = new { input = new { email = Email(i), password = Password } },
            })).ToArray();
            var headers = new[] { KeyValuePair.Create("x-authing-userpool-id", _poolId) };
            var phc = ArgonBaseline.HashLikeServer(Password);
            long counter = 0;
            var (argon, login) = await Alternation.RunAsync($"P1 ({ArgonBaseline.Workers} Argon2id threads vs loginByEmail over {C} connections)",
                Alternation.Metered((w, d) => Task.Run(() => ArgonBaseline.Run(phc, Password, w, d)), SelfCpu, null),
                Alternation.Metered((w, d) => HttpLoad.RunAsync("GenAuth: loginByEmail", client, C, w, d,
                    (_, _) => new RequestTemplate("/graphql/v2", bodies[Interlocked.Increment(ref counter) % bodies.Length], headers),
                    (status, body) => status == HttpStatusCode.OK && Contains(body, "\"token\":\"ey") && !Contains(body, "\"errors\"")),
                    SelfCpu, () => server.CpuTime),
                Warmup, Duration, Slice, () => server.CpuTime);
            LogRun(argon);
            LogRun(login);
            _report.AddP1(argon, login, ArgonBaseline.ParametersOf(phc));
        }

        private async Task RunP2Async(HttpClient client, ChildServer server, Dictionary<string, string> env)
        {
            var tokens = await LoginAllAsync(client, o.Users);
            var self = typeof(Program).Assembly.Location;
            await using var baseline = await ChildServer.StartAsync("baseline", self, ["--baseline-server"],
                new Dictionary<string, string> { ["GenAuth__DataDirectory"] = _dataDir });
            Log($"baseline pid {baseline.ProcessId} at {baseline.BaseUri}");
            using var baselineClient = HttpLoad.CreateClient(baseline.BaseUri, C);

            var body = Json(new { query = UserQuery });
            var templates = tokens.Select(t => new RequestTemplate("/graphql/v2", body,
                [KeyValuePair.Create("x-authing-userpool-id", _poolId), KeyValuePair.Create("Authorization", "Bearer " + t)])).ToArray();
            static bool UserOk(HttpStatusCode status, byte[] b) =>
                status == HttpStatusCode.OK && Contains(b, "{\"data\":{\"user\":{\"id\":\"") && Contains(b, "\"email\":\"user") && !Contains(b, "\"errors\"");

            // Both answer the same bytes for the same request.
            var sample = templates[0];
            var a = await SendOnceAsync(baselineClient, sample);
            var b = await SendOnceAsync(client, sample);
            Log($"  baseline answers: {a}");
            Log($"  GenAuth answers:  {b}");
            if (a != b)
                Log("  WARNING: the two answers differ");

            long counter = 0;
            RequestTemplate Next(int w, long i) => templates[Interlocked.Increment(ref counter) % templates.Length];
            var (bl, g) = await Alternation.RunAsync($"P2 (minimal endpoint vs GenAuth, {C} connections)",
                Alternation.Metered((w, d) => HttpLoad.RunAsync("baseline: minimal ASP.NET endpoint", baselineClient, C, w, d, Next, UserOk),
                    SelfCpu, () => baseline.CpuTime),
                Alternation.Metered((w, d) => HttpLoad.RunAsync("GenAuth: query { user { id email } }", client, C, w, d, Next, UserOk),
                    SelfCpu, () => server.CpuTime),
                Warmup, Duration, Slice, () => baseline.CpuTime, () => server.CpuTime);
            LogRun(bl);
            LogRun(g);
            _report.AddP2(bl, g);

            if (!o.Diagnostics)
                return;
            var constTemplates = templates.Select(t => t with { Path = "/const" }).ToArray();
            var tokenOnly = templates.Select(t => t with { Path = "/token-only" }).ToArray();
            var typename = new RequestTemplate("/graphql/v2", Json(new { query = "{ __typename }" }), [KeyValuePair.Create("x-authing-userpool-id", _poolId)]);
            var userNoToken = new RequestTemplate("/graphql/v2", body, [KeyValuePair.Create("x-authing-userpool-id", _poolId)]);
            var diag = new List<LoadResult>
            {
                await Diag("baseline: constant JSON (ASP.NET floor)", baselineClient, (_, i) => constTemplates[i % constTemplates.Length], (s, _) => s == HttpStatusCode.OK),
                await Diag("baseline: token check only, no user read", baselineClient, (_, i) => tokenOnly[i % tokenOnly.Length], UserOk),
                await Diag("GenAuth: { __typename } (pool header, no token)", client, (_, _) => typename, (s, b) => s == HttpStatusCode.OK && Contains(b, "\"Query\"")),
                await Diag("GenAuth: { user { id email } } without token (error 2020)", client, (_, _) => userNoToken, (s, b) => s == HttpStatusCode.OK && Contains(b, "\"errors\"")),
            };
            _report.AddDiagnostics(diag);
        }

        private async Task<LoadResult> Diag(string name, HttpClient client, Func<int, long, RequestTemplate> next, Func<HttpStatusCode, byte[], bool> ok)
        {
            Log($"diag: {name}");
            var r = await HttpLoad.RunAsync(name, client, C, Warmup, Duration, next, ok);
            LogRun(r);
            return r;
        }

        private async Task RegisterUsersAsync(HttpClient client)
        {
            Log($"registering {o.Users} users");
            var sw = Stopwatch.StartNew();
            await Parallel.ForAsync(0, o.Users, new ParallelOptions { MaxDegreeOfParallelism = C }, async (i, ct) =>
            {
                var json = await GraphQLAsync(client, "mutation Register($input: RegisterByEmailInput!) { registerByEmail(input: $input) { id } }",
                    new { input = new { email = Email(i), password = Password } }, null);
                if (json.RootElement.TryGetProperty("errors", out var errors))
                    throw new InvalidOperationException($"registerByEmail failed: {errors}");
            });
            Log($"  done in {sw.Elapsed.TotalSeconds:F1} s");
        }

        private async Task<string[]> LoginAllAsync(HttpClient client, int count)
        {
            Log($"logging in {count} users for tokens");
            var tokens = new string[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = C }, async (i, ct) =>
            {
                var json = await GraphQLAsync(client, LoginQuery, new { input = new { email = Email(i), password = Password } }, null);
                tokens[i] = json.RootElement.GetProperty("data").GetProperty("loginByEmail").GetProperty("token").GetString()
                            ?? throw new InvalidOperationException("no token");
            });
            return tokens;
        }

        private async Task<JsonDocument> GraphQLAsync(HttpClient client, string query, object? variables, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
            {
                Content = new ByteArrayContent(Json(new { query, variables })),
            };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("x-authing-userpool-id", _poolId);
            if (token is not null)
                request.Headers.Add("Authorization", "Bearer " + token);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text);
        }

        private static async Task<string> SendOnceAsync(HttpClient client, RequestTemplate t)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, t.Path) { Content = new ByteArrayContent(t.Body!) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (k, v) in t.Headers)
                request.Headers.TryAddWithoutValidation(k, v);
            using var response = await client.SendAsync(request);
            return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync()}";
        }

        private string BuildServer(string root)
        {
            var project = Path.Combine(root, "src", "GenAuth.Server", "GenAuth.Server.csproj");
            var dll = Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
            if (o.NoBuild)
                return File.Exists(dll) ? dll : throw new FileNotFoundException("--no-build: no Release build of the server", dll);
            Log("building src/GenAuth.Server in Release");
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
            foreach (var a in new[] { "build", project, "-c", "Release", "-nologo", "-v", "q" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(dll))
                throw new InvalidOperationException($"dotnet build of the server failed ({p.ExitCode})");
            return dll;
        }
    }

    public static string Email(int i) => $"user{i:D4}@bench.test";

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    private static bool Contains(byte[] body, string ascii) => body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;

    internal static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                    return dir.FullName;
        }
        throw new InvalidOperationException("Run from inside the GenAuth repository (GenAuth.sln not found)");
    }

    public static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private static void LogRun(LoadResult r) =>
        Log($"  {r.PerSecond:F1} req/s, {r.CpuMsPerOk:F3} CPU ms each ({r.KernelSeconds * 1000 / r.Ok:F3} kernel, {r.ToolSeconds * 1000 / r.Ok:F3} load tool; {r.CoreShare:P0} of the cores), p50 {r.P50Ms:F2} ms, p99 {r.P99Ms:F2} ms, {r.Ok} ok, {r.Failed} failed{(r.FirstFailure is null ? "" : " — first failure: " + r.FirstFailure)}");

    public static string MachineInfo()
    {
        var cpu = "?";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
        }
        return $"{Environment.ProcessorCount} cores ({cpu}), {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";
    }
}
