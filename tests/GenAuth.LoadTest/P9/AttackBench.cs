// P9 of QUALITY.md, on demand: the server CPU it costs to answer the worst anonymous documents we know of.
// Starts the Release server on a fresh data directory, then sends each document --samples times, one at a time, and
// reads the server process's CPU time before and after each answer (the idle CPU of an equal pause is subtracted).
// Usage: dotnet build -c Release src/GenAuth.Server && dotnet run -c Release --project tests/GenAuth.LoadTest -- --p9 \
//          [--samples 5] [--server <GenAuth.Server.dll>] [--server-env NAME=VALUE]...
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenAuth.LoadTest.P9;

/// <summary>P9: cost of an attack (run with --p9).</summary>
public static class AttackBench
{
    /// <summary>About 1 KB: 16 fragments, each spreading the next twice (2^16 expansions).</summary>
    public static string FragmentBomb(int levels = 16, bool fieldAtEachLevel = false)
    {
        var text = new StringBuilder("query Bomb { ...F0 }\n");
        var field = fieldAtEachLevel ? "__typename " : "";
        for (var i = 0; i < levels; i++)
            text.Append($"fragment F{i} on Query {{ {field}...F{i + 1} ...F{i + 1} }}\n");
        text.Append($"fragment F{levels} on Query {{ __typename }}\n");
        return text.ToString();
    }

    /// <summary>The same bomb under __schema.types, where introspection used to be exempt from the limits.</summary>
    public static string IntrospectionFragmentBomb(int levels = 16)
    {
        var text = new StringBuilder("query Bomb { __schema { types { ...F0 } } }\n");
        for (var i = 0; i < levels; i++)
            text.Append($"fragment F{i} on __Type {{ ...F{i + 1} ...F{i + 1} }}\n");
        text.Append($"fragment F{levels} on __Type {{ name }}\n");
        return text.ToString();
    }

    /// <summary>400 aliases of one __schema selection (about 44 KB).</summary>
    public static string AliasedIntrospection(int count = 400) =>
        "{ " + string.Join(' ', Enumerable.Range(0, count).Select(i =>
            $"s{i}: __schema {{ types {{ name kind description fields {{ name description type {{ name kind ofType {{ name kind }} }} }} }} }}")) + " }";

