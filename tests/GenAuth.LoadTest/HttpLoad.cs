using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace GenAuth.LoadTest;

/// <summary>One measured run: successful requests per second and latency percentiles over the measured window.</summary>
public sealed record LoadResult(string Name, long Ok, long Failed, double Seconds, long[] LatencyTicks, string? FirstFailure)
{
    public double PerSecond => Ok / Seconds;

    /// <summary>CPU time the side's processes (server + load tool) used during the measured windows; 0 when not metered.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>The kernel-mode part of <see cref="CpuSeconds"/> (system calls, page faults).</summary>
    public double KernelSeconds { get; init; }

    /// <summary>The load tool's own part of <see cref="CpuSeconds"/> (the client; all of it for the in-process baseline).</summary>
    public double ToolSeconds { get; init; }

    public double CpuMsPerOk => CpuSeconds * 1000 / Ok;

    /// <summary>The run ended before its duration because its stop condition held (e.g. its one-time codes ran out).</summary>
    public bool Stopped { get; init; }

    /// <summary>The share of all cores the side's processes got during the windows (1 = every core busy for it).</summary>
    public double CoreShare => CpuSeconds / Seconds / Environment.ProcessorCount;
    public double P50Ms => Percentile(0.50);
    public double P99Ms => Percentile(0.99);

    private double Percentile(double p) => LatencyTicks.Length == 0 ? double.NaN
        : LatencyTicks[Math.Min(LatencyTicks.Length - 1, (int)Math.Ceiling(p * LatencyTicks.Length) - 1)] * 1000.0 / Stopwatch.Frequency;

    /// <summary>Slices of one side, measured apart, as one result: counts and seconds add up, latencies pool.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> slices) =>
        new(slices[0].Name, slices.Sum(s => s.Ok), slices.Sum(s => s.Failed), slices.Sum(s => s.Seconds),
            slices.SelectMany(s => s.LatencyTicks).Order().ToArray(), slices.Select(s => s.FirstFailure).FirstOrDefault(f => f is not null))
        {
            CpuSeconds = slices.Sum(s => s.CpuSeconds),
            KernelSeconds = slices.Sum(s => s.KernelSeconds),
            ToolSeconds = slices.Sum(s => s.ToolSeconds),
        };
}

/// <summary>A request to send: path, body (application/json unless said otherwise) and headers; built once, sent many times.</summary>
public sealed record RequestTemplate(string Path, byte[]? Body, IReadOnlyList<KeyValuePair<string, string>> Headers,
    string ContentType = "application/json");

/// <summary>
/// Closed-loop load: N workers, each sending its next request when the previous one answered, for warm-up + duration.
/// Only requests that complete inside the measured window count (as for the Argon2id baseline); each response is checked, failures are counted apart.
/// </summary>
public static class HttpLoad
{
    public static HttpClient CreateClient(Uri baseUri, int connections)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(baseUri.Host)))
            throw new InvalidOperationException("The load tool only talks to loopback addresses");
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        return new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <param name="stop">Checked before each request: true ends the run early (a spent supply, e.g. of one-time codes);
    /// the result's seconds are then the measured time until the last worker stopped.</param>
    public static async Task<LoadResult> RunAsync(string name, HttpClient client, int connections, TimeSpan warmup, TimeSpan duration,
        Func<int, long, RequestTemplate> next, Func<HttpStatusCode, byte[], bool> isOk, Func<bool>? stop = null)
    {
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var measureTo = measureFrom + duration.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var latencies = new List<long>[connections];
        var ok = new long[connections];
        var failed = new long[connections];
        string? firstFailure = null;
        var stopped = false;

        async Task Worker(int w)
        {
            var mine = latencies[w] = new List<long>(1 << 16);
            long i = 0;
            while (clock.ElapsedTicks < measureTo)
            {
                if (stop is not null && stop())
                {
                    stopped = true;
                    break;
                }
                var template = next(w, i++);
                using var request = new HttpRequestMessage(template.Body is null ? HttpMethod.Get : HttpMethod.Post, template.Path);
                if (template.Body is not null)
                {
                    request.Content = new ByteArrayContent(template.Body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(template.ContentType);
                }
                foreach (var (k, v) in template.Headers)
                    request.Headers.TryAddWithoutValidation(k, v);
                var start = clock.ElapsedTicks;
                bool good;
                string? failure = null;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    good = isOk(response.StatusCode, body);
                    if (!good)
                        failure = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300))}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    good = false;
                    failure = e.GetType().Name + ": " + e.Message;
                }
                var end = clock.ElapsedTicks;
                if (end < measureFrom || end > measureTo) // completions inside the window: unbiased in steady state
                    continue;
                if (good)
                {
                    ok[w]++;
                    mine.Add(end - start);
                }
                else
                {
                    failed[w]++;
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => Worker(w))));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var seconds = stopped
            ? Math.Max(1e-3, (double)(Math.Min(clock.ElapsedTicks, measureTo) - Math.Min(clock.ElapsedTicks, measureFrom)) / Stopwatch.Frequency)
            : duration.TotalSeconds;
        return new LoadResult(name, ok.Sum(), failed.Sum(), seconds, all, firstFailure) { Stopped = stopped };
    }
}

