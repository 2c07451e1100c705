using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace GenAuth.LoadTest.Qr;

/// <summary>The built server (Release) as a child process on a free port with a fresh data directory.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "genauth-qrbench-" + Guid.NewGuid().ToString("N"));

    public string PoolId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    public string AppId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    public string Secret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public Uri BaseUri { get; }

    public ServerProcess(string dll, IReadOnlyDictionary<string, string>? environment = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUri.ToString());
        start.Environment["GenAuth__DataDirectory"] = _data;
        start.Environment["GenAuth__Bootstrap__UserPoolId"] = PoolId;
        start.Environment["GenAuth__Bootstrap__AppId"] = AppId;
        start.Environment["GenAuth__Bootstrap__Secret"] = Secret;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("[server] " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Ctrl-C or kill of the benchmark must not leave the server behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
        Console.CancelKeyPress += (_, _) => Kill();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    public async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline || _process.HasExited)
                throw new InvalidOperationException("The server did not become healthy");
            await Task.Delay(200);
        }
    }

    /// <summary>Resident memory of the server process, bytes (Linux /proc).</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }
}
