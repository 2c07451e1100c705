using System.Diagnostics;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace GenAuth.Tests.Data;

/// <summary>
/// Migrations on both providers (issue 14): an empty database migrates to the model; a database at the schema of the
/// release before the event log, holding users and login history, migrates forward and keeps them; the `migrate`
/// command applies them without starting the server; with MigrateOnStart off the server refuses a stale schema.
/// </summary>
public sealed class MigrationTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnEmptyDatabaseMigratesToTheModel(string provider)
    {
        var dir = NewDirectory();
        if (provider == "Postgres")
            PostgresServer.DatabaseFor(dir, migrated: false);
        await using var app = new GenAuthApp(dir, Settings(provider));
        var client = app.CreateGraphQLClient();

        var (applied, all, pending, changed, sqlite) = await app.QueryDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(), db.Database.GetMigrations().ToList(),
            (await db.Database.GetPendingMigrationsAsync()).ToList(), db.Database.HasPendingModelChanges(), db.Database.IsSqlite()));

        Assert.Equal(provider == "Sqlite", sqlite);
        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        Assert.Empty(pending);
        // A model change without a migration for this provider fails here (each provider has its own migrations).
        Assert.False(changed, $"the model has changes no {provider} migration holds: add one (README, Database)");
        var user = await client.RegisterAndLoginAsync("first@example.com");
        Assert.False(string.IsNullOrEmpty(user.Token));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ThePreviousSchemaWithDataMigratesForward(string provider)
    {
        var dir = NewDirectory();
        var settings = Settings(provider);
        string userId;
        await using (var first = new GenAuthApp(dir, settings) { KeepDataDirectory = true })
        {
            var client = first.CreateGraphQLClient();
            userId = (await client.RegisterAndLoginAsync("old@example.com")).Id;
            await first.QueryDbAsync(async db =>
            {
                // Back to the release before the event log (the Down of every later migration), then login history
                // written the way that release wrote it: into login_logs only.
                var previous = db.Database.GetMigrations().Single(m => m.EndsWith(provider == "Sqlite" ? "_OidcEdgesFrontchannelLogout" : "_PgInitial", StringComparison.Ordinal));
                await db.GetService<IMigrator>().MigrateAsync(previous);
                Assert.Equal(previous, (await db.Database.GetAppliedMigrationsAsync()).Last());
                var q = provider == "Sqlite" ? "" : "\"";
                string Col(string name) => q + name + q;
                var cols = string.Join(", ", new[] { "UserPoolId", "UserId", "AppId", "Method", "Success", "ErrorCode", "Ip", "UserAgent", "CreatedAt" }.Select(Col));
                var t = provider == "Sqlite" ? "1" : "true";
                var f = provider == "Sqlite" ? "0" : "false";
                // Note: no interpolated values: ids and literals are fixed strings of this test.
#pragma warning disable EF1002
                await db.Database.ExecuteSqlRawAsync($"""
                    INSERT INTO login_logs ({cols}) VALUES
                      ('{first.UserPoolId}', '{userId}', '{first.AppId}', 'password', {t}, NULL, '10.0.0.1', 'ua-1', '2026-01-01 10:00:00'),
                      ('{first.UserPoolId}', '{userId}', '{first.AppId}', 'password', {f}, 2333, '10.0.0.2', 'ua-2', '2026-01-01 11:00:00'),
                      ('{first.UserPoolId}', '{userId}', '{first.AppId}', 'sms', {f}, 1635, '10.0.0.3', 'ua-3', '2026-01-01 12:00:00')
                    """);
#pragma warning restore EF1002
                return 0;
            }, "");
        }

        await using var second = new GenAuthApp(dir, settings);
        var again = second.CreateGraphQLClient();
        // The user written before survives the forward migration (and the table rebuilds it needs on SQLite).
        var login = await again.LoginByEmailAsync("old@example.com");
        Assert.Equal(userId, GraphQLClient.Success(login, "loginByEmail")["id"]!.GetValue<string>());
        var moved = await second.QueryDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.UserId == userId && e.Ip != null && e.Ip.StartsWith("10.0.0.")).OrderBy(e => e.Id)
            .Select(e => new { e.Type, e.Outcome, e.ErrorCode, e.Ip, e.Detail, e.CreatedAt }).ToListAsync());
        Assert.Equal(new[] { "success", "failure", "challenge" }, moved.Select(e => e.Outcome));
        Assert.All(moved, e => Assert.Equal("login", e.Type));
        Assert.Equal(new int?[] { null, 2333, 1635 }, moved.Select(e => e.ErrorCode));
        Assert.Equal(new[] { "{\"method\":\"password\"}", "{\"method\":\"password\"}", "{\"method\":\"sms\"}" }, moved.Select(e => e.Detail));
        Assert.Equal(new DateTime(2026, 1, 1, 10, 0, 0), moved[0].CreatedAt);
        var retention = await second.QueryDbAsync(db => db.UserPools.Where(p => p.Id == second.UserPoolId).Select(p => p.AuditRetentionDays).SingleAsync(), "");
        Assert.Equal(180, retention);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheMigrateCommandAppliesTheMigrationsAndNothingElse(string provider)
    {
        var dir = NewDirectory();
        var args = new List<string> { "migrate", $"--GenAuth:DataDirectory={dir}", $"--GenAuth:Database:Provider={provider}" };
        string? connection = null;
        if (provider == "Postgres")
        {
            connection = PostgresServer.DatabaseFor(dir, migrated: false);
            args.Add($"--ConnectionStrings:Postgres={connection}");
        }
        var (code, output) = await RunServerAsync(args);
        Assert.True(code == 0, output);
        Assert.Contains("GenAuth: database migrated", output, StringComparison.Ordinal);

        var (applied, pools, all) = await ReadAsync(provider, dir, connection, async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(), await db.UserPools.CountAsync(), db.Database.GetMigrations().ToList()));
        Assert.Equal(all, applied);
        // Only migrations: no default pool (the server bootstraps that on its first start), no bootstrap.json.
        Assert.Equal(0, pools);
        Assert.False(File.Exists(Path.Combine(dir, "bootstrap.json")));
        if (provider == "Postgres")
            PostgresServer.Drop(dir);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WithMigrateOnStartOffTheServerRefusesAStaleSchema(string provider)
    {
        var dir = NewDirectory();
        if (provider == "Postgres")
            PostgresServer.DatabaseFor(dir, migrated: false);
        var settings = new Dictionary<string, string?>(Settings(provider)) { ["GenAuth:Database:MigrateOnStart"] = "false" };
        await using var app = new GenAuthApp(dir, settings);

        var e = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("GenAuth:Database:MigrateOnStart is false", Flatten(e), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    private static IReadOnlyDictionary<string, string?> Settings(string provider) =>
        new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider };

    private static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static async Task<T> ReadAsync<T>(string provider, string dir, string? connection, Func<GenAuthDbContext, Task<T>> read)
    {
        if (provider == "Postgres")
        {
            await using var pg = new PostgresGenAuthDbContext(new DbContextOptionsBuilder<PostgresGenAuthDbContext>().UseNpgsql(connection).Options);
            return await read(pg);
        }
        await using var db = new GenAuthDbContext(new DbContextOptionsBuilder<GenAuthDbContext>()
            .UseSqlite($"Data Source={Path.Combine(dir, "genauth.db")};Pooling=False").Options);
        var result = await read(db);
        SqliteConnection.ClearAllPools();
        return result;
    }

    /// <summary>Runs the built server (GenAuth.Server.dll beside the tests) with the arguments; its exit code and output.</summary>
    private static async Task<(int Code, string Output)> RunServerAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GenAuth.Server.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