/// <summary>
/// Runs two sides (baseline and GenAuth) in alternating slices after one warm-up each, so that whatever else the
/// shared machine does during the run falls on both sides alike; each side's slices are then added up.
/// </summary>
public static class Alternation
{
    public delegate Task<LoadResult> Side(TimeSpan warmup, TimeSpan duration);

    /// <summary>
    /// Adds the CPU time of the given processes during the measured window (sampled at its start and, by a timer,
    /// at its end), so that a side's cost per operation can be compared even when other load on the machine
    /// steals wall time from one side more than from the other.
    /// </summary>
    public static Side Metered(Side side, Func<(TimeSpan Total, TimeSpan Kernel)> tool, Func<(TimeSpan Total, TimeSpan Kernel)>? server) => async (warmup, duration) =>
    {
        var none = () => (TimeSpan.Zero, TimeSpan.Zero);
        server ??= none;
        var sampler = Task.Run(async () =>
        {
            await Task.Delay(warmup);
            var (t0, s0) = (tool(), server());
            await Task.Delay(duration);
            var (t1, s1) = (tool(), server());
            return (Tool: t1.Total - t0.Total, Total: t1.Total - t0.Total + s1.Total - s0.Total, Kernel: t1.Kernel - t0.Kernel + s1.Kernel - s0.Kernel);
        });
        var result = await side(warmup, duration);
        var m = await sampler;
        return result with { CpuSeconds = m.Total.TotalSeconds, KernelSeconds = m.Kernel.TotalSeconds, ToolSeconds = m.Tool.TotalSeconds };
    };

    public static async Task<(LoadResult Baseline, LoadResult GenAuth)> RunAsync(string what, Side baseline, Side genauth,
        TimeSpan warmup, TimeSpan duration, TimeSpan slice, params Func<(TimeSpan Total, TimeSpan Kernel)>[] servers)
    {
        if (slice <= TimeSpan.Zero || slice >= duration)
            slice = duration;
        var count = (int)Math.Ceiling(duration / slice);
        Program.Log($"{what}: warm-up {warmup.TotalSeconds} s each, then {count} x {slice.TotalSeconds} s slices per side, alternating");
        // Note: twice, each followed by waiting for the servers to go idle: the runtime promotes hot methods to
        // optimised code on a background thread (tiered compilation, with an instrumented tier between), and the setup
        // phase (registrations, logins) leaves tens of seconds of that work queued. Measured slices that overlap it
        // charge the JIT's CPU to whichever side runs then; the build with more code on its setup path loses most.
        for (var round = 0; round < 2; round++)
        {
            await baseline(TimeSpan.Zero, warmup);
            await genauth(TimeSpan.Zero, warmup);
            await SettleAsync(servers);
        }
        var b = new List<LoadResult>();
        var g = new List<LoadResult>();
        for (var i = 0; i < count; i++)
        {
            // Alternate which side goes first, so neither always follows the other.
            if (i % 2 == 0)
            {
                b.Add(await baseline(TimeSpan.Zero, slice));
                g.Add(await genauth(TimeSpan.Zero, slice));
            }
            else
            {
                g.Add(await genauth(TimeSpan.Zero, slice));
                b.Add(await baseline(TimeSpan.Zero, slice));
            }
        }
        return (LoadResult.Combine(b), LoadResult.Combine(g));
    }

    /// <summary>Waits (at most 3 minutes) until each server process used under 5 % of a core for two seconds running.</summary>
    public static async Task SettleAsync(Func<(TimeSpan Total, TimeSpan Kernel)>[] servers)
    {
        if (servers.Length == 0)
            return;
        var started = Stopwatch.StartNew();
        var before = servers.Select(s => s().Total).ToArray();
        var spent = TimeSpan.Zero;
        var quiet = 0;
        while (quiet < 2 && started.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = servers.Select(s => s().Total).ToArray();
            var busiest = now.Zip(before, (n, b) => n - b).Max();
            spent += TimeSpan.FromTicks(now.Zip(before, (n, b) => (n - b).Ticks).Sum());
            before = now;
            quiet = busiest < TimeSpan.FromMilliseconds(50) ? quiet + 1 : 0;
        }
        Program.Log($"  servers idle after {started.Elapsed.TotalSeconds:F0} s ({spent.TotalSeconds:F1} CPU s of background work, mostly the JIT's)");
    }
}
