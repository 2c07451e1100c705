using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using Microsoft.Extensions.DependencyInjection;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>The extIdp / extIdpConn REST API as the SDK's ManagementClient.tenant calls it: shapes, sealing, admin only.</summary>
public sealed class ExtIdpManagementTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();
    private string _admin = null!;

    public async Task InitializeAsync() => _admin = await _host.AdminAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null, string? token = "admin")
    {
        using var request = _host.Gql.NewRequest(method, path, token == "admin" ? _admin : token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await _host.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    private static object OidcConn(string identifier, string secret = "s3cr3t-value") => new
    {
        type = "oidc", identifier, displayName = "Corp SSO", logo = "https://example.com/logo.png",
        fields = new { issuerUrl = "https://idp.example.com", clientId = "cid", clientSecret = secret },
        userMatchFields = new[] { "email" },
    };

    [Fact]
    public async Task TheSdkPathsManageSourcesAndConnectionsAndNeverAnswerTheSecret()
    {
        var created = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new { name = "Corp", type = "oidc", tenantId = "t1", connections = new[] { OidcConn("corp") } });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        var idp = created["data"]!;
        var id = idp["id"]!.GetValue<string>();
        var conn = idp["connections"]![0]!;
        Assert.Equal("corp", conn["identifier"]!.GetValue<string>());
        Assert.Equal("cid", conn["fields"]!["clientId"]!.GetValue<string>());
        Assert.Null(conn["fields"]!["clientSecret"]);
        Assert.True(conn["enabled"]!.GetValue<bool>());
        Assert.DoesNotContain("s3cr3t-value", created.ToJsonString());

        // Sealed at rest: the secret's bytes are nowhere in the row.
        var row = await _host.App.QueryDbAsync(db => db.ExtIdpConns.SingleAsync(c => c.Identifier == "corp"));
        Assert.DoesNotContain("s3cr3t-value", row.FieldsJson);
        Assert.DoesNotContain("s3cr3t-value", Encoding.UTF8.GetString(row.SealedSecrets!));

        var list = await RestAsync(HttpMethod.Get, "/api/v2/extIdp?tenantId=t1");
        Assert.Equal(id, Assert.Single(list["data"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Empty((await RestAsync(HttpMethod.Get, "/api/v2/extIdp?tenantId=other"))["data"]!.AsArray());
        Assert.Equal("Corp", (await RestAsync(HttpMethod.Get, $"/api/v2/extIdp/{id}"))["data"]!["name"]!.GetValue<string>());
        Assert.Equal("Corp 2", (await RestAsync(HttpMethod.Put, $"/api/v2/extIdp/{id}", new { name = "Corp 2" }))["data"]!["name"]!.GetValue<string>());

        // The identifier check: success when free, 2702 when taken (the SDK turns that into "conflict").
        Assert.Equal(200, (await RestAsync(HttpMethod.Post, "/api/v2/check/extIdpConn/identifier", new { identifier = "free-one" }))["code"]!.GetValue<int>());
        Assert.Equal(2702, (await RestAsync(HttpMethod.Post, "/api/v2/check/extIdpConn/identifier", new { identifier = "corp" }))["code"]!.GetValue<int>());
        Assert.Equal(2702, (await RestAsync(HttpMethod.Post, "/api/v2/extIdpConn", new { extIdpId = id, type = "oidc", identifier = "corp", displayName = "x", fields = new { issuerUrl = "https://a.example", clientId = "c" } }))["code"]!.GetValue<int>());

        var second = await RestAsync(HttpMethod.Post, "/api/v2/extIdpConn", new { extIdpId = id, type = "github", identifier = "gh2", displayName = "GitHub", fields = new { clientId = "c", clientSecret = "gh-secret" } });
        Assert.Equal(200, second["code"]!.GetValue<int>());
        var connId = conn["id"]!.GetValue<string>();

        // An update without the secret keeps it; a new value replaces it (still never answered).
        var updated = await RestAsync(HttpMethod.Put, $"/api/v2/extIdpConn/{connId}", new { displayName = "Corp SSO 2", fields = new { issuerUrl = "https://idp2.example.com", clientId = "cid2" } });
        Assert.Equal("https://idp2.example.com", updated["data"]!["fields"]!["issuerUrl"]!.GetValue<string>());
        Dictionary<string, string> kept;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
            db.PoolId = _host.App.UserPoolId;
            kept = scope.ServiceProvider.GetRequiredService<ExtIdpService>().AllFields(await db.ExtIdpConns.SingleAsync(c => c.Id == connId));
        }
        Assert.Equal("s3cr3t-value", kept["clientSecret"]);

        Assert.Equal(200, (await RestAsync(HttpMethod.Put, $"/api/v2/extIdpConn/{connId}/state", new { enabled = false }))["code"]!.GetValue<int>());
        Assert.False((await _host.App.QueryDbAsync(db => db.ExtIdpConns.SingleAsync(c => c.Id == connId))).Enabled);
        Assert.Equal(200, (await RestAsync(HttpMethod.Put, $"/api/v2/extIdp/{id}/connState", new { enabled = true }))["code"]!.GetValue<int>());
        Assert.Equal(2, await _host.App.QueryDbAsync(db => db.ExtIdpConns.CountAsync(c => c.ExtIdpId == id && c.Enabled)));

        Assert.Equal(200, (await RestAsync(HttpMethod.Delete, $"/api/v2/extIdpConn/{connId}"))["code"]!.GetValue<int>());
        Assert.Equal(200, (await RestAsync(HttpMethod.Delete, $"/api/v2/extIdp/{id}"))["code"]!.GetValue<int>());
        Assert.Equal(2700, (await RestAsync(HttpMethod.Get, $"/api/v2/extIdp/{id}"))["code"]!.GetValue<int>());
        Assert.Equal(0, await _host.App.QueryDbAsync(db => db.ExtIdpConns.CountAsync()));
    }

    [Theory]
    [InlineData("bad id!", "https://idp.example.com")]        // identifier used in URLs
    [InlineData("ok-id", "http://idp.example.com")]            // plain http to a non-loopback provider
    [InlineData("ok-id", "not a url")]
    public async Task BadConnectionsAreRefusedWithTheFieldAndNothingIsStored(string identifier, string issuer)
    {
        var r = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Bad", type = "oidc",
            connections = new[] { new { type = "oidc", identifier, displayName = "x", fields = new { issuerUrl = issuer, clientId = "c" } } },
        });
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, r["code"]!.GetValue<int>());
        Assert.Equal(0, await _host.App.QueryDbAsync(db => db.ExtIdps.CountAsync()));
    }

    [Fact]
    public async Task OnlyAnAdminOfThePoolMayManageIdentitySources()
    {
        var (_, userToken) = await _host.Gql.RegisterAndLoginAsync("plain@example.com");
        var asUser = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new { name = "X", type = "oidc" }, userToken);
        Assert.NotEqual(200, asUser["code"]!.GetValue<int>());
        var anonymous = await RestAsync(HttpMethod.Get, "/api/v2/extIdp", token: null);
        Assert.NotEqual(200, anonymous["code"]!.GetValue<int>());
        Assert.Equal(0, await _host.App.QueryDbAsync(db => db.ExtIdps.CountAsync()));

        // Another pool's admin doesn't see this pool's sources.
        var created = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new { name = "Mine", type = "oidc" });
        var other = await _host.App.CreatePoolAsync();
        var otherGql = _host.App.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherGql.ManagementTokenAsync(other.Secret, other.Pool.Id);
        using var request = otherGql.NewRequest(HttpMethod.Get, "/api/v2/extIdp/" + created["data"]!["id"]!.GetValue<string>(), otherAdmin);
        var seen = await GraphQLClient.ReadJsonAsync(await otherGql.Http.SendAsync(request));
        Assert.Equal(2700, seen["code"]!.GetValue<int>());
    }
}
