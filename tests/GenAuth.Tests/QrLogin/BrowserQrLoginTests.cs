using GenAuth.Tests.Compat;
using GenAuth.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GenAuth.Tests.QrLogin;

/// <summary>
/// Headless Debian Chromium (playwright-core, tests/browser/qrcode.spec.mjs) opens the hosted QR login page of the
/// built server; the app scans, confirms or cancels over REST and the page follows without polling (WebSocket, then
/// SSE with WebSockets blocked). Screenshots land in tests/browser/artifacts/.
/// </summary>
public sealed class BrowserQrLoginTests(ITestOutputHelper output)
{
    [Fact]
    public Task HostedPageFollowsScanConfirmAndCancelLive()
    {
        Requires.Chromium();
        return new NodeSuite(output, "browser", "playwright-core").RunAsync(["qrcode.spec.mjs"]);
    }
}
