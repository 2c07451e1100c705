using System.Net;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// An identity source that belongs to a tenant (extIdp.tenantId) is shown and usable only under that tenant: on the hosted
/// page, the start URL and the callback of a tenant-enabled app the tenant uses, with the tenant named. From another
/// tenant, from an app the tenant doesn't use, from a plain (not tenant-enabled) app or outside tenants it is hidden and
/// refused with 2626, writing nothing; pool-level sources stay usable everywhere. Uses WeChat connections against the
/// fake (no external process).
/// </summary>
public sealed class TenantExtIdpTests(WeChatDingTalkFixture f) : IClassFixture<WeChatDingTalkFixture>
{
    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private static bool Says(string body, ErrorCode code) => body.Contains(code.ZhCn) || body.Contains(code.EnUs);

    private async Task<string> NewAppAsync(string? appType)
    {
        var (appId, _) = await f.Host.CreateClientAsync(name: Unique("app"));
        if (appType is not null)
            Assert.Equal(200, (await f.RestAsync(HttpMethod.Post, $"/api/v2/applications/{appId}", new { appType }))["code"]!.GetValue<int>());
        return appId;
    }

    private async Task<string> NewTenantAsync(params string[] appIds) =>
        (await f.RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name = Unique("t"), appIds = string.Join(',', appIds) }))["data"]!["id"]!
        .GetValue<string>();

    /// <summary>A WeChat connection (against the fake) in a source of its own, of the tenant or of the pool; returns the source id.</summary>
    private async Task<string> WeChatSourceAsync(string identifier, string? tenantId)
    {
        var appId = Unique("wx");
        f.Fake.Apps[appId] = "secret-" + appId;
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = identifier, type = ConnTypes.WeChatPc, tenantId,
            connections = new object[]
            {
                new
                {
                    type = ConnTypes.WeChatPc, identifier, displayName = identifier,
                    fields = new
                    {
                        clientId = appId, clientSecret = "secret-" + appId, authorizationEndpoint = f.Fake.WeChatAuthorize,
                        tokenEndpoint = f.Fake.WeChatToken, userInfoEndpoint = f.Fake.WeChatUserInfo,
                    },
                },
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        return created["data"]!["id"]!.GetValue<string>();
    }

    private async Task<string> PageAsync(string query)
    {
        using var r = await f.NewBrowser().Http.GetAsync("/login?" + query);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, string url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    private static bool SetsFlowCookie(HttpResponseMessage r) =>
        r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("ga_ext_", StringComparison.Ordinal));

    [Fact]
    public async Task ATenantsSourceIsShownOnlyOnThatTenantsPagesAndPoolSourcesEverywhere()
    {
        var tenantApp = await NewAppAsync("BOTH");
        var strangerApp = await NewAppAsync("BOTH");
        var plainApp = await NewAppAsync(null);
        var t1 = await NewTenantAsync(tenantApp, plainApp);
        var t2 = await NewTenantAsync(tenantApp, strangerApp);
        var mine = Unique("wxt");
        var pool = Unique("wxp");
        await WeChatSourceAsync(mine, t1);
        await WeChatSourceAsync(pool, null);

        var under = await PageAsync($"app_id={tenantApp}&tenant_id={t1}");
        Assert.Contains($"id=\"extidp-{mine}\"", under);
        Assert.Contains($"id=\"extidp-{pool}\"", under);
        // The button starts under the page's tenant.
        Assert.Contains($"/connections/social/{mine}?app_id={tenantApp}&tenant_id={t1}", under);

        foreach (var query in new[]
                 {
                     $"app_id={tenantApp}&tenant_id={t2}", // another tenant of the same app
                     $"app_id={tenantApp}", // the same app outside tenants
                     $"app_id={strangerApp}&tenant_id={t1}", // an app the tenant doesn't use, naming the tenant
                     $"app_id={plainApp}&tenant_id={t1}", // an app of the tenant that doesn't sign in under tenants
                     "", // the pool's default app
                 })
        {
            var page = await PageAsync(query);
            Assert.DoesNotContain($"extidp-{mine}", page);
            Assert.Contains($"id=\"extidp-{pool}\"", page);
        }
    }

    [Fact]
    public async Task ATenantsStartUrlIsRefusedWith2626FromAnywhereElse()
    {
        var tenantApp = await NewAppAsync("BOTH");
        var strangerApp = await NewAppAsync("BOTH");
        var t1 = await NewTenantAsync(tenantApp);
        var t2 = await NewTenantAsync(tenantApp, strangerApp);
        var mine = Unique("wxs");
        await WeChatSourceAsync(mine, t1);

        using (var ok = await f.NewBrowser().Http.GetAsync($"/connections/social/{mine}?app_id={tenantApp}&tenant_id={t1}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.True(SetsFlowCookie(ok));
        }
        foreach (var start in new[]
                 {
                     $"/connections/social/{mine}?app_id={tenantApp}&tenant_id={t2}&lang=en-US",
                     $"/connections/social/{mine}?app_id={tenantApp}&lang=en-US",
                     $"/connections/social/{mine}?app_id={strangerApp}&tenant_id={t1}&lang=en-US",
                     $"/connections/social/{mine}?tenant_id={t1}&lang=en-US",
                     $"/connections/oidc/{mine}?app_id={tenantApp}&tenant_id=no-such-tenant&from_guard=1&lang=en-US",
                 })
        {
            var (r, body) = await GetAsync(f.NewBrowser(), start);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.True(Says(body, ErrorCodes.ExtIdpConnOtherTenant), start + "\n" + body);
            Assert.False(SetsFlowCookie(r));
        }
    }

    [Fact]
    public async Task ATenantsCallbackSignsItsMemberInAndIsRefusedOnceTheTenantDropsTheApp()
    {
        var tenantApp = await NewAppAsync("BOTH");
        var t1 = await NewTenantAsync(tenantApp);
        var mine = Unique("wxc");
        var idpId = await WeChatSourceAsync(mine, t1);

        // A member of the tenant whose WeChat identity is linked: the flow under the tenant signs them in.
        var email = Unique("member") + "@example.com";
        var userId = await f.Host.RegisterAsync(email);
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Post, $"/api/v2/tenant/{t1}/user", new { userIds = new[] { userId } }))["code"]!.GetValue<int>());
        var union = Unique("u");
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId, extIdpId = idpId, identifier = mine, userIdInIdp = union }))["code"]!.GetValue<int>());
        f.Fake.Mode = null;
        f.Fake.NextUser = new FakeUser(Unique("o"), union, Unique("member"));
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, (await ScanAsync(browser, $"/connections/social/{mine}?app_id={tenantApp}&tenant_id={t1}&return_url=/after")).ToString());
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);

        // A flow started under the tenant, the tenant then stops using the app: the callback signs nobody in, writes nothing.
        var stranger = new FakeUser(Unique("o"), Unique("u"), Unique("late"));
        f.Fake.NextUser = stranger;
        var late = f.NewBrowser();
        var callback = await ScanAsync(late, $"/connections/social/{mine}?app_id={tenantApp}&tenant_id={t1}&return_url=/after&lang=en-US");
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Post, $"/api/v2/tenant/{t1}", new { appIds = "" }))["code"]!.GetValue<int>());
        f.Fake.ClearRequests();
        var (refused, refusedBody) = await GetAsync(late, callback.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(Says(refusedBody, ErrorCodes.ExtIdpConnOtherTenant), refusedBody);
        Assert.DoesNotContain(f.Fake.Requests, r => r.Path == "/sns/oauth2/access_token");
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.UserIdentities.CountAsync(i => i.ProviderUserId == stranger.UnionId)));
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Nickname == stranger.Nick)));
    }

    [Fact]
    public async Task ATenantsDirectoryIsNotAskedOutsideTheTenant()
    {
        var identifier = Unique("ldapt");
        var t1 = await NewTenantAsync();
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = identifier, type = ConnTypes.Ldap, tenantId = t1,
            connections = new object[]
            {
                new
                {
                    type = ConnTypes.Ldap, identifier, displayName = identifier,
                    // Nothing listens there: a bind attempt would answer 2712, so 2626 proves no directory was asked.
                    fields = new { ldapConnection = "ldap://127.0.0.1:9", bindDn = "cn=admin,dc=example,dc=org", bindPassword = "x", baseDn = "dc=example,dc=org" },
                },
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        using var request = f.Host.Gql.NewRequest(HttpMethod.Post, "/api/v2/ldap/verify-user");
        request.Content = System.Net.Http.Json.JsonContent.Create(new { username = "alice", password = "pw", connection = identifier });
        using var response = await f.Host.Gql.Http.SendAsync(request);
        var answer = await GraphQLClient.ReadJsonAsync(response);
        Assert.Equal(ErrorCodes.ExtIdpConnOtherTenant.Code, answer["code"]!.GetValue<int>());
    }

    private async Task<Uri> ScanAsync(Browser browser, string start)
    {
        using var r = await browser.Http.GetAsync(start);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        using var authorize = await browser.Http.GetAsync(r.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        return authorize.Headers.Location!;
    }
}
