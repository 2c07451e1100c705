using GenAuth.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// A migrated, empty SQLite database made once per test process and copied into each fresh test server's data
/// directory, so a server start finds its schema up to date instead of running every migration on a new file (the
/// SQLite counterpart of <see cref="PostgresServer"/>'s template database). The server still runs its own start-up
/// migration step (nothing pending) and bootstrap, so what a test sees is what a first start on a new file gives.
/// </summary>
public static class SqliteTemplate
{
    /// <summary>GENAUTH_TEST_SQLITE_TEMPLATE=0 migrates every server's new file as before (to compare, or to rule the template out).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("GENAUTH_TEST_SQLITE_TEMPLATE") != "0";

    private static readonly Lazy<string> File = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Copies the template to <paramref name="path"/> (owner-only, as the server creates its file).</summary>
    public static void CopyTo(string path)
    {
        System.IO.File.Copy(File.Value, path, overwrite: false);
        if (!OperatingSystem.IsWindows())
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "genauth-tests", "template-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "genauth.db");
        System.IO.File.Delete(path);
        // Note: no pooling, so the last close checkpoints the WAL into the file and the copy is the whole database.
        var options = new DbContextOptionsBuilder<GenAuthDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options;
        using (var db = new GenAuthDbContext(options))
        {
            DatabaseSetup.MigrateAsync(db, CancellationToken.None).GetAwaiter().GetResult();
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE);");
            db.Database.CloseConnection();
        }
        if (System.IO.File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0)
            throw new InvalidOperationException($"the SQLite template {path} kept a non-empty WAL");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Note: best effort at exit; the OS temp cleaner gets the directory.
            }
        };
        return path;
    }
}
