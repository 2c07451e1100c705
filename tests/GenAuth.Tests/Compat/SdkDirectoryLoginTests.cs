using GenAuth.Tests.Ldap;
using Xunit.Abstractions;

namespace GenAuth.Tests.Compat;

/// <summary>
/// authing-js-sdk@4.23.55's loginByLdap and loginByAd (tests/sdk-compat/ldap-directory.sdk.mjs) against the built server
/// and a real slapd started here (the node file is not picked up by the main SDK suite: it needs this directory).
/// </summary>
public sealed class SdkDirectoryLoginTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OfficialJsSdkDirectoryLoginsPassAgainstARealDirectory()
    {
        using var directory = new Slapd();
        await new NodeSuite(output, "sdk-compat", "authing-js-sdk").RunAsync(["ldap-directory.sdk.mjs"], new Dictionary<string, string>
        {
            ["GENAUTH_TEST_LDAP_URL"] = directory.LdapUrl,
            ["GENAUTH_TEST_LDAP_PEOPLE"] = Slapd.People,
            ["GENAUTH_TEST_LDAP_BIND_DN"] = Slapd.ServiceDn,
            ["GENAUTH_TEST_LDAP_BIND_PASSWORD"] = Slapd.ServicePassword,
        });
    }
}