    private const string StandardIntrospection = """
        query IntrospectionQuery {
          __schema {
            queryType { name } mutationType { name } subscriptionType { name }
            types { ...FullType }
            directives { name description isRepeatable locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description specifiedByURL
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
        }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var samples = 5;
        string? dll = null;
        var env = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--p9": break;
                case "--samples": samples = int.Parse(Next()); break;
                case "--server": dll = Path.GetFullPath(Next()); break;
                case "--server-env":
                    var kv = Next().Split('=', 2);
                    env[kv[0]] = kv.Length > 1 ? kv[1] : "";
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} for --p9");
            }
        }
        var root = FindRoot();
        dll ??= Path.Combine(root, "src", "GenAuth.Server", "bin", "Release", "net10.0", "GenAuth.Server.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("build the server first: dotnet build -c Release src/GenAuth.Server", dll);

        var data = Path.Combine(Path.GetTempPath(), "genauth-p9-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var poolId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        env["GenAuth__DataDirectory"] = data;
        env["GenAuth__Bootstrap__UserPoolId"] = poolId;
        env.TryAdd("Logging__LogLevel__Default", "Warning");
        try
        {
            await using var server = await ChildServer.StartAsync("GenAuth.Server", dll, [], env);
            using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromMinutes(5) };
            for (var i = 0; i < 20; i++) // warm-up: JIT, schema, pool lookup
                await PostAsync(http, poolId, "{ __typename }");

            await Task.Delay(2000);
            var idleRate = await IdleCpuAsync(server, TimeSpan.FromSeconds(1)) / 1000; // CPU ms per wall ms, idle
            Program.Log($"p9: idle server CPU {idleRate * 1000:F1} ms/s");
            var rows = new List<string>
            {
                "| document | request bytes | answer | answer bytes | server CPU ms each (median) | wall ms (median) | server RSS after |",
                "|---|---|---|---|---|---|---|",
            };
            foreach (var (name, query) in new[]
                     {
                         ("fragment bomb (2^16 expansions)", FragmentBomb()),
                ("fragment bomb, a field at each level (2^17 fields)", FragmentBomb(fieldAtEachLevel: true)),
                ("fragment bomb under __schema { types } (2^16 per type)", IntrospectionFragmentBomb()),
                         ("400 aliased __schema", AliasedIntrospection()),
                         ("standard introspection (graphql-js 16)", StandardIntrospection),
                     })
            {
                var cpu = new List<double>();
                var wall = new List<double>();
                string answer = "", size = "";
                var body = JsonSerializer.Serialize(new { query });
                for (var s = 0; s < samples; s++)
                {
                    await QuietAsync(server);
                    var before = server.CpuTime.Total;
                    var t0 = Stopwatch.GetTimestamp();
                    var (status, text) = await PostRawAsync(http, poolId, body);
                    var elapsed = Stopwatch.GetElapsedTime(t0);
                    // Note: CPU time comes in 10 ms ticks; a cheap answer is repeated 50 times (each text distinct, so
                    // the parsed-document cache never helps) and the cost divided.
                    var repeat = elapsed.TotalMilliseconds < 100 ? 50 : 1;
                    if (repeat > 1)
                    {
                        await QuietAsync(server);
                        before = server.CpuTime.Total;
                        t0 = Stopwatch.GetTimestamp();
                        for (var r = 0; r < repeat; r++)
                            (status, text) = await PostRawAsync(http, poolId, JsonSerializer.Serialize(new { query = query + $"\n# {s}.{r}" }));
                        elapsed = Stopwatch.GetElapsedTime(t0) / repeat;
                    }
                    await Task.Delay(300); // the answer's tail (GC) is part of its cost; the server was quiet before
                    var spent = (server.CpuTime.Total - before).TotalMilliseconds / repeat;
                    cpu.Add(Math.Max(0, spent));
                    wall.Add(elapsed.TotalMilliseconds);
                    answer = $"{status} {Describe(text)}";
                    size = text.Length.ToString("N0");
                    Program.Log($"p9: {name}: {spent:F1} ms CPU, {elapsed.TotalMilliseconds:F1} ms wall (x{repeat}), {answer}, {size} bytes");
                }
                rows.Add($"| {name} | {Encoding.UTF8.GetByteCount(body):N0} | {answer} | {size} | {Median(cpu):F1} | {Median(wall):F1} | {RssMiB(server.ProcessId)} |");
            }
            var table = string.Join('\n', rows);
            Console.WriteLine();
            Console.WriteLine(table);
            return 0;
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Waits (up to 10 s) until the server spends under 2 % of a core: tiered JIT and GC of the last answer done.</summary>
    private static async Task QuietAsync(ChildServer server)
    {
        for (var i = 0; i < 50 && await IdleCpuAsync(server, TimeSpan.FromMilliseconds(200)) > 4; i++)
        {
        }
    }

    private static async Task<double> IdleCpuAsync(ChildServer server, TimeSpan pause)
    {
        var before = server.CpuTime.Total;
        await Task.Delay(pause);
        return (server.CpuTime.Total - before).TotalMilliseconds;
    }

    private static string Describe(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
                && errors[0].TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var code))
                return "code " + code;
            return "data";
        }
        catch (JsonException)
        {
            return "not JSON";
        }
    }

    private static string RssMiB(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
            return "?";
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? "?" : $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024} MiB";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static Task PostAsync(HttpClient http, string poolId, string query) =>
        PostRawAsync(http, poolId, JsonSerializer.Serialize(new { query }));

    private static async Task<(int Status, string Text)> PostRawAsync(HttpClient http, string poolId, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-userpool-id", poolId);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Run from inside the GenAuth repository (GenAuth.sln not found)");
    }
}
