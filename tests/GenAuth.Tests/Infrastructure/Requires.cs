namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// What only a system package provides (Node.js, Chromium, redis-server). ./tests/run installs them; a test that
/// can't find one FAILS with a message naming the component and the command that installs it. Nothing is skipped:
/// a skipped test on a machine that lacks a package looked like a pass.
/// </summary>
public static class Requires
{
    public static string Node() =>
        Find("node") ?? throw Missing("node (Node.js >= 20)", "apt-get install nodejs npm");

    public static string Npm() =>
        Find("npm") ?? throw Missing("npm", "apt-get install npm");

    /// <summary>Debian's Chromium, or CHROMIUM_PATH; the browser suites in tests/browser drive it.</summary>
    public static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        return File.Exists(path) ? path : throw Missing($"chromium ({path})", "apt-get install chromium");
    }

    public static string RedisServer() =>
        Find("redis-server") ?? throw Missing("redis-server", "apt-get install redis-server");

    /// <summary>The full path of an executable found on PATH, or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.Combine(directory, name);
            if (File.Exists(full))
                return full;
        }
        return null;
    }

    private static MissingComponentException Missing(string component, string install) =>
        new($"{component} is not installed: run ./tests/run (it installs what the tests need), or {install}");
}

/// <summary>A component a test needs is not on this machine; the message says how to install it.</summary>
public sealed class MissingComponentException(string message) : Exception(message);
