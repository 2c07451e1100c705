using System.Diagnostics;
using System.Text;
using GenAuth.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GenAuth.Tests.Compat;

/// <summary>
/// Runs one of the Node.js suites under tests/ (node's built-in test runner) against the
/// GenAuth.Server.dll built beside this assembly, streaming its output to the test log.
/// </summary>
public sealed class NodeSuite(ITestOutputHelper output, string folder, string installedMarker)
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    public async Task RunAsync(IReadOnlyList<string> testArguments, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var suite = FindSuiteDirectory();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "GenAuth.Server.dll");
        Assert.True(File.Exists(serverDll), $"The server was not built beside the tests: {serverDll} is missing.");

        var node = Requires.Node();
        var version = await RunAsync(node, ["--version"], suite, null, TimeSpan.FromSeconds(30));
        Assert.True(
            version.ExitCode == 0 && NodeMajor(version.Output) >= 20,
            $"Node.js 20 or later is needed for tests/{folder}; `node --version` said: {version.Output.Trim()}");

        if (NeedsInstall(suite))
        {
            var npm = Requires.Npm();
            var install = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], suite, null, InstallTimeout);
            Assert.True(install.ExitCode == 0, $"`npm ci` in {suite} failed (exit {install.ExitCode}):\n{Tail(install.Output)}");
        }

        var environment = new Dictionary<string, string> { ["GENAUTH_SERVER_DLL"] = serverDll };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var run = await RunAsync(node, ["--test", "--test-concurrency=1", "--test-timeout=120000", "--test-reporter=spec", .. testArguments],
            suite, environment, RunTimeout);
        Assert.True(run.ExitCode == 0, $"tests/{folder} failed (node --test exit {run.ExitCode}). Output tail:\n{Tail(run.Output)}");
    }

    /// <summary>node_modules is missing, or older than the committed lock file (a dependency was added since).</summary>
    private bool NeedsInstall(string suite)
    {
        var installed = Path.Combine(suite, "node_modules", ".package-lock.json");
        return !Directory.Exists(Path.Combine(suite, "node_modules", installedMarker))
               || !File.Exists(installed)
               || File.GetLastWriteTimeUtc(Path.Combine(suite, "package-lock.json")) > File.GetLastWriteTimeUtc(installed);
    }

    private string FindSuiteDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var suite = Path.Combine(directory.FullName, "tests", folder);
            if (File.Exists(Path.Combine(suite, "package.json")))
            {
                return suite;
            }
        }

        throw new InvalidOperationException($"tests/{folder} not found above {AppContext.BaseDirectory}.");
    }

    private static int NodeMajor(string version)
    {
        var digits = version.Trim().TrimStart('v').Split('.')[0];
        return int.TryParse(digits, out var major) ? major : 0;
    }

    private static string Tail(string text, int length = 12_000) =>
        text.Length <= length ? text : "...\n" + text[^length..];

    private async Task<(int ExitCode, string Output)> RunAsync(
        string file,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var transcript = new StringBuilder();
        void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (transcript)
            {
                transcript.AppendLine(line);
            }

            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test already finished (a straggling line after a kill).
            }
        }

        output.WriteLine($"$ {file} {string.Join(' ', arguments)}   (in {workingDirectory})");
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // The whole tree: node's test runner, its test files and the server they started.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Record($"KILLED after {timeout.TotalMinutes:0.#} min");
            lock (transcript)
            {
                return (-1, transcript.ToString());
            }
        }

        lock (transcript)
        {
            return (process.ExitCode, transcript.ToString());
        }
    }
}
