using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.QrLogin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace GenAuth.Tests.Scale;

/// <summary>
/// N GenAuth server processes (the built GenAuth.Server.dll run by `dotnet`, each with its own port and data directory)
/// on one PostgreSQL database and one redis-server, behind a YARP reverse proxy (round-robin, active health checks on
/// /healthz every second, passive ones on transport failures). What a 3-instance deployment is, on one machine.
/// </summary>
public sealed class GenAuthCluster : IAsyncDisposable
{
    public const string UserPoolId = "5f0000000000000000000a01";
    public const string AppId = "5f0000000000000000000b01";
    public const string Secret = "test-pool-secret-0123456789abcdef";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "genauth-cluster", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _shared;
    private WebApplication? _proxy;

    private GenAuthCluster(int instances)
    {
        Redis = new RedisServer();
        Directory.CreateDirectory(_root);
        Database = PostgresServer.DatabaseFor(_root);
        _shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["GenAuth__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = Database,
            ["ConnectionStrings__Redis"] = Redis.Configuration,
            // Note: every instance seals and unseals with the same master key (a deployment passes it the same way).
            ["GenAuth__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["GenAuth__Bootstrap__UserPoolId"] = UserPoolId,
            ["GenAuth__Bootstrap__AppId"] = AppId,
            ["GenAuth__Bootstrap__Secret"] = Secret,
            // Every test call comes from 127.0.0.1: the per-IP limits would trip before the per-account ones under test.
            ["GenAuth__BruteForce__IpFailures"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__GenAuth.Core.Security.RedisRateCounter"] = "Information",
            ["Logging__LogLevel__GenAuth.Core.Events.RedisEventBus"] = "Information",
        };
        foreach (var (key, value) in GenAuthApp.RoomyQuotas)
            _shared[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        Instances = Enumerable.Range(0, instances).Select(i => new ServerProcess(((char)('a' + i)).ToString(), _root, _shared)).ToList();
    }

    public RedisServer Redis { get; }

    public string Database { get; }

    public IReadOnlyList<ServerProcess> Instances { get; }

    public ServerProcess this[int index] => Instances[index];

    /// <summary>The reverse proxy's address: what clients use.</summary>
    public Uri ProxyAddress { get; private set; } = null!;

    public static async Task<GenAuthCluster> StartAsync(int instances)
    {
        var cluster = new GenAuthCluster(instances);
        try
        {
            // Note: the first instance migrates and bootstraps the pool; the others start on the ready database.
            cluster.Instances[0].Start();
            await cluster.Instances[0].WaitReadyAsync();
            foreach (var instance in cluster.Instances.Skip(1))
                instance.Start();
            foreach (var instance in cluster.Instances.Skip(1))
                await instance.WaitReadyAsync();
            await cluster.StartProxyAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>A GraphQL client through the proxy, or straight to one instance.</summary>
    public GraphQLClient Client(ServerProcess? instance = null) =>
        new(new HttpClient { BaseAddress = instance?.Address ?? ProxyAddress, Timeout = TimeSpan.FromMinutes(2) }, UserPoolId);

    private async Task StartProxyAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var cluster = new ClusterConfig
        {
            ClusterId = "genauth",
            LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            Destinations = Instances.ToDictionary(i => i.Name, i => new DestinationConfig { Address = i.Address.ToString() }),
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = TimeSpan.FromSeconds(1),
                    Timeout = TimeSpan.FromSeconds(2),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = "/healthz",
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = TimeSpan.FromSeconds(30),
                },
            },
        };
        var route = new RouteConfig { RouteId = "all", ClusterId = "genauth", Match = new RouteMatch { Path = "{**catch-all}" } };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapReverseProxy();
        await app.StartAsync();
        _proxy = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ProxyAddress = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        foreach (var instance in Instances)
            instance.Dispose();
        Redis.Dispose();
        try
        {
            PostgresServer.Drop(_root);
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Npgsql.NpgsqlException)
        {
            // best effort: a temp directory and a test database
        }
    }
}

/// <summary>One GenAuth server process on a free loopback port; its console output is kept for assertions on logs.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ServerProcess(string name, string root, IReadOnlyDictionary<string, string> shared)
    {
        Name = name;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Address = new Uri($"http://127.0.0.1:{Port}/");
        var data = Path.Combine(root, name);
        Directory.CreateDirectory(data);
        _environment = new Dictionary<string, string>(shared)
        {
            ["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/'),
            ["GenAuth__DataDirectory"] = data,
        };
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address { get; }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process?.HasExited ?? true;

    public void Start()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GenAuth.Server.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in _environment)
            start.Environment[key] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 5000)
            _output.TryDequeue(out _);
    }

    /// <summary>Waits until /healthz answers (a cold start on a loaded machine takes a while).</summary>
    public async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            if (HasExited)
                throw new InvalidOperationException($"Instance {Name} exited while starting:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Instance {Name} did not start:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>kill -9: no shutdown, no flush, connections cut.</summary>
    public void KillHard()
    {
        _process!.Kill();
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM (what a process manager sends on a rolling restart); waits for the graceful shutdown to end.</summary>
    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString()]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(cts.Token);
    }

    public void Dispose()
    {
        if (_process is null)
            return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
