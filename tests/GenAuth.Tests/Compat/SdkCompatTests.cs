using Xunit.Abstractions;

namespace GenAuth.Tests.Compat;

/// <summary>
/// The official authing-js-sdk@4.23.55 from npm (tests/sdk-compat) driving the built server,
/// so that `dotnet test` runs the real-client tests too.
/// </summary>
public sealed class SdkCompatTests(ITestOutputHelper output)
{
    [Fact]
    public Task OfficialJsSdkPassesAgainstTheServer() =>
        new NodeSuite(output, "sdk-compat", "authing-js-sdk").RunAsync([]);
}
