using GenAuth.Core;
using GenAuth.Core.Data;
using GenAuth.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace GenAuth.Server.Operations;

/// <summary>
/// <c>GenAuth.Server backup &lt;file&gt; [--GenAuth:DataDirectory=…]</c>: a consistent copy of the SQLite database taken
/// with <c>VACUUM INTO</c> while the server runs (one read transaction: writers go on, the copy is one instant).
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";

    /// <summary>Runs the command; <paramref name="args"/> are those after "backup". The process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync("usage: GenAuth.Server backup <file> [--GenAuth:DataDirectory=<dir>]");
            return 2;
        }
        var file = Path.GetFullPath(args[0]);
        // Note: the rest are configuration overrides, read the way the server reads them (appsettings, environment, arguments).
        var builder = WebApplication.CreateBuilder(args[1..]);
        builder.Configuration.AddServerDefaults(builder.Environment);
        if (builder.Configuration["GenAuth:Database:Provider"] is { } provider && !provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync($"The database provider is {provider}: back it up with its own tools (PostgreSQL: pg_dump, see README \"Operations\").");
            return 2;
        }
        var options = builder.Configuration.GetSection(GenAuthOptions.Section).Get<GenAuthOptions>() ?? new GenAuthOptions();
        try
        {
            await SnapshotAsync(DatabaseSetup.SqliteConnectionString(options), file, CancellationToken.None);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            await error.WriteLineAsync($"backup failed: {e.Message}");
            return 1;
        }
        await output.WriteLineAsync($"SQLite snapshot written to {file}. Keep {Path.Combine(Path.GetFullPath(options.DataDirectory), "master.key")} " +
                                    "(or GenAuth:MasterKey) with it: without the master key the sealed keys and secrets can't be opened.");
        return 0;
    }

    /// <summary>Writes a consistent snapshot of the database to a new file (refuses to overwrite one).</summary>
    public static async Task SnapshotAsync(string connectionString, string file, CancellationToken ct)
    {
        if (File.Exists(file))
            throw new IOException($"{file} exists; a backup is never written over a file");
        var directory = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var source = new SqliteConnectionStringBuilder(connectionString);
        if (!File.Exists(source.DataSource))
            throw new InvalidOperationException($"no database at {source.DataSource}");
        // Note: ReadWrite, not ReadWriteCreate, and unpooled: the command never creates a database and leaves no handle behind.
        source.Mode = SqliteOpenMode.ReadWrite;
        source.Pooling = false;
        // Note: the copy holds password hashes and sealed keys: an empty owner-only file first (VACUUM INTO fills an empty file).
        await using (File.Create(file))
        {
        }
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var connection = new SqliteConnection(source.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $file";
        command.Parameters.AddWithValue("$file", file);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }
}
