using GenAuth.Tests.Compat;
using Xunit.Abstractions;

namespace GenAuth.Tests.Ide;

/// <summary>
/// Headless Debian Chromium (playwright-core, tests/browser) opens the IDE served by the built server,
/// sees it introspect and run a query, and checks that no request left the machine.
/// </summary>
public sealed class BrowserIdeTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public Task BananaCakePopLoadsIntrospectsAndRunsAQueryOffline() =>
        new NodeSuite(output, "browser", "playwright-core").RunAsync(["ide.spec.mjs"]);
}

/// <summary>A Node fact that also needs Debian's Chromium (installed by .ci/run).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : NodeFactAttribute
{
    public ChromiumFactAttribute()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (Skip is null && !File.Exists(chromium))
        {
            Skip = $"SKIPPED LOUDLY: {chromium} is missing, so the IDE browser test did not run (apt-get install chromium).";
        }
    }
}
