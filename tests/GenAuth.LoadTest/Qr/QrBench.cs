// P3 of QUALITY.md, on demand: N browsers subscribed to qrCodeStatusChanged on one instance (p50/p99 from the
// confirm call to the event, memory per idle subscription), against N browsers polling check every 800 ms as the SDK
// does (requests/s the server absorbs, check latency, time to notice a confirm).
// Usage: dotnet build -c Release src/GenAuth.Server && dotnet run -c Release --project tests/GenAuth.LoadTest -- --qr \
//          [--subscribers 1000,10000] [--samples 300] [--pollers 10000] [--poll-seconds 30] [--server <GenAuth.Server.dll>]
//          [--server-env NAME=VALUE]...
using System.Diagnostics;

namespace GenAuth.LoadTest.Qr;

/// <summary>P3: QR status push vs polling (run with --qr).</summary>
public static class QrBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var rows = new List<string>();

        foreach (var n in options.Subscribers.Where(n => n > 0))
            rows.Add(Report(await PushAsync(n)));
        if (options.Pollers > 0)
            rows.Add(Report(await PollAsync(options.Pollers)));

        static string Report(string row)
        {
            Console.Error.WriteLine(row);
            return row;
        }

        Console.WriteLine();
        Console.WriteLine("| scenario | clients | confirm → browser sees it p50 / p99 | server memory per waiting client | load on the server while waiting |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows)
            Console.WriteLine(row);
        return 0;


        async Task<string> PushAsync(int n)
        {
            await using var server = new ServerProcess(options.ServerDll, options.ServerEnv);
            await server.WaitHealthyAsync();
            var api = new Api(server);
            var token = await api.AppUserTokenAsync();
            var randoms = await api.GeneAsync(n);
            await Task.Delay(2000);
            var rssBefore = server.RssBytes();

            var subscribers = randoms.Select(r => new Subscriber(r)).ToArray();
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) =>
            {
                await s.ConnectAsync(server);
                var first = await s.NextAsync();
                if (first.Status != 0)
                    throw new InvalidOperationException($"first event {first.Status}");
            });
            Console.Error.WriteLine($"push {n}: {n} subscribed in {sw.Elapsed.TotalSeconds:F1} s");
            await Task.Delay(5000); // idle: let allocation settle before reading memory
            var perSubscription = (server.RssBytes() - rssBefore) / (double)n;

            var samples = Math.Min(options.Samples, n);
            var latencies = new List<double>(samples);
            var confirmCalls = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                var s = subscribers[(int)((long)i * n / samples)];
                await api.TransitionAsync("scanned", s.Random, token);
                if ((await s.NextAsync()).Status != 1)
                    throw new InvalidOperationException("expected scanned");
                var t0 = Stopwatch.GetTimestamp();
                await api.TransitionAsync("confirm", s.Random, token);
                confirmCalls.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                var (status, at) = await s.NextAsync();
                if (status != 2)
                    throw new InvalidOperationException("expected confirmed");
                latencies.Add(Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds);
            }
            Console.Error.WriteLine($"push {n}: confirm HTTP call p50 {Stats.P(confirmCalls, 50):F2} ms");
            await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
            return $"| push (WebSocket subscription) | {n:N0} | {Stats.P(latencies, 50):F1} / {Stats.P(latencies, 99):F1} ms ({samples} confirms; " +
                   $"the confirm call alone {Stats.P(confirmCalls, 50):F1} / {Stats.P(confirmCalls, 99):F1} ms) " +
                   $"| {perSubscription / 1024:F1} KB (RSS delta / {n:N0}) | 0 requests/s (idle sockets, a ping every 15 s) |";
        }

        async Task<string> PollAsync(int n)
        {
            await using var server = new ServerProcess(options.ServerDll, options.ServerEnv);
            await server.WaitHealthyAsync();
            var api = new Api(server); // the app's calls: not queued behind the pollers' connections
            var browsers = new Api(server, maxConnections: 2000);
            var token = await api.AppUserTokenAsync();
            var randoms = await api.GeneAsync(n);
            var confirmedAt = new long[n]; // Stopwatch timestamp of the confirm call, 0 = not confirmed
            var noticed = new System.Collections.Concurrent.ConcurrentBag<double>();
            var checkLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            long requests = 0;
            using var stop = new CancellationTokenSource();
            var measureFrom = Stopwatch.GetTimestamp() + (long)(5 * Stopwatch.Frequency); // after a 5 s warm-up

            async Task PollerAsync(int i)
            {
                await Task.Delay(Random.Shared.Next(800));
                while (!stop.IsCancellationRequested)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        var r = await browsers.SendAsync(HttpMethod.Get, $"/api/v2/qrcode/check?random={Volatile.Read(ref randoms[i])}");
                        var done = Stopwatch.GetTimestamp();
                        if (t0 >= measureFrom)
                        {
                            Interlocked.Increment(ref requests);
                            checkLatencies.Add(Stopwatch.GetElapsedTime(t0, done).TotalMilliseconds);
                        }
                        var confirmed = Volatile.Read(ref confirmedAt[i]);
                        if (confirmed != 0 && r.GetProperty("data").GetProperty("status").GetInt32() == 2)
                        {
                            noticed.Add(Stopwatch.GetElapsedTime(confirmed, done).TotalMilliseconds);
                            return; // the SDK stops polling once confirmed
                        }
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                    var wait = 800 - Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    if (wait > 0)
                        await Task.Delay(TimeSpan.FromMilliseconds(wait));
                }
            }

            var pollers = Enumerable.Range(0, n).Select(i => Task.Run(() => PollerAsync(i))).ToArray();
            await Task.Delay(5000);
            var window = Stopwatch.StartNew();
            var samples = Math.Min(options.Samples, options.PollSeconds);
            var spacing = TimeSpan.FromSeconds(options.PollSeconds / (double)samples);
            for (var k = 0; k < samples; k++)
            {
                var i = (int)((long)k * n / samples);
                // A fresh code for the poller that will see the confirm: the bulk may have expired by now (and is still polled).
                Volatile.Write(ref randoms[i], (await api.GeneAsync(1))[0]);
                await api.TransitionAsync("scanned", randoms[i], token);
                var t0 = Stopwatch.GetTimestamp();
                await api.TransitionAsync("confirm", randoms[i], token);
                Volatile.Write(ref confirmedAt[i], t0);
                await Task.Delay(spacing);
            }
            var seconds = window.Elapsed.TotalSeconds;
            var served = Interlocked.Read(ref requests);
            await Task.Delay(3000); // let the last pollers notice
            stop.Cancel();
            await Task.WhenAll(pollers);
            var notice = noticed.ToList();
            var checks = checkLatencies.ToList();
            return $"| poll `check` every 800 ms | {n:N0} | {Stats.P(notice, 50):F0} / {Stats.P(notice, 99):F0} ms ({notice.Count} confirms) " +
                   $"| – | {served / seconds:N0} requests/s served of {n / 0.8:N0} asked; check p50 {Stats.P(checks, 50):F0} ms, p99 {Stats.P(checks, 99):F0} ms |";
        }
    }
}

internal sealed record Args(int[] Subscribers, int Samples, int Pollers, int PollSeconds, string ServerDll,
    Dictionary<string, string> ServerEnv)
{
    public static Args Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var root = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(root, "GenAuth.sln")) && Path.GetDirectoryName(root) is { } parent)
            root = parent;
        var dll = Get("--server") ?? Path.Combine(root, "src/GenAuth.Server/bin/Release/net10.0/GenAuth.Server.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build the server first: dotnet build -c Release src/GenAuth.Server ({dll})");
        return new Args(
            (Get("--subscribers") ?? "1000,10000").Split(',').Select(int.Parse).ToArray(),
            int.Parse(Get("--samples") ?? "300"),
            int.Parse(Get("--pollers") ?? "10000"),
            int.Parse(Get("--poll-seconds") ?? "30"),
            dll,
            // --server-env DOTNET_gcServer=0 (repeatable): environment for the server process, e.g. to compare GC modes.
            args.Select((a, i) => (a, i)).Where(x => x.a == "--server-env" && x.i + 1 < args.Length)
                .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""));
    }
}

internal static class Stats
{
    public static double P(List<double> values, double percentile)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
