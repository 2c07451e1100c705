using System.Diagnostics;
using System.Text;

namespace GenAuth.LoadTest;

/// <summary>Collects the runs and renders the Markdown table (stdout and results.md).</summary>
public sealed class Report
{
    private readonly List<string[]> _summary = [];
    private readonly List<string[]> _runs = [];
    private readonly List<string> _notes = [];
    private readonly List<string[]> _profile = [];
    private string? _profileHeader;

        private static string Verdict(double ratio, double bar) => double.IsNaN(ratio) ? "n/a" : ratio >= bar ? "**pass**" : "**FAIL**";

    /// <summary>
    /// A closed loop with enough connections should keep every core busy; when the baseline's processes got much less,
    /// something else on the machine took the cores and the wall-clock ratio says more about the scheduler than about
    /// GenAuth (with more runnable threads, the GenAuth side gets a larger share of a contended machine).
    /// </summary>
    private static string Verdict(double ratio, double bar, LoadResult baseline) =>
        baseline.CpuSeconds > 0 && baseline.CoreShare < 0.9
            ? $"{Verdict(ratio, bar)} (disturbed: the baseline got {baseline.CoreShare:P0} of the cores; see the CPU-normalised row)"
            : Verdict(ratio, bar);

    public void AddP1(LoadResult argon, LoadResult login, string parameters)
    {
        var ratio = login.PerSecond / argon.PerSecond;
        _summary.Add([
            $"P1 password login: `loginByEmail`/s over loopback ÷ raw Argon2id verify/s ({parameters}, {ArgonBaseline.Workers} threads)",
            $"{login.PerSecond:F1}/s", $"{argon.PerSecond:F1}/s", $"{ratio:F3}", "≥ 0.85", Verdict(ratio, 0.85, argon)]);
        _summary.Add(["P1, CPU-normalised (diagnostic, not the bar): logins per CPU-second of server + load tool ÷ verifies per CPU-second",
            $"{login.CpuMsPerOk:F1} CPU ms/login", $"{argon.CpuMsPerOk:F1} CPU ms/verify", $"{argon.CpuMsPerOk / login.CpuMsPerOk:F3}", "", ""]);
        _summary.Add(["P1 latency p50 / p99 (login request vs one verify)", $"{login.P50Ms:F0} / {login.P99Ms:F0} ms", $"{argon.P50Ms:F0} / {argon.P99Ms:F0} ms", "", "", ""]);
        _runs.Add(Row("P1", argon));
        _runs.Add(Row("P1", login));
    }

    public void AddP2(LoadResult baseline, LoadResult genauth)
    {
        var ratio = genauth.PerSecond / baseline.PerSecond;
        _summary.Add(["P2 authenticated query: `{ user { id email } }` req/s ÷ minimal ASP.NET endpoint (same token check, same user read, same JSON)",
            $"{genauth.PerSecond:F0}/s", $"{baseline.PerSecond:F0}/s", $"{ratio:F3}", "≥ 0.7", Verdict(ratio, 0.7, baseline)]);
        _summary.Add(["P2, CPU-normalised (diagnostic, not the bar): CPU of server + load tool per request",
            $"{genauth.CpuMsPerOk * 1000:F0} µs/req", $"{baseline.CpuMsPerOk * 1000:F0} µs/req", $"{baseline.CpuMsPerOk / genauth.CpuMsPerOk:F3}", "", ""]);
        _summary.Add(["P2 latency p50", $"{genauth.P50Ms:F2} ms", $"{baseline.P50Ms:F2} ms", $"{genauth.P50Ms / baseline.P50Ms:F2}×", "", ""]);
        _summary.Add(["P2 latency p99", $"{genauth.P99Ms:F2} ms", $"{baseline.P99Ms:F2} ms", $"{genauth.P99Ms / baseline.P99Ms:F2}×", "", ""]);
        _runs.Add(Row("P2", baseline));
        _runs.Add(Row("P2", genauth));
    }

    public void AddDiagnostics(List<LoadResult> runs)
    {
        foreach (var r in runs)
            _runs.Add(Row("diag", r));
    }

    public void SetProfileHeader(string header) => _profileHeader = header;

    public void AddProfile(string step, double cpuMicroseconds, double kernelMicroseconds, double wallMicroseconds, long allocatedBytes, string note) =>
        _profile.Add([step, $"{cpuMicroseconds:F1}", $"{kernelMicroseconds:F1}", $"{wallMicroseconds:F1}", $"{allocatedBytes / 1024.0:F1}", note]);

