using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// Issue 15: the SDK's enterprise.authorize("oidc", identifier) — public-config names this server's start URL for the
/// connection, start-interaction checks it, and the popup runs the usual flow, answering "enterpriseLogin" to the opener.
/// </summary>
public sealed class EnterpriseAuthorizeTests(ExtIdpFixture f) : IClassFixture<ExtIdpFixture>
{
    [Fact]
    public async Task ThePublicConfigsStartUrlSignsInThroughThePopupAndAnswersEnterpriseLogin()
    {
        var appId = f.Host.App.AppId;
        var config = await f.RestAsync(HttpMethod.Get, $"/api/v2/applications/{appId}/public-config");
        Assert.Equal(200, config["code"]!.GetValue<int>());
        var op1 = config["data"]!["identityProviders"]!.AsArray().Single(p => p!["identifier"]!.GetValue<string>() == "op1")!;
        Assert.Equal("oidc", op1["protocol"]!.GetValue<string>());
        Assert.Equal(appId, op1["config"]!["clientId"]!.GetValue<string>());
        var endpoint = op1["config"]!["authorizationEdpoint"]!.GetValue<string>();
        Assert.EndsWith("/connections/oidc/op1/enterprise", endpoint, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", config.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var interaction = await f.RestAsync(HttpMethod.Post, "/api/v2/connections/oidc/start-interaction",
            new { state = "s1", protocol = "oidc", appId, connection = new { providerIentifier = "op1" } });
        Assert.Equal(200, interaction["code"]!.GetValue<int>());
        var unknown = await f.RestAsync(HttpMethod.Post, "/api/v2/connections/oidc/start-interaction",
            new { appId, connection = new { providerIentifier = "nope" } });
        Assert.Equal(2701, unknown["code"]!.GetValue<int>());

        // The URL the SDK opens: the endpoint with its own state, client_id, redirect_uri, scope, response_type and nonce.
        var name = $"ent{Guid.NewGuid():N}"[..20];
        var login = $"{name}~{name}@example.com~1";
        var sdkUrl = new Uri(endpoint).PathAndQuery + $"?state=sdk-state&client_id={appId}&redirect_uri=x&scope=openid&response_type=code&nonce=n";
        var browser = f.NewBrowser();
        var done = await browser.Http.GetAsync(await f.Op.SignInAtProviderAsync(browser, f.Base, sdkUrl, login));
        var html = await done.Content.ReadAsStringAsync();
        Assert.True(done.StatusCode == HttpStatusCode.OK, html);
        var message = JsonNode.Parse(WebUtility.HtmlDecode(Regex.Match(html, "data-message=\"([^\"]+)\"").Groups[1].Value))!;
        Assert.Equal(200, message["code"]!.GetValue<int>());
        Assert.Equal("enterpriseLogin", message["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal(name + "@example.com", message["data"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownAppHasNoPublicConfigAndTheStartNeedsAnApp()
    {
        var missing = await f.RestAsync(HttpMethod.Get, "/api/v2/applications/5f00000000000000000fff01/public-config");
        Assert.Equal(2043, missing["code"]!.GetValue<int>());
        var start = await f.NewBrowser().Http.GetAsync(new Uri(f.Base, "/connections/oidc/op1/enterprise?client_id=5f00000000000000000fff01"));
        Assert.NotEqual(HttpStatusCode.Redirect, start.StatusCode);
    }
}
