using GenAuth.Core.Admin;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// The real server, in process, listening on a loopback port (Kestrel, so requests are real HTTP), with its own
/// data directory (SQLite file, keys, bootstrap.json) and preset bootstrap credentials.
/// </summary>
public sealed class GenAuthApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _fromTemplate;

    /// <param name="dataDirectory">Reuse a data directory (restart tests); a fresh temp directory when null.</param>
    /// <param name="settings">Extra configuration, e.g. ["GenAuth:Http:MaxBodyBytes"] = "2048".</param>
    /// <param name="services">Test service overrides (runs after the app's own registrations).</param>
    public GenAuthApp(string? dataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = settings ?? new Dictionary<string, string?>();
        // Note: only a fresh directory with the default database gets the template; a test that brings its own
        // directory (restarts, old schemas) or database settings (file, provider, MigrateOnStart) gets what it asked for.
        _fromTemplate = dataDirectory is null && !_settings.Keys.Any(TouchesDatabase) && SqliteTemplate.Enabled;
        _services = services;
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    /// <summary>Leave the data directory on disk at dispose, to start another server on it.</summary>
    public bool KeepDataDirectory { get; set; }

    // Preset so a restarted server on the same directory finds the same pool (bootstrap honours them).
    public string UserPoolId { get; } = "5f0000000000000000000a01";
    public string AppId { get; } = "5f0000000000000000000b01";
    public string Secret { get; } = "test-pool-secret-0123456789abcdef";

    public const string GraphQLPath = "/graphql/v2";

    /// <summary>
    /// Every test calls from 127.0.0.1, so the per-IP and per-pool abuse quotas (GenAuth:Quotas) would trip tests that
    /// are about something else; test servers get these roomy ones unless a test sets its own (the quota tests do).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> RoomyQuotas = new Dictionary<string, string?>
    {
        // Note: a first request under a fully loaded CI machine (JIT, EF model) once took over the 10 s operation
        // budget; tests of the budget set their own.
        ["GenAuth:GraphQL:Timeout"] = "00:02:00",
        ["GenAuth:Quotas:Sms:PerIpPerHour"] = "100000",
        ["GenAuth:Quotas:Sms:PerPoolPerHour"] = "100000",
        ["GenAuth:Quotas:Sms:PerPoolPerDay"] = "100000",
        ["GenAuth:Quotas:Email:PerIpPerHour"] = "100000",
        ["GenAuth:Quotas:Email:PerPoolPerHour"] = "100000",
        ["GenAuth:Quotas:Email:PerPoolPerDay"] = "100000",
        ["GenAuth:Quotas:Registration:PerIpPerHour"] = "100000",
        ["GenAuth:Quotas:Registration:PerPoolPerMinute"] = "100000",
        ["GenAuth:Quotas:Registration:PerPoolPerHour"] = "100000",
        ["GenAuth:Quotas:Lookup:PerIpPerMinute"] = "100000",
        ["GenAuth:Quotas:Lookup:PerPoolPerMinute"] = "100000",
    };

    /// <summary>
    /// Settings for a test of something only SQLite has (the database file, VACUUM INTO backups): the server runs on
    /// SQLite in every run, tests/run --postgres included, so the test runs (never skips) in both.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> OnSqlite(IReadOnlyDictionary<string, string?>? settings = null) =>
        new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["GenAuth:Database:Provider"] = "Sqlite" };

    /// <summary>A client for the default pool (x-authing-userpool-id set on every request).</summary>
    public GraphQLClient CreateGraphQLClient(string? userPoolId = null) =>
        new(CreateClient(), userPoolId ?? UserPoolId);

    /// <summary>A second pool with its own keys and app, for tenancy tests.</summary>
    public async Task<PoolService.CreatedPool> CreatePoolAsync(string name = "Other")
    {
        await using var scope = Services.CreateAsyncScope();
        var pools = scope.ServiceProvider.GetRequiredService<PoolService>();
        return await pools.CreatePoolAsync(name, null, null, null, name + " app", CancellationToken.None);
    }

    /// <summary>
    /// Reads the database as the given pool sees it (the pool filter applies), for state no API exposes.
    /// The default pool when poolId is null; "" means no pool at all.
    /// </summary>
    public async Task<T> QueryDbAsync<T>(Func<GenAuthDbContext, Task<T>> query, string? poolId = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        db.PoolId = poolId is "" ? null : poolId ?? UserPoolId;
        return await query(db);
    }

    /// <summary>
    /// The database provider of this server: the test's GenAuth:Database:Provider setting, else GENAUTH_TEST_DB
    /// (tests/run --postgres), else SQLite.
    /// </summary>
    public string Provider => _settings.TryGetValue("GenAuth:Database:Provider", out var set) && set is not null
        ? set
        : PostgresServer.IsDefault ? "Postgres" : "Sqlite";

    public bool OnPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GenAuth:DataDirectory", DataDirectory);
        // Note: migrating a new SQLite file was about half of a test server's start; PostgreSQL copies its template database.
        if (_fromTemplate && !OnPostgres && !File.Exists(Path.Combine(DataDirectory, "genauth.db")))
            SqliteTemplate.CopyTo(Path.Combine(DataDirectory, "genauth.db"));
        if (OnPostgres)
        {
            // Note: one database per data directory, so a restarted server (same directory) finds its data again.
            builder.UseSetting("GenAuth:Database:Provider", "Postgres");
            if (!_settings.ContainsKey("ConnectionStrings:Postgres"))
                builder.UseSetting("ConnectionStrings:Postgres", PostgresServer.DatabaseFor(DataDirectory));
        }
        builder.UseSetting("GenAuth:Bootstrap:UserPoolId", UserPoolId);
        builder.UseSetting("GenAuth:Bootstrap:AppId", AppId);
        builder.UseSetting("GenAuth:Bootstrap:Secret", Secret);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in RoomyQuotas)
            builder.UseSetting(key, value);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_services is not null)
            builder.ConfigureTestServices(_services);
    }

    private static bool TouchesDatabase(string key) =>
        key.StartsWith("GenAuth:Database:", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
        || key.Equals("GenAuth:ConnectionString", StringComparison.OrdinalIgnoreCase)
        || key.Equals("GenAuth:DataDirectory", StringComparison.OrdinalIgnoreCase);

    // Note: DisposeAsync ends here too, after the host stopped.
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || KeepDataDirectory)
            return;
        if (OnPostgres && !_settings.ContainsKey("ConnectionStrings:Postgres"))
            PostgresServer.Drop(DataDirectory);
        if (!Directory.Exists(DataDirectory))
            return;
        // Note: pooled SQLite connections keep the file open; close them before deleting the directory.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle; the OS temp cleaner gets it.
        }
    }
}
