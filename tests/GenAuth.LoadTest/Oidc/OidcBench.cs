// Issue 11's benchmark, on demand: client-credentials tokens/s and authorization-code exchanges/s on GenAuth's token
// endpoint, side by side in one run with npm oidc-provider (OpenID-certified, tests/oidc-bench/provider.mjs) configured
// for the same grants: confidential clients with client_secret_basic, RS256-signed JWT access tokens, and for the
// code grant PKCE S256 + scope `openid email api:read` (one resource scope; id token + access token, no refresh token).
// Usage: (cd tests/oidc-bench && npm ci) && dotnet run -c Release --project tests/GenAuth.LoadTest -- --oidc \
//          [--duration 10] [--warmup 3] [--slice 2] [--connections N] [--codes 2000] [--warm-codes codes/5]
//          [--server-dll PATH | --no-build]
//          [--server-env K=V]… [--cc-only]
// --cc-only: the client-credentials half only (no codes minted, no exchange rows).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenAuth.LoadTest.Oidc;

public static partial class OidcBench
{
    private const string Callback = "https://rp.example/callback";
    private const string Password = "Bench-Passw0rd-2026!";

    private sealed record Side(string Name, HttpClient Client, string TokenPath, string CcAuth, string WebAuth,
        Func<(TimeSpan Total, TimeSpan Kernel)> Cpu);

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(Arg(args, "--duration", 10));
        var warmup = TimeSpan.FromSeconds(Arg(args, "--warmup", 3));
        var slice = TimeSpan.FromSeconds(Arg(args, "--slice", 2));
        var connections = (int)Arg(args, "--connections", 4 * Environment.ProcessorCount);
        var codeCount = (int)Arg(args, "--codes", 2000);
        var root = Program.FindRepoRoot();
        var serverDll = ArgString(args, "--server-dll") ?? BuildServer(root, args.Contains("--no-build"));
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

