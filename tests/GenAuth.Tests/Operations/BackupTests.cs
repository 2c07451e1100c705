using GenAuth.Server.Operations;
using GenAuth.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Operations;

/// <summary>
/// `GenAuth.Server backup &lt;file&gt;`: a consistent snapshot taken while users register, and a server started on it.
/// SQLite only (VACUUM INTO; PostgreSQL is backed up with pg_dump): the servers here run on SQLite in every run.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    public async Task ASnapshotTakenDuringWritesRestoresIntoAWorkingServer()
    {
        await using var app = new GenAuthApp(settings: GenAuthApp.OnSqlite(GenAuthApp.RoomyQuotas));
        var client = app.CreateGraphQLClient();
        var first = $"before{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await client.RegisterByEmailAsync(first), "registerByEmail");

        // Registrations keep running while the snapshot is taken.
        using var stop = new CancellationTokenSource();
        var registered = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.RegisterByEmailAsync($"during{Guid.NewGuid():N}@example.com");
                Interlocked.Increment(ref registered);
            }
        });
        while (Volatile.Read(ref registered) < 3)
            await Task.Delay(20);
        var backupDirectory = Path.Combine(Path.GetTempPath(), "genauth-tests", "backup-" + Guid.NewGuid().ToString("N"));
        var snapshot = Path.Combine(backupDirectory, "genauth.db");
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BackupCommand.RunAsync([snapshot, $"--GenAuth:DataDirectory={app.DataDirectory}"], output, error);
        var atSnapshot = Volatile.Read(ref registered);
        while (Volatile.Read(ref registered) < atSnapshot + 3)
            await Task.Delay(20);
        await stop.CancelAsync();
        await writer;
        Assert.True(exit == 0, error.ToString());
        Assert.Contains("master.key", output.ToString());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(snapshot));

        // The copy is one consistent database, not a torn file.
        await using (var check = new SqliteConnection($"Data Source={snapshot};Pooling=false"))
        {
            await check.OpenAsync();
            await using var integrity = check.CreateCommand();
            integrity.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await integrity.ExecuteScalarAsync());
        }

        // Restore: the snapshot and the master key in a fresh data directory, a server started on it.
        File.Copy(Path.Combine(app.DataDirectory, "master.key"), Path.Combine(backupDirectory, "master.key"));
        await using var restored = new GenAuthApp(dataDirectory: backupDirectory, settings: GenAuthApp.OnSqlite());
        var restoredClient = restored.CreateGraphQLClient();
        GraphQLClient.Success(await restoredClient.LoginByEmailAsync(first), "loginByEmail");
        var users = await restored.QueryDbAsync(db => db.Users.CountAsync());
        var live = await app.QueryDbAsync(db => db.Users.CountAsync());
        // Writes acknowledged before the snapshot are in it, those after it are not.
        Assert.InRange(users, 1 + 3, live - 3);
    }

    /// <summary>The command as an operator types it: the server's own binary, `backup &lt;file&gt;`, beside the running server.</summary>
    [Fact]
    public async Task TheServerBinaryTakesTheSnapshot()
    {
        await using var app = new GenAuthApp(settings: GenAuthApp.OnSqlite());
        var email = $"cli{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await app.CreateGraphQLClient().RegisterByEmailAsync(email), "registerByEmail");
        var snapshot = Path.Combine(Path.GetTempPath(), "genauth-tests", "backup-" + Guid.NewGuid().ToString("N"), "snap.db");
        var dll = typeof(Program).Assembly.Location;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "backup", snapshot, $"--GenAuth:DataDirectory={app.DataDirectory}" })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            await process.WaitForExitAsync(guard.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stdout}\n{await stderr}");
        Assert.Contains("snapshot written", await stdout);
        await using var check = new SqliteConnection($"Data Source={snapshot};Pooling=false;Mode=ReadOnly");
        await check.OpenAsync();
        await using var query = check.CreateCommand();
        query.CommandText = "SELECT count(*) FROM users WHERE EmailNormalized = $e";
        query.Parameters.AddWithValue("$e", email);
        Assert.Equal(1L, await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ABackupNeverOverwritesAFileAndNeedsADatabase()
    {
        var directory = Path.Combine(Path.GetTempPath(), "genauth-tests", "backup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var existing = Path.Combine(directory, "taken.db");
        await File.WriteAllTextAsync(existing, "keep me");
        var error = new StringWriter();
        Assert.Equal(1, await BackupCommand.RunAsync([existing, $"--GenAuth:DataDirectory={directory}"], TextWriter.Null, error));
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
        // No database in the data directory: refused, and none is created.
        Assert.Equal(1, await BackupCommand.RunAsync([Path.Combine(directory, "new.db"), $"--GenAuth:DataDirectory={directory}"], TextWriter.Null, error));
        Assert.False(File.Exists(Path.Combine(directory, "genauth.db")));
        Assert.Equal(2, await BackupCommand.RunAsync([], TextWriter.Null, error));
    }
}
