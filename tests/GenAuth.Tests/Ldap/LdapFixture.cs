using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.Ldap;

/// <summary>
/// A real slapd and a GenAuth server with one identity source holding: "corp" (LDAP over ldap:// on loopback, a filter
/// with an objectClass clause, a custom mapping, mail trusted as verified), "corp-tls" (ldaps:// trusting the test CA)
/// and "ad1" (type ad, StartTLS, default AD mapping). Connections that must fail (untrusted TLS, a directory that is
/// down, a wrong service password) are made by the tests that need them and deleted after.
/// </summary>
public sealed class LdapFixture : IAsyncLifetime
{
    public Slapd Directory { get; private set; } = null!;
    public OidcHost Host { get; } = new();
    public string ExtIdpId { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory = new Slapd();
        var created = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Corp directory", type = "ldap",
            connections = new object[]
            {
                Conn("ldap", "corp", new()
                {
                    ["ldapConnection"] = Directory.LdapUrl,
                    ["searchStandard"] = "(&(objectClass=inetOrgPerson)(uid=%s))",
                    ["mapping"] = new JsonObject { ["username"] = "employeeNumber", ["name"] = "sn" },
                    ["emailVerified"] = "true",
                }),
                Conn("ldap", "corp-tls", new() { ["ldapConnection"] = Directory.LdapsUrl, ["tlsCaCert"] = Directory.CaPem }),
                Conn("ad", "ad1", new() { ["ldapConnection"] = Directory.LdapUrl, ["startTls"] = "true", ["tlsCaCert"] = Directory.CaPem }),
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        ExtIdpId = created["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>A connection to the test directory (service account, people OU) with the given fields on top.</summary>
    public object Conn(string type, string identifier, JsonObject fields)
    {
        var all = new JsonObject
        {
            ["bindDn"] = Slapd.ServiceDn,
            ["bindPassword"] = Slapd.ServicePassword,
            ["baseDn"] = Slapd.People,
        };
        foreach (var (k, v) in fields)
            all[k] = v?.DeepClone();
        return new { type, identifier, displayName = identifier, fields = all };
    }

    public async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = Host.Gql.NewRequest(method, path, token ?? await Host.AdminAsync());
        if (token == "")
            request.Headers.Authorization = null;
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
            request.Headers.Add(k, v);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Host.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory?.Dispose();
    }
}
