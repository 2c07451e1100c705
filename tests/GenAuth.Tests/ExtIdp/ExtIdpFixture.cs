using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Tokens;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// One GenAuth server and one real external provider (npm oidc-provider) for the identity-source tests, with an identity
/// source holding an OIDC connection "op1" (userMatchFields: email) and a GitHub preset connection "gh" whose endpoints
/// point at the provider's GitHub-shaped server.
/// </summary>
public sealed class ExtIdpFixture : IAsyncLifetime
{
    public OidcHost Host { get; } = new();
    public ExternalOp Op { get; private set; } = null!;
    public Uri Base { get; private set; } = null!;
    public string Admin { get; private set; } = null!;
    public string ExtIdpId { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Admin = await Host.AdminAsync();
        Base = new Uri(Host.App.Services.GetRequiredService<IssuerProvider>().BaseUrl + "/");
        Op = await ExternalOp.StartAsync([
            new Uri(Base, "connections/oidc/op1/callback").ToString(),
            new Uri(Base, "connections/social/gh/callback").ToString(),
            .. PresetIdentifiers.Select(id => new Uri(Base, $"connections/social/{id}/callback").ToString()),
            .. PresetIdentifiers.Select(id => new Uri(Base, $"connections/oidc/{id}/callback").ToString()),
        ]);
        var created = await RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Test OP", type = "oidc",
            connections = new object[]
            {
                new
                {
                    type = "oidc", identifier = "op1", displayName = "Test OP",
                    fields = new { issuerUrl = Op.Issuer.ToString(), clientId = ExternalOp.ClientId, clientSecret = Op.ClientSecret, scopes = "openid profile email" },
                    userMatchFields = new[] { "email" },
                },
                new
                {
                    type = "github", identifier = "gh", displayName = "GitHub",
                    fields = new
                    {
                        clientId = "gh-client", clientSecret = Op.ClientSecret,
                        authorizationEndpoint = new Uri(Op.Issuer, "/gh/login/oauth/authorize").ToString(),
                        tokenEndpoint = new Uri(Op.Issuer, "/gh/login/oauth/access_token").ToString(),
                        userInfoEndpoint = new Uri(Op.Issuer, "/gh/user").ToString(),
                    },
                },
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        ExtIdpId = created["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>Connections the preset tests create (their callbacks are registered at the provider).</summary>
    public static readonly string[] PresetIdentifiers = ["apple1", "apple-query", "apple-user", "line1", "line-basic", "fb1", "feishu1",
        "google1", "gitlab1", "slack1", "linkedin1", "linkedin-basic", "ms1", "ms-tenant", "ms-pinned", "gitee1"];

    public Browser NewBrowser() => new(Base);

    public async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = Host.Gql.NewRequest(method, path, token ?? Admin);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Host.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    public async Task DisposeAsync()
    {
        if (Op is not null)
            await Op.DisposeAsync();
        await Host.DisposeAsync();
    }
}