    private static string[] Row(string part, LoadResult r) =>
        [part, r.Name, $"{r.PerSecond:F1}", $"{r.P50Ms:F2}", $"{r.P99Ms:F2}", $"{r.Ok}", $"{r.Failed}", r.CpuSeconds > 0 ? $"{r.CpuMsPerOk:F3} ({r.KernelSeconds * 1000 / r.Ok:F3} kernel, {r.ToolSeconds * 1000 / r.Ok:F3} load tool)" : "",
         r.CpuSeconds > 0 ? $"{r.CoreShare:P0}" : ""];

    public string ToMarkdown(LoadOptions o, string root)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# GenAuth load test results (P1, P2)");
        sb.AppendLine();
        sb.AppendLine($"- command: `dotnet run -c Release --project tests/GenAuth.LoadTest -- {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`".Replace("--  ", "-- ").TrimEnd());
        sb.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; commit {Git(root, "rev-parse --short HEAD")}{(Git(root, "status --porcelain src").Length > 0 ? " (src/ has uncommitted changes)" : "")}");
        sb.AppendLine($"- machine: {Program.MachineInfo()}");
        sb.AppendLine($"- load: {o.ConnectionsOrDefault} connections (HTTP/1.1 keep-alive, SocketsHttpHandler), {o.WarmupSeconds} s warm-up + {o.DurationSeconds} s measured per run, {(o.SliceSeconds > 0 && o.SliceSeconds < o.DurationSeconds ? $"baseline and GenAuth alternating in {o.SliceSeconds} s slices (totals per side)" : "one run per side")}, {o.Users} users, GenAuth.Server Release in its own process{(o.ServerEnv.Count > 0 ? "; server environment: " + string.Join(", ", o.ServerEnv.Select(e => $"`{e.Key}={e.Value}`")) : "")}");
        sb.AppendLine();
        if (_summary.Count > 0)
        {
            Table(sb, ["what", "GenAuth", "baseline", "ratio", "bar", "result"], _summary);
            sb.AppendLine();
        }
        if (_runs.Count > 0)
        {
            sb.AppendLine("Runs:");
            sb.AppendLine();
            Table(sb, ["part", "run", "per s", "p50 ms", "p99 ms", "ok", "failed", "CPU ms each: server + tool (kernel part, tool part)", "share of the cores it got"], _runs);
            sb.AppendLine();
        }
        if (_profile.Count > 0)
        {
            sb.AppendLine(_profileHeader ?? "In-process cost breakdown:");
            sb.AppendLine();
            Table(sb, ["step", "CPU µs per call", "of which kernel", "wall µs per call", "KB allocated per call", "note"], _profile);
            sb.AppendLine();
        }
        sb.AppendLine("Caveats:");
        sb.AppendLine();
        sb.AppendLine("- The load generator runs on the same cores as the server under test, on both sides of each ratio (it sends identical request bytes to GenAuth and to the P2 baseline). For P1 the raw Argon2id baseline has the cores to itself, so the P1 ratio also charges GenAuth for the client's CPU; that is conservative.");
        sb.AppendLine("- The P2 baseline is this tool started again as its own process (`--baseline-server`), hosting one ASP.NET minimal-API endpoint over GenAuth.Core (PoolDirectory, TokenService.VerifyAsync, SessionService.IsActiveAsync, the same `GenAuthDbContext` on the same SQLite file and master key, the same user query) and returning the same JSON; same hosting defaults (Server GC, Kestrel, the server's log levels).");
        sb.AppendLine("- CPU-normalised rows divide each side's operations by the CPU time its processes (server + load tool; the tool alone for the in-process Argon2id baseline) used during the measured windows. They are less sensitive to other load on the machine, but blind to idle cores, so the bar stays on the wall-clock ratio.");
        sb.AppendLine("- Shared, noisy machine: absolute numbers move between runs; compare the ratios of one run. Baseline and GenAuth therefore run in alternating slices (`--slice`), each side's slices added up, so background load falls on both.");
        foreach (var n in _notes)
            sb.AppendLine("- " + n);
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string[] header, List<string[]> rows)
    {
        sb.AppendLine("| " + string.Join(" | ", header) + " |");
        sb.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var r in rows)
            sb.AppendLine("| " + string.Join(" | ", r) + " |");
    }

    private static string Git(string root, string args)
    {
        try
        {
            var psi = new ProcessStartInfo("git", args) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
