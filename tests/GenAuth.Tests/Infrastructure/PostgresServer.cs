using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests use: GENAUTH_TEST_POSTGRES (a connection string whose user may CREATE DATABASE; tests/run
/// sets it to the cluster it started), else a throwaway cluster of Debian's postgresql started once per test process
/// (initdb into a temp directory, Unix socket only, no fsync) and stopped when the process exits. Each test server gets
/// its own database, copied from a migrated template (CREATE DATABASE … TEMPLATE: milliseconds, no migrations per app).
/// Without postgresql installed it throws <see cref="MissingComponentException"/>: the test fails, saying how to install it.
/// </summary>
public static class PostgresServer
{
    /// <summary>GENAUTH_TEST_DB=Postgres runs every test server on PostgreSQL (tests/run --postgres); default SQLite.</summary>
    public const string ProviderVariable = "GENAUTH_TEST_DB";

    public const string ConnectionVariable = "GENAUTH_TEST_POSTGRES";

    private static readonly Lazy<string> Admin = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim Creating = new(1, 1);

    // Note: one run's names never meet another's (SQLite and PostgreSQL runs may share one cluster at once).
    private static readonly string RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>True when this test process runs its servers on PostgreSQL.</summary>
    public static bool IsDefault =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>A connection string to the maintenance database (postgres) of the test cluster.</summary>
    public static string AdminConnectionString => Admin.Value;

    /// <summary>The connection string of the database belonging to a data directory, created (from the template) when missing.</summary>
    public static string DatabaseFor(string dataDirectory, bool migrated = true)
    {
        var name = NameFor(dataDirectory);
        var template = migrated ? Template.Value : "template0";
        Creating.Wait();
        try
        {
            using var admin = new NpgsqlConnection(Admin.Value);
            admin.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = name } } };
            if (exists.ExecuteScalar() is null)
                Execute(admin, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        }
        finally
        {
            Creating.Release();
        }
        return On(name);
    }

    /// <summary>Drops the database of a data directory (the test server is stopped).</summary>
    public static void Drop(string dataDirectory)
    {
        if (!Admin.IsValueCreated)
            return;
        var connection = On(NameFor(dataDirectory));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connection));
        using var admin = new NpgsqlConnection(Admin.Value);
        admin.Open();
        Execute(admin, $"DROP DATABASE IF EXISTS \"{NameFor(dataDirectory)}\" WITH (FORCE)");
    }

    /// <summary>A connection string for another database of the test cluster.</summary>
    public static string On(string database) =>
        new NpgsqlConnectionStringBuilder(Admin.Value) { Database = database }.ConnectionString;

    /// <summary>The name of the database belonging to a data directory.</summary>
    public static string NameFor(string dataDirectory) =>
        $"genauth_{RunId}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16]}";

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string CreateTemplate()
    {
        var name = $"genauth_{RunId}_template";
        using (var admin = new NpgsqlConnection(Admin.Value))
        {
            admin.Open();
            Execute(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Execute(admin, $"CREATE DATABASE \"{name}\" TEMPLATE template0");
        }
        var options = new DbContextOptionsBuilder<PostgresGenAuthDbContext>().UseNpgsql(On(name)).Options;
        using (var db = new PostgresGenAuthDbContext(options))
            db.Database.Migrate();
        // Note: CREATE DATABASE … TEMPLATE refuses a template anyone is connected to.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(On(name)));
        return name;
    }

    private static string StartOrFind()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
            return given;
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
            throw new MissingComponentException(
                "postgresql is not installed: run ./tests/run (it installs what the tests need), or apt-get install postgresql");
        var root = Directory.CreateTempSubdirectory("genauth-pg-").FullName;
        // Note: PostgreSQL refuses to run as root; as root the cluster belongs to Debian's postgres user.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            Run("chown", "postgres", root);
        RunAs(asRoot, Path.Combine(bin, "initdb"), "-D", Path.Combine(root, "data"), "-A", "trust", "-U", "postgres", "--no-sync",
            "-E", "UTF8", "--locale=C.UTF-8");
        RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "log"), "-w", "-o",
            $"-c listen_addresses='' -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500",
            "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(root, "data"), "-m", "immediate", "stop");
                Directory.Delete(root, recursive: true);
            }
            catch (Exception)
            {
                // Note: best effort at exit; the OS temp cleaner gets the directory.
            }
        };
        return $"Host={root};Username=postgres;Database=postgres;Maximum Pool Size=20";
    }

    private static void RunAs(bool asRoot, string file, params string[] args)
    {
        if (asRoot)
            Run("runuser", ["-u", "postgres", "--", file, .. args]);
        else
            Run(file, args);
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}{stdout.Result}");
    }
}
