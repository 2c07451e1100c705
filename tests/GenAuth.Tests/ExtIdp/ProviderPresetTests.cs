using System.Net;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// The presets that are configurations of the generic OIDC and OAuth 2.0 connections (Google, GitLab, Slack, LinkedIn,
/// Microsoft, Gitee): a full sign-in through each with only the client id and secret, plus the one URL the test points at
/// the local provider (npm oidc-provider and its Microsoft- and Gitee-shaped servers); Microsoft's multi-tenant issuer
/// rule; types not built (QQ, WeChat mobile …) still answering 2704.
/// </summary>
public sealed class ProviderPresetTests(ExtIdpFixture f) : IClassFixture<ExtIdpFixture>
{
    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private async Task<int> CreateAsync(string type, string identifier, object fields)
    {
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Preset " + identifier, type,
            connections = new object[] { new { type, identifier, displayName = identifier, fields } },
        });
        return created["code"]!.GetValue<int>();
    }

    private Task<List<UserIdentity>> IdentitiesAsync(string subject) =>
        f.Host.App.QueryDbAsync(db => db.UserIdentities.Where(i => i.ProviderUserId == subject).ToListAsync());

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, Uri url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    private static bool Says(string body, ErrorCode code) => body.Contains(code.ZhCn) || body.Contains(code.EnUs);

    [Theory]
    // Google and GitLab take the secret in a Basic header (the test client accepts only that); Slack and LinkedIn only in
    // the form (the "genauth-post" client refuses a Basic header).
    [InlineData(ConnTypes.Google, "google1", ExternalOp.ClientId)]
    [InlineData(ConnTypes.GitLab, "gitlab1", ExternalOp.ClientId)]
    [InlineData(ConnTypes.Slack, "slack1", "genauth-post")]
    [InlineData(ConnTypes.LinkedIn, "linkedin1", "genauth-post")]
    public async Task OidcPresetsSignInWithOnlyTheClientIdAndSecret(string type, string identifier, string clientId)
    {
        Assert.Equal(200, await CreateAsync(type, identifier, new { issuerUrl = f.Op.Issuer.ToString(), clientId, clientSecret = f.Op.ClientSecret }));
        var name = Unique(type);
        var login = $"{name}~{name}@{type}.example~1";
        var browser = f.NewBrowser();

        using (var start = await browser.Http.GetAsync($"/connections/social/{identifier}?return_url=/after"))
        {
            // The preset's scopes, PKCE and nonce: the generic OIDC code path.
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(start.Headers.Location!.Query);
            Assert.Equal("openid profile email", query["scope"].ToString());
            Assert.Equal(clientId, query["client_id"].ToString());
            Assert.Equal("S256", query["code_challenge_method"].ToString());
            Assert.False(string.IsNullOrEmpty(query["nonce"].ToString()));
        }

        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, $"/connections/social/{identifier}?return_url=/after", login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);
        var identity = Assert.Single(await IdentitiesAsync(login));
        Assert.Equal(type, identity.Provider);
        var user = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal($"{name}@{type}.example", user.Email); // verified at the provider: lands on the new user
    }

    [Fact]
    public async Task LinkedInsFormSecretIsWhatTheProviderAccepts()
    {
        // The same form-only client with the secret forced into a Basic header: the provider refuses the exchange (2711)
        // and nothing is written — so the preset's form placement is what makes LinkedIn (and Slack) work.
        Assert.Equal(200, await CreateAsync(ConnTypes.LinkedIn, "linkedin-basic", new
        {
            issuerUrl = f.Op.Issuer.ToString(), clientId = "genauth-post", clientSecret = f.Op.ClientSecret, tokenEndpointAuthMethod = "client_secret_basic",
        }));
        var login = $"{Unique("lib")}~~0";
        var browser = f.NewBrowser();
        var (r, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, "/connections/social/linkedin-basic?return_url=/after", login));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtProviderError), body);
        Assert.Empty(await IdentitiesAsync(login));
    }

    [Fact]
    public async Task MicrosoftCommonAcceptsATokenWhoseIssuerNamesItsOwnTenant()
    {
        // Only the authority is pointed at the test provider; the tenant is the preset's default, common, whose discovery
        // document answers the issuer template https://…/{tenantid}/v2.0.
        var authority = new Uri(f.Op.Issuer, "/ms").ToString();
        Assert.Equal(200, await CreateAsync(ConnTypes.Microsoft, "ms1", new { authority, clientId = "genauth-ms", clientSecret = f.Op.ClientSecret }));
        var login = $"{Unique("ms")}~~0";
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, "/connections/social/ms1?return_url=/after", login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal(ConnTypes.Microsoft, Assert.Single(await IdentitiesAsync(login)).Provider);

        // A tenant-specific connection: the issuer is that tenant's, compared as is.
        Assert.Equal(200, await CreateAsync(ConnTypes.Microsoft, "ms-tenant",
            new { authority, tenant = "3f2504e0-4f89-41d3-9a0c-0305e82c3301", clientId = "genauth-ms", clientSecret = f.Op.ClientSecret }));
        var other = $"{Unique("mst")}~~0";
        var second = f.NewBrowser();
        var (ok, okBody) = await GetAsync(second, await f.Op.SignInAtProviderAsync(second, f.Base, "/connections/social/ms-tenant?return_url=/after", other));
        Assert.True(ok.StatusCode == HttpStatusCode.SeeOther, okBody);
        Assert.Single(await IdentitiesAsync(other));
    }

    [Fact]
    public async Task MicrosoftRefusesATokenWhoseIssuerNamesAnotherTenantThanItsTid()
    {
        var authority = new Uri(f.Op.Issuer, "/ms").ToString();
        Assert.Equal(200, await CreateAsync(ConnTypes.Microsoft, "ms-pinned", new { authority, clientId = "genauth-ms", clientSecret = f.Op.ClientSecret }));
        var login = $"{Unique("msx")}~{Unique("msx")}@ms.example~1";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, "/connections/social/ms-pinned?return_url=/after", login);
        // The next id token: tid is one tenant, iss names another (a token from tenant B replayed as tenant A's).
        await f.Op.SetModeAsync("ms-other-tenant");
        var (refused, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtTokenInvalid), body);
        Assert.Empty(await IdentitiesAsync(login));
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == login.Split('~')[1])));
    }

    [Fact]
    public void MicrosoftsIssuerComesFromAuthorityAndTenant()
    {
        Dictionary<string, string> Fields(params (string K, string V)[] stored)
        {
            var all = new Dictionary<string, string>(ConnTypes.Defaults(ConnTypes.Microsoft));
            foreach (var (k, v) in stored)
                all[k] = v;
            ConnTypes.Derive(ConnTypes.Microsoft, all);
            return all;
        }
        Assert.Equal("https://login.microsoftonline.com/common/v2.0", Fields()["issuerUrl"]);
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", Fields(("tenant", "contoso.onmicrosoft.com"))["issuerUrl"]);
        Assert.Equal("https://login.chinacloudapi.cn/organizations/v2.0",
            Fields(("authority", "https://login.chinacloudapi.cn/"), ("tenant", "organizations"))["issuerUrl"]);
        Assert.Equal("https://idp.example/x", Fields(("issuerUrl", "https://idp.example/x"))["issuerUrl"]);
        Assert.Equal("https://accounts.google.com", ConnTypes.Defaults(ConnTypes.Google)["issuerUrl"]);
        Assert.Equal("https://gitlab.com", ConnTypes.Defaults(ConnTypes.GitLab)["issuerUrl"]);
        Assert.Equal("https://slack.com", ConnTypes.Defaults(ConnTypes.Slack)["issuerUrl"]);
        Assert.Equal("https://www.linkedin.com/oauth", ConnTypes.Defaults(ConnTypes.LinkedIn)["issuerUrl"]);
        Assert.Equal("https://gitee.com/api/v5/user", ConnTypes.Defaults(ConnTypes.Gitee)["userInfoEndpoint"]);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/b")]
    [InlineData("common?x=1")]
    [InlineData(".hidden")]
    public async Task AMicrosoftTenantThatIsNotAPathSegmentIsRefused(string tenant)
    {
        var identifier = Unique("msbad");
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, await CreateAsync(ConnTypes.Microsoft, identifier, new { tenant, clientId = "x", clientSecret = "y" }));
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.ExtIdpConns.CountAsync(c => c.Identifier == identifier)));
    }

    [Theory]
    [InlineData(ConnTypes.LinkedIn)]
    [InlineData(ConnTypes.Gitee)]
    public async Task APresetsUnknownTokenEndpointAuthMethodIsRefused(string type)
    {
        var identifier = Unique("badauth");
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code,
            await CreateAsync(type, identifier, new { clientId = "x", clientSecret = "y", tokenEndpointAuthMethod = "private_key_jwt" }));
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.ExtIdpConns.CountAsync(c => c.Identifier == identifier)));
    }

    [Fact]
    public async Task GiteeGetsTheSecretInTheFormAndItsProfileMappedWithTheEmailUnverified()
    {
        Assert.Equal(200, await CreateAsync(ConnTypes.Gitee, "gitee1", new
        {
            clientId = "gitee-client", clientSecret = f.Op.ClientSecret,
            authorizationEndpoint = new Uri(f.Op.Issuer, "/gitee/authorize").ToString(),
            tokenEndpoint = new Uri(f.Op.Issuer, "/gitee/token").ToString(),
            userInfoEndpoint = new Uri(f.Op.Issuer, "/gitee/me").ToString(),
        }));
        var browser = f.NewBrowser();
        using var start = await browser.Http.GetAsync("/connections/social/gitee1?return_url=/after");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("user_info", Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(start.Headers.Location!.Query)["scope"].ToString());
        using var authorize = await browser.Http.GetAsync(start.Headers.Location!);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var (done, body) = await GetAsync(browser, authorize.Headers.Location!);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        var identity = Assert.Single(await IdentitiesAsync("5550001"));
        Assert.Equal(ConnTypes.Gitee, identity.Provider);
        var user = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal("gitee-user", user.Nickname);
        Assert.Equal("Gitee User", user.Name);
        Assert.Equal("https://gitee.example/a.png", user.Photo);
        Assert.Null(user.Email); // Gitee's email is not verified: it neither lands on the account nor matches one
    }

    [Theory]
    [InlineData("qq", "qq1")]
    [InlineData("wechat:mobile", "wx-mobile")]
    public async Task TypesNotBuiltAreStoredButAnswer2704(string type, string identifier)
    {
        Assert.Equal(200, await CreateAsync(type, identifier, new { clientId = "x", clientSecret = "y" }));
        var (r, body) = await GetAsync(f.NewBrowser(), new Uri(f.Base, $"/connections/social/{identifier}?return_url=/after"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtIdpTypeUnsupported), body);
    }
}
