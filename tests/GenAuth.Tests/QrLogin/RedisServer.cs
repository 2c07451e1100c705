using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.QrLogin;

/// <summary>
/// A throwaway redis-server (Debian's; ./tests/run installs it) on a free loopback port, no persistence, killed at
/// dispose. Without redis-server it throws <see cref="MissingComponentException"/>: the test fails, saying how to install it.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process _process;

    public RedisServer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _process = Launch();
    }

    /// <summary>Kills the server (a Redis outage); <see cref="Start"/> brings a new, empty one up on the same port.</summary>
    public void Stop()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Start()
    {
        _process.Dispose();
        _process = Launch();
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo(Requires.RedisServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        WaitUntilListening(process);
        return process;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    private void WaitUntilListening(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
