using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Duende.IdentityModel.OidcClient;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.Tenants;

/// <summary>
/// A tenant-enabled app through the OIDC server: GenAuth's tenant_id authorization parameter (the SDK's
/// buildAuthorizeUrl tenantId) runs the sign-in under the tenant (SignInService checks it) and the id token carries it.
/// </summary>
public sealed class TenantOidcTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcHost Host => fixture.Host;

    private async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null)
    {
        var request = Host.Gql.NewRequest(method, path, await Host.AdminAsync());
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Host.Gql.Http.SendAsync(request);
        var envelope = await GraphQLClient.ReadJsonAsync(response);
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private OidcClient Client(Browser browser, string id, string? secret) => new(new OidcClientOptions
    {
        Authority = Host.BaseUri.ToString().TrimEnd('/') + "/oidc",
        ClientId = id,
        ClientSecret = secret,
        TokenClientCredentialStyle = Duende.IdentityModel.Client.ClientCredentialStyle.AuthorizationHeader,
        RedirectUri = OidcHost.Callback,
        Scope = "openid profile",
        Browser = new RedirectBrowser(browser),
        Policy = { Discovery = { RequireHttps = false } },
    });

    [Fact]
    public async Task TheIdTokenOfASignInUnderATenantCarriesItAndNonMembersAreRefused()
    {
        var (appId, secret) = await Host.CreateClientAsync(name: "Tenant RP");
        await RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType = "BOTH" });
        var tenantId = (await RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name = "oidc-tenant", appIds = appId }))["id"]!.GetValue<string>();
        var member = $"m{Guid.NewGuid():N}@example.com";
        var memberId = await Host.RegisterAsync(member);
        await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{tenantId}/user", new { userIds = new[] { memberId } });
        var outsider = $"o{Guid.NewGuid():N}@example.com";
        await Host.RegisterAsync(outsider);
        var underTenant = new LoginRequest { FrontChannelExtraParameters = new Duende.IdentityModel.Client.Parameters { { "tenant_id", tenantId } } };

        var signedIn = await Client(await Host.SignedInBrowserAsync(member, appId), appId, secret).LoginAsync(underTenant);
        Assert.False(signedIn.IsError, signedIn.Error + " " + signedIn.ErrorDescription);
        Assert.Equal(tenantId, Jwt.Payload(signedIn.IdentityToken)["tenant_id"]!.GetValue<string>());

        var plain = await Client(await Host.SignedInBrowserAsync(member, appId), appId, secret).LoginAsync();
        Assert.False(plain.IsError, plain.Error);
        Assert.Null(Jwt.Payload(plain.IdentityToken)["tenant_id"]);

        var refused = await Client(await Host.SignedInBrowserAsync(outsider, appId), appId, secret).LoginAsync(underTenant);
        Assert.True(refused.IsError);
        Assert.Contains("access_denied", refused.Error + " " + refused.ErrorDescription);
    }
}
