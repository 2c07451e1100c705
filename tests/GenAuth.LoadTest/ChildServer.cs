using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenAuth.LoadTest;

/// <summary>A server process this tool started (GenAuth.Server or the baseline), listening on a loopback port.</summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public Uri BaseUri { get; }
    public string Name { get; }

    private ChildServer(string name, Process process, Uri baseUri)
    {
        Name = name;
        _process = process;
        BaseUri = baseUri;
    }

    public int ProcessId => _process.Id;

    public (TimeSpan Total, TimeSpan Kernel) CpuTime
    {
        get
        {
            _process.Refresh();
            return (_process.TotalProcessorTime, _process.PrivilegedProcessorTime);
        }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>dotnet dll args</c> in the dll's folder (so its appsettings.json applies) and waits for GET /healthz.</summary>
    public static async Task<ChildServer> StartAsync(string name, string dll, IEnumerable<string> args, IDictionary<string, string> env)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (k, v) in env)
            psi.Environment[k] = v;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        var server = new ChildServer(name, process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        // Note: a cold start on a busy shared machine can take over a minute.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                using var r = await probe.GetAsync("/healthz");
                if (r.StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"{name} did not answer /healthz within 180 s:\n{server.Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (_output.Length < 200_000)
                _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // only the process this object started
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