        // oidc-provider, same machine, loopback.
        var providerDir = Path.Combine(root, "tests", "oidc-bench");
        if (!Directory.Exists(Path.Combine(providerDir, "node_modules", "oidc-provider")))
            throw new InvalidOperationException("run `npm ci` in tests/oidc-bench first");
        var m2mSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var webSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var providerPort = ChildServer.FreePort();
        var psi = new ProcessStartInfo("node", "provider.mjs") { WorkingDirectory = providerDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PORT"] = providerPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["M2M_SECRET"] = m2mSecret;
        psi.Environment["WEB_SECRET"] = webSecret;
        psi.Environment["NODE_ENV"] = "production";
        using var node = Process.Start(psi)!;
        node.OutputDataReceived += (_, _) => { };
        node.ErrorDataReceived += (_, _) => { };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();

        var dataDir = Path.Combine(Path.GetTempPath(), "genauth-oidc-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        try
        {
            var env = new Dictionary<string, string>
            {
                ["GenAuth__DataDirectory"] = dataDir,
                ["GenAuth__Bootstrap__UserPoolId"] = poolId,
                ["GenAuth__Bootstrap__AppId"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
                ["GenAuth__Bootstrap__Secret"] = secret,
            };
            // --server-env K=V (repeatable): an experiment's setting, e.g. GenAuth__Audit__GroupCommit=false.
            for (var i = 0; i < args.Length - 1; i++)
                if (args[i] == "--server-env" && args[i + 1].Split('=', 2) is [var key, var value])
                    env[key] = value;
            await using var server = await ChildServer.StartAsync("GenAuth.Server", serverDll, [], env);
            Program.Log($"GenAuth.Server pid {server.ProcessId} at {server.BaseUri}; oidc-provider pid {node.Id} on port {providerPort}");
            var providerUri = new Uri($"http://127.0.0.1:{providerPort}");
            await WaitHealthyAsync(providerUri, node);
            using var genauthClient = HttpLoad.CreateClient(server.BaseUri, connections);
            using var providerClient = HttpLoad.CreateClient(providerUri, connections);

            // GenAuth: a machine-to-machine app and a confidential web app, as an admin would create them.
            var admin = (await GraphQLAsync(genauthClient, poolId, "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }",
                new { p = poolId, s = secret }, null)).GetProperty("accessToken").GetProperty("accessToken").GetString()!;
            var m2m = (await GraphQLAsync(genauthClient, poolId, "mutation { createApplication(name: \"bench m2m\", grantTypes: [\"client_credentials\"]) { id secret } }", null, admin))
                .GetProperty("createApplication");
            var web = (await GraphQLAsync(genauthClient, poolId, $"mutation {{ createApplication(name: \"bench web\", redirectUris: [\"{Callback}\"]) {{ id secret }} }}", null, admin))
                .GetProperty("createApplication");
            // The web app's one resource scope, as oidc-provider's resource server `api:read`: the code exchange grants
            // `openid email api:read` on both sides (no offline_access, so no refresh token on either).
            await GraphQLAsync(genauthClient, poolId,
                "mutation($ns: String!) { createResource(namespace: $ns, code: \"api\", type: API, actions: [{ name: \"read\" }]) { code } }",
                new { ns = web.GetProperty("id").GetString()! }, admin);
            await GraphQLAsync(genauthClient, poolId, "mutation($input: RegisterByEmailInput!) { registerByEmail(input: $input) { id } }",
                new { input = new { email = "bench@bench.test", password = Password } }, null);

            var genauth = new Side("GenAuth (OpenIddict 7.8, SQLite)", genauthClient, "/oidc/token",
                Basic(m2m.GetProperty("id").GetString()!, m2m.GetProperty("secret").GetString()!),
                Basic(web.GetProperty("id").GetString()!, web.GetProperty("secret").GetString()!), () => server.CpuTime);
            var provider = new Side("oidc-provider 9.13.3 (in-memory)", providerClient, "/token", Basic("m2m", m2mSecret), Basic("web", webSecret),
                () => CpuOf(node));

            // 1. Client credentials, alternating slices.
            var ccBody = Encoding.ASCII.GetBytes("grant_type=client_credentials");
            RequestTemplate Cc(Side s) => new(s.TokenPath, ccBody, [KeyValuePair.Create("Authorization", s.CcAuth)], "application/x-www-form-urlencoded");
            // GenAuth (OpenIddict) indents its JSON, oidc-provider doesn't: look for the member and a JWT apart.
            static bool TokenOk(HttpStatusCode status, byte[] body) =>
                status == HttpStatusCode.OK && body.AsSpan().IndexOf("\"access_token\""u8) >= 0 && body.AsSpan().IndexOf("\"eyJ"u8) >= 0;
            var ccProvider = Cc(provider);
            var ccGenauth = Cc(genauth);
            var (ccP, ccG) = await Alternation.RunAsync($"client credentials ({connections} connections)",
                Alternation.Metered((w, d) => HttpLoad.RunAsync("oidc-provider: client_credentials", providerClient, connections, w, d, (_, _) => ccProvider, TokenOk), SelfCpu, provider.Cpu),
                Alternation.Metered((w, d) => HttpLoad.RunAsync("GenAuth: client_credentials", genauthClient, connections, w, d, (_, _) => ccGenauth, TokenOk), SelfCpu, genauth.Cpu),
                warmup, duration, slice, provider.Cpu, genauth.Cpu);
            Log(ccP);
            Log(ccG);
            if (args.Contains("--cc-only"))
            {
                var cc = new StringBuilder();
                cc.AppendLine(CultureInfo.InvariantCulture, $"OIDC token endpoint (client credentials only), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {connections} connections, load average {LoadAverage()}");
                cc.AppendLine();
                cc.AppendLine("| grant | GenAuth | oidc-provider | ratio | GenAuth CPU/op | oidc-provider CPU/op | GenAuth p50 / p99 | oidc-provider p50 / p99 | core share G / P |");
                cc.AppendLine("|---|---|---|---|---|---|---|---|---|");
                Row(cc, "client_credentials tokens/s", ccG, ccP);
                Console.WriteLine();
                Console.WriteLine(cc.ToString());
                // Note: not written to results-oidc.md, which holds a whole run.
                return 0;
            }

            // 2. Authorization-code exchanges: codes minted beforehand (GenAuth: by its authorization endpoint for a
            //    browser signed in on the hosted login page; oidc-provider: in-process), then exchanged as fast as
            //    the token endpoint answers, in alternating batches.
            Program.Log($"minting {codeCount} codes on each side");
            var sw = Stopwatch.StartNew();
            var genauthCodes = (await GenAuthCodesAsync(server.BaseUri, web.GetProperty("id").GetString()!, challenge, codeCount, connections)).ToArray();
            Program.Log($"  GenAuth: {genauthCodes.Length} codes from /oidc/auth in {sw.Elapsed.TotalSeconds:F1} s");
            // oidc-provider's in-memory adapter is an LRU of 1000 entries: its codes are minted per batch, just before it.
            async Task<string[]> ProviderCodesAsync(int n) =>
                JsonSerializer.Deserialize<string[]>(await providerClient.GetStringAsync($"/bench/codes?n={n}&challenge={challenge}"))!;
            var batches = 4;
            var exP = new List<LoadResult>();
            var exG = new List<LoadResult>();
            // Unmeasured batches first (connection setup, JIT), in two rounds, each followed by waiting for both servers to
            // go idle: a fifth of the codes (--warm-codes), so the exchange path is hot enough to be promoted by the
            // tiered JIT, and that promotion (tens of CPU seconds queued on a background thread) finishes before the
            // measured batches instead of being charged to whichever side runs then (Alternation does the same).
            var warm = (int)Math.Min(codeCount / 2, Arg(args, "--warm-codes", codeCount / 5));
            for (var round = 0; round < 2; round++)
            {
                var half = new Range(round * warm / 2, (round + 1) * warm / 2);
                await ExchangeAsync(provider, await ProviderCodesAsync(warm / 2), verifier, connections);
                await ExchangeAsync(genauth, genauthCodes[half], verifier, connections);
                await Alternation.SettleAsync([() => server.CpuTime, provider.Cpu]);
            }
            var per = (codeCount - warm) / batches;
            for (var b = 0; b < batches; b++)
            {
                var range = new Range(warm + b * per, warm + (b + 1) * per);
                if (b % 2 == 0)
                {
                    exP.Add(await ExchangeAsync(provider, await ProviderCodesAsync(per), verifier, connections));
                    exG.Add(await ExchangeAsync(genauth, genauthCodes[range], verifier, connections));
                }
                else
                {
                    exG.Add(await ExchangeAsync(genauth, genauthCodes[range], verifier, connections));
                    exP.Add(await ExchangeAsync(provider, await ProviderCodesAsync(per), verifier, connections));
                }
            }
            var exProvider = LoadResult.Combine(exP);
            var exGenauth = LoadResult.Combine(exG);
            Log(exProvider);
            Log(exGenauth);

            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"OIDC token endpoint, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {connections} connections, load average {LoadAverage()}");
            md.AppendLine();
            md.AppendLine("| grant | GenAuth | oidc-provider | ratio | GenAuth CPU/op | oidc-provider CPU/op | GenAuth p50 / p99 | oidc-provider p50 / p99 | core share G / P |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            Row(md, "client_credentials tokens/s", ccG, ccP);
            Row(md, "authorization_code exchanges/s (PKCE, id + access token)", exGenauth, exProvider);
            md.AppendLine();
            md.AppendLine("CPU/op = server + load tool CPU per token. Core share: the share of both cores the side's processes got (1 = all).");
            Console.WriteLine();
            Console.WriteLine(md.ToString());
            var output = Path.Combine(root, "tests", "GenAuth.LoadTest", "results-oidc.md");
            await File.WriteAllTextAsync(output, md.ToString());
            Program.Log($"written to {output}");
            return 0;
        }
        finally
        {
            if (!node.HasExited)
                node.Kill();
            try { Directory.Delete(dataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void Row(StringBuilder md, string what, LoadResult g, LoadResult p) =>
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {what} | {g.PerSecond:F0}/s | {p.PerSecond:F0}/s | {g.PerSecond / p.PerSecond:F2} | {g.CpuMsPerOk:F2} ms | {p.CpuMsPerOk:F2} ms | " +
            $"{g.P50Ms:F1} / {g.P99Ms:F1} ms | {p.P50Ms:F1} / {p.P99Ms:F1} ms | {g.CoreShare:P0} / {p.CoreShare:P0} |");

    private static void Log(LoadResult r) =>
        Program.Log($"  {r.Name}: {r.PerSecond:F0}/s ok {r.Ok} failed {r.Failed} p50 {r.P50Ms:F1} ms p99 {r.P99Ms:F1} ms cpu/op {r.CpuMsPerOk:F2} ms (server {(r.CpuSeconds - r.ToolSeconds) * 1000 / Math.Max(1, r.Ok):F2} ms){(r.FirstFailure is null ? "" : " first failure: " + r.FirstFailure)}");

    /// <summary>Exchanges every code once with N workers; the result's seconds are the wall time of the batch.</summary>
    private static async Task<LoadResult> ExchangeAsync(Side side, IReadOnlyList<string> codes, string verifier, int connections)
    {
        var next = -1;
        var ok = 0L;
        var failed = 0L;
        string? firstFailure = null;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<long>();
        var (t0, s0) = (SelfCpu(), side.Cpu());
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < codes.Count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, side.TokenPath)
                {
                    Content = new FormUrlEncodedContent([
                        new("grant_type", "authorization_code"), new("code", codes[i]), new("redirect_uri", Callback), new("code_verifier", verifier)]),
                };
                request.Headers.TryAddWithoutValidation("Authorization", side.WebAuth);
                var start = clock.ElapsedTicks;
                using var response = await side.Client.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.OK && body.AsSpan().IndexOf("\"id_token\""u8) >= 0 && body.AsSpan().IndexOf("\"access_token\""u8) >= 0)
                {
                    Interlocked.Increment(ref ok);
                    latencies.Add(clock.ElapsedTicks - start);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body, 0, Math.Min(300, body.Length))}", null);
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var (t1, s1) = (SelfCpu(), side.Cpu());
        return new LoadResult($"{side.Name}: authorization_code", ok, failed, seconds, latencies.Order().ToArray(), firstFailure)
        {
            CpuSeconds = (t1.Total - t0.Total + s1.Total - s0.Total).TotalSeconds,
            KernelSeconds = (t1.Kernel - t0.Kernel + s1.Kernel - s0.Kernel).TotalSeconds,
            ToolSeconds = (t1.Total - t0.Total).TotalSeconds,
        };
    }

    /// <summary>A browser signs in once on the hosted login page; then each authorization request answers a code (SSO).</summary>
    private static async Task<List<string>> GenAuthCodesAsync(Uri baseUri, string clientId, string challenge, int count, int connections)
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUri };
        string Authorize(int i) => $"/oidc/auth?client_id={clientId}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code" +
                                   $"&scope=openid%20email%20api%3Aread&state=s{i}&code_challenge={challenge}&code_challenge_method=S256";
        using var first = await browser.GetAsync(Authorize(0));
        var loginUrl = first.Headers.Location ?? throw new InvalidOperationException($"authorize answered {(int)first.StatusCode}");
        var page = await browser.GetStringAsync(loginUrl);
        var form = FormRegex().Match(page);
        if (!form.Success)
            throw new InvalidOperationException("no form#password-login on " + loginUrl);
        var fields = HiddenRegex().Matches(form.Value).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["account"] = "bench@bench.test";
        fields["password"] = Password;
        using var login = await browser.PostAsync("/login/password", new FormUrlEncodedContent(fields));
        if (login.Headers.Location is null)
            throw new InvalidOperationException($"login answered {(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");

        var codes = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var response = await browser.GetAsync(Authorize(i));
                var location = response.Headers.Location?.ToString() ?? "";
                var code = CodeRegex().Match(location);
                codes[i] = code.Success ? Uri.UnescapeDataString(code.Groups[1].Value)
                    : throw new InvalidOperationException($"authorize {i} answered {(int)response.StatusCode} {location}");
            }
        })));
        return [.. codes];
    }

    private static async Task<JsonElement> GraphQLAsync(HttpClient client, string poolId, string query, object? variables, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2") { Content = JsonContent(new { query, variables }) };
        request.Headers.Add("x-authing-userpool-id", poolId);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (doc.RootElement.TryGetProperty("errors", out var errors))
            throw new InvalidOperationException($"GraphQL error: {errors}");
        return doc.RootElement.GetProperty("data").Clone();
    }

    private static ByteArrayContent JsonContent(object value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task WaitHealthyAsync(Uri uri, Process node)
    {
        using var probe = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (node.HasExited)
                throw new InvalidOperationException($"oidc-provider exited with {node.ExitCode}");
            try
            {
                using var r = await probe.GetAsync("/healthz");
                if (r.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
        }
        throw new TimeoutException("oidc-provider did not start");
    }

    private static (TimeSpan Total, TimeSpan Kernel) SelfCpu()
    {
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime, self.PrivilegedProcessorTime);
    }

    private static (TimeSpan Total, TimeSpan Kernel) CpuOf(Process p)
    {
        p.Refresh();
        return (p.TotalProcessorTime, p.PrivilegedProcessorTime);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Basic(string id, string secret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static double Arg(string[] args, string name, double fallback) =>
        ArgString(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? ArgString(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string BuildServer(string root, bool noBuild)
    {
        var dll = Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
        if (noBuild)
            return File.Exists(dll) ? dll : throw new FileNotFoundException("--no-build: no Release build of the server", dll);
        Program.Log("building src/GenAuth.Server in Release");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var a in new[] { "build", Path.Combine(root, "src", "GenAuth.Server", "GenAuth.Server.csproj"), "-c", "Release", "-nologo", "-v", "q" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode == 0 && File.Exists(dll) ? dll : throw new InvalidOperationException($"dotnet build of the server failed ({p.ExitCode})");
    }

    [GeneratedRegex("<form id=\"password-login\"[\\s\\S]*?</form>")]
    private static partial Regex FormRegex();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenRegex();

    [GeneratedRegex("[?&]code=([^&]+)")]
    private static partial Regex CodeRegex();
}
