namespace GenAuth.Tests.Compat;

/// <summary>
/// A fact that needs Node.js on PATH. Without it the test is reported as skipped
/// with the reason, at discovery: xunit 2 has no dynamic skip from a test body.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeTools.Find("node") is null)
        {
            Skip = "SKIPPED LOUDLY: `node` (Node.js >= 20) is not on PATH, so the official GenAuth JS SDK " +
                "compatibility tests (tests/sdk-compat) did not run. Install Node.js 20+ and npm.";
        }
    }
}

internal static class NodeTools
{
    /// <summary>The full path of an executable found on PATH, or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in new[] { name, name + ".exe", name + ".cmd" })
            {
                var full = Path.Combine(directory, candidate);
                if (File.Exists(full))
                {
                    return full;
                }
            }
        }

        return null;
    }
}
