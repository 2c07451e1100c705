using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// Per-app connection state (the SDK's changeExtIdpConnectionState / batchChangeExtIdpConnectionState with appId and
/// tenantId): the hosted login page of an app lists only the connections switched on for it, and every way in through a
/// connection switched off for the app — the page's button, a direct start URL, a callback already under way — is
/// refused with 2625 and writes nothing. Each test uses apps of its own, so the default app keeps every connection.
/// </summary>
public sealed class ConnAppStateTests(ExtIdpFixture f) : IClassFixture<ExtIdpFixture>
{
    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private async Task<string> ConnIdAsync(string identifier)
    {
        var idp = await f.RestAsync(HttpMethod.Get, $"/api/v2/extIdp/{f.ExtIdpId}");
        return idp["data"]!["connections"]!.AsArray().Single(c => c!["identifier"]!.GetValue<string>() == identifier)!["id"]!.GetValue<string>();
    }

    private async Task<string> NewAppAsync(string? appType = null)
    {
        var (appId, _) = await f.Host.CreateClientAsync(name: Unique("app"));
        if (appType is not null)
            Assert.Equal(200, (await f.RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType }))["code"]!.GetValue<int>());
        return appId;
    }

    private async Task<int> SwitchAsync(string connId, object body) =>
        (await f.RestAsync(HttpMethod.Put, $"/api/v2/extIdpConn/{connId}/state", body))["code"]!.GetValue<int>();

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, Uri url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    private async Task<string> LoginPageAsync(string query)
    {
        var (r, html) = await GetAsync(f.NewBrowser(), new Uri(f.Base, "/login?" + query));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return html;
    }

    [Fact]
    public async Task AnAppsLoginPageShowsOnlyItsConnectionsAndADirectStartUrlIsRefused()
    {
        var op1 = await ConnIdAsync("op1");
        var app = await NewAppAsync();
        Assert.Contains("id=\"extidp-op1\"", await LoginPageAsync($"app_id={app}"));

        Assert.Equal(200, await SwitchAsync(op1, new { appId = app, enabled = false }));
        var page = await LoginPageAsync($"app_id={app}&lang=en-US");
        Assert.DoesNotContain("extidp-op1", page);
        Assert.Contains("id=\"extidp-gh\"", page);
        // Another app (the default one) keeps it.
        Assert.Contains("id=\"extidp-op1\"", await LoginPageAsync(""));

        // Typing the start URL (social or oidc path, any flow mode) starts nothing for that app: 2625, no flow cookie.
        foreach (var start in new[]
                 {
                     $"/connections/social/op1?app_id={app}&lang=en-US", $"/connections/oidc/op1?app_id={app}&lang=en-US",
                     $"/connections/social/op1?app_id={app}&from_guard=1&lang=en-US",
                 })
        {
            var (r, body) = await GetAsync(f.NewBrowser(), new Uri(f.Base, start));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains(ErrorCodes.ExtIdpConnDisabledForApp.EnUs, body);
            Assert.False(r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("ga_ext_", StringComparison.Ordinal)));
        }

        // Switched on again: the button is back and completes the login.
        Assert.Equal(200, await SwitchAsync(op1, new { appId = app, enabled = true }));
        var html = await LoginPageAsync($"app_id={app}&return_url=/after");
        var href = Regex.Match(html, "id=\"extidp-op1\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith($"/connections/social/op1?app_id={app}", href);
        var name = Unique("on");
        var login = $"{name}~{name}@example.com~1";
        var browser = f.NewBrowser();
        var (done, doneBody) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, href, login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, doneBody);
    }

    [Fact]
    public async Task ACallbackUnderWayWhenTheConnectionIsSwitchedOffForItsAppSignsNobodyIn()
    {
        var op1 = await ConnIdAsync("op1");
        var app = await NewAppAsync();
        var name = Unique("mid");
        var login = $"{name}~{name}@example.com~1";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, $"/connections/oidc/op1?app_id={app}&return_url=/after&lang=en-US", login);
        Assert.Equal(200, await SwitchAsync(op1, new { appId = app, enabled = false }));
        var (r, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(ErrorCodes.ExtIdpConnDisabledForApp.EnUs, body);
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.UserIdentities.CountAsync(i => i.ProviderUserId == login)));
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == name + "@example.com")));
    }

    [Fact]
    public async Task ATenantsSwitchesApplyToTenantEnabledAppsAndTheMostSpecificWins()
    {
        var op1 = await ConnIdAsync("op1");
        var gh = await ConnIdAsync("gh");
        var app = await NewAppAsync("BOTH");
        var plainApp = await NewAppAsync();
        var tenant = (await f.RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name = Unique("t"), appIds = $"{app},{plainApp}" }))["data"]!["id"]!
            .GetValue<string>();

        // op1 off for this app under this tenant only; gh off for every app of the tenant, but on for this app under it.
        Assert.Equal(200, await SwitchAsync(op1, new { appId = app, tenantId = tenant, enabled = false }));
        Assert.Equal(200, await SwitchAsync(gh, new { tenantId = tenant, enabled = false }));
        var under = await LoginPageAsync($"app_id={app}&tenant_id={tenant}");
        Assert.DoesNotContain("extidp-op1", under);
        Assert.DoesNotContain("extidp-gh", under);
        Assert.Equal(200, await SwitchAsync(gh, new { appId = app, tenantId = tenant, enabled = true }));
        under = await LoginPageAsync($"app_id={app}&tenant_id={tenant}");
        Assert.DoesNotContain("extidp-op1", under);
        // The button carries the tenant, so the flow (and its callback) runs under it.
        Assert.Matches($"id=\"extidp-gh\" href=\"/connections/social/gh\\?app_id={app}&tenant_id={tenant}&", under);

        // The same app outside the tenant keeps both; an app that doesn't sign in under tenants ignores the tenant's switch.
        var outside = await LoginPageAsync($"app_id={app}");
        Assert.Contains("id=\"extidp-op1\"", outside);
        Assert.Contains("id=\"extidp-gh\"", outside);
        Assert.Contains("id=\"extidp-gh\"", await LoginPageAsync($"app_id={plainApp}&tenant_id={tenant}"));

        var (r, body) = await GetAsync(f.NewBrowser(), new Uri(f.Base, $"/connections/social/op1?app_id={app}&tenant_id={tenant}&lang=en-US"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains(ErrorCodes.ExtIdpConnDisabledForApp.EnUs, body);
    }

    [Fact]
    public async Task ThePoolWideSwitchIsTheMasterAndTheBatchSwitchCoversEveryConnectionOfTheSource()
    {
        var identifier = Unique("m");
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Master", type = "github",
            connections = new object[]
            {
                new
                {
                    type = "github", identifier, displayName = "Master GH",
                    fields = new { clientId = "m", clientSecret = "m-secret", authorizationEndpoint = new Uri(f.Op.Issuer, "/gh/login/oauth/authorize").ToString() },
                },
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        var idpId = created["data"]!["id"]!.GetValue<string>();
        var connId = created["data"]!["connections"]![0]!["id"]!.GetValue<string>();
        var app = await NewAppAsync();

        Assert.Equal(200, await SwitchAsync(connId, new { appId = app, enabled = true }));
        Assert.Equal(200, await SwitchAsync(connId, new { enabled = false }));
        Assert.DoesNotContain($"extidp-{identifier}", await LoginPageAsync($"app_id={app}"));
        var (r, _) = await GetAsync(f.NewBrowser(), new Uri(f.Base, $"/connections/social/{identifier}?app_id={app}"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode); // off for the pool: unknown, as before (2701)

        Assert.Equal(200, await SwitchAsync(connId, new { enabled = true }));
        Assert.Contains($"id=\"extidp-{identifier}\"", await LoginPageAsync($"app_id={app}"));
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Put, $"/api/v2/extIdp/{idpId}/connState", new { appId = app, enabled = false }))["code"]!.GetValue<int>());
        Assert.DoesNotContain($"extidp-{identifier}", await LoginPageAsync($"app_id={app}"));
        Assert.Contains($"id=\"extidp-{identifier}\"", await LoginPageAsync(""));
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Delete, $"/api/v2/extIdp/{idpId}"))["code"]!.GetValue<int>());
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.ExtIdpConnAppStates.CountAsync(s => s.ConnId == connId)));
    }

    [Fact]
    public async Task AnUnknownAppOrTenantOrANonAdminCallerChangesNothing()
    {
        var op1 = await ConnIdAsync("op1");
        var before = await f.Host.App.QueryDbAsync(db => db.ExtIdpConnAppStates.CountAsync());
        Assert.Equal(ErrorCodes.AppNotFound.Code, await SwitchAsync(op1, new { appId = "no-such-app", enabled = false }));
        Assert.Equal(ErrorCodes.TenantNotFound.Code, await SwitchAsync(op1, new { tenantId = "no-such-tenant", enabled = false }));
        Assert.Equal(ErrorCodes.AppNotFound.Code, await SwitchAsync(op1, new { appId = new string('a', 65), enabled = false }));
        Assert.Equal(ErrorCodes.ExtIdpConnNotFound.Code, await SwitchAsync("no-such-conn", new { appId = f.Host.App.AppId, enabled = false }));
        var (_, userToken) = await f.Host.Gql.RegisterAndLoginAsync($"{Unique("u")}@example.com");
        var asUser = await f.RestAsync(HttpMethod.Put, $"/api/v2/extIdpConn/{op1}/state", new { appId = f.Host.App.AppId, enabled = false }, userToken);
        Assert.NotEqual(200, asUser["code"]!.GetValue<int>());
        Assert.Equal(before, await f.Host.App.QueryDbAsync(db => db.ExtIdpConnAppStates.CountAsync()));
        Assert.Contains("id=\"extidp-op1\"", await LoginPageAsync(""));
    }

    [Fact]
    public async Task GraphQLAdminsSwitchPerAppAndReadWhatAnAppSees()
    {
        var op1 = await ConnIdAsync("op1");
        var app = await NewAppAsync();
        var switched = await f.Host.AdminGqlAsync(
            "mutation($id: String!, $app: String) { changeExtIdpConnectionState(id: $id, enabled: false, appId: $app) { code } }", new { id = op1, app });
        Assert.Equal(200, GraphQLClient.Success(switched, "changeExtIdpConnectionState")["code"]!.GetValue<int>());

        var seen = GraphQLClient.Success(await f.Host.AdminGqlAsync(
            "query($app: String!) { appExtIdpConns(appId: $app) { enabled connection { identifier } } }", new { app }), "appExtIdpConns").AsArray();
        Assert.False(seen.Single(c => c!["connection"]!["identifier"]!.GetValue<string>() == "op1")!["enabled"]!.GetValue<bool>());
        Assert.True(seen.Single(c => c!["connection"]!["identifier"]!.GetValue<string>() == "gh")!["enabled"]!.GetValue<bool>());

        var idp = GraphQLClient.Success(await f.Host.AdminGqlAsync(
            "query($id: String!) { extIdp(id: $id) { connections { identifier enabled appStates { appId tenantId enabled } } } }", new { id = f.ExtIdpId }), "extIdp");
        var states = idp["connections"]!.AsArray().Single(c => c!["identifier"]!.GetValue<string>() == "op1")!["appStates"]!.AsArray();
        var mine = Assert.Single(states, s => s!["appId"]?.GetValue<string>() == app)!;
        Assert.False(mine["enabled"]!.GetValue<bool>());
        Assert.Null(mine["tenantId"]);
        Assert.DoesNotContain("extidp-op1", await LoginPageAsync($"app_id={app}"));

        var unknown = await f.Host.AdminGqlAsync(
            "mutation($id: String!) { changeExtIdpConnState(id: $id, enabled: false, appId: \"nope\") { code } }", new { id = f.ExtIdpId });
        Assert.Equal(ErrorCodes.AppNotFound.Code, GraphQLClient.ErrorCode(unknown));
    }
}
