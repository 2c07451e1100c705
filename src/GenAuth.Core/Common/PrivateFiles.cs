using System.Text;

namespace GenAuth.Core.Common;

/// <summary>
/// The data directory holds the database, the master key, live codes (outbox.jsonl) and the pool secret
/// (bootstrap.json): on Unix everything the server creates there is owner-only (directories 0700, files 0600) from the
/// moment it exists, never created with the umask's 0644 and tightened afterwards. Windows keeps its inherited ACLs.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Creates the directory (and missing parents) as 0700. An existing directory is left as the operator made it:
    /// it may be shared on purpose (a mount point, "."), and the files inside are 0600 anyway.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        // Note: Directory.CreateDirectory(path, mode) gives the mode to the last directory only; missing parents
        // (data/uploads for data/uploads/avatar) are created one by one, each 0700.
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(path); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
            missing.Push(dir);
        while (missing.TryPop(out var dir))
            Directory.CreateDirectory(dir, DirectoryMode);
    }

    /// <summary>Replaces the file's content; a new file is created 0600, an existing one is tightened to 0600 first.</summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken ct)
    {
        await using var stream = Open(path, System.IO.FileMode.Create);
        await stream.WriteAsync(Utf8.GetBytes(text), ct);
    }

    /// <summary>Appends to the file; a new file is created 0600.</summary>
    public static async Task AppendAllTextAsync(string path, string text, CancellationToken ct)
    {
        await using var stream = Open(path, System.IO.FileMode.Append);
        await stream.WriteAsync(Utf8.GetBytes(text), ct);
    }

    public static async Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken ct)
    {
        await using var stream = Open(path, System.IO.FileMode.Create);
        await stream.WriteAsync(bytes, ct);
    }

    /// <summary>A new file opened for writing as 0600; throws IOException when it exists (another instance won).</summary>
    public static FileStream CreateNew(string path) => Open(path, System.IO.FileMode.CreateNew);

    /// <summary>
    /// Creates an empty file 0600 when it is missing (SQLite accepts an empty file as a new database and gives its
    /// -wal and -shm files the database file's mode), and tightens one the server created earlier with the umask.
    /// </summary>
    public static void EnsureFile(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        if (File.Exists(path))
        {
            Tighten(path);
            return;
        }
        try
        {
            using var _ = Open(path, System.IO.FileMode.CreateNew);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance on the same directory created it first.
        }
    }

    /// <summary>Removes group and other access from a file this server owns (one written by an older version).</summary>
    public static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
            return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0)
            File.SetUnixFileMode(path, mode & FileMode);
    }

    private static FileStream Open(string path, System.IO.FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (OperatingSystem.IsWindows())
            return new FileStream(path, options);
        options.UnixCreateMode = FileMode;
        if (mode != System.IO.FileMode.CreateNew)
            Tighten(path);
        return new FileStream(path, options);
    }
}
