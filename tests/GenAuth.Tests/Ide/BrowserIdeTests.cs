using GenAuth.Tests.Compat;
using GenAuth.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GenAuth.Tests.Ide;

/// <summary>
/// Headless Debian Chromium (playwright-core, tests/browser/ide.spec.mjs) opens the IDE served by the built server,
/// sees it introspect, types an operation into its editor, presses Run and reads the answer in its response pane
/// (no fallback: an editor it can't drive fails the test), and checks that no request left the machine.
/// </summary>
public sealed class BrowserIdeTests(ITestOutputHelper output)
{
    [Fact]
    public Task BananaCakePopLoadsIntrospectsAndRunsAQueryOffline()
    {
        Requires.Chromium();
        return new NodeSuite(output, "browser", "playwright-core").RunAsync(["ide.spec.mjs"]);
    }
}
