using System.Net;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// Presets whose protocol differs from the generic connection's, against the test provider (npm oidc-provider) and its
/// small Facebook- and Feishu-shaped servers: Apple's form_post callback and form client secret, LINE's HS256 id token
/// signed with the channel secret, and Facebook's and Feishu's secret in the token request's form.
/// </summary>
public sealed class PresetTests(ExtIdpFixture f) : IClassFixture<ExtIdpFixture>
{
    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private async Task CreateAsync(string type, string identifier, object fields)
    {
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Preset " + identifier, type,
            connections = new object[] { new { type, identifier, displayName = identifier, fields } },
        });
        Assert.True(created["code"]!.GetValue<int>() == 200, created.ToJsonString());
    }

    private Task<List<UserIdentity>> IdentitiesAsync(string subject) =>
        f.Host.App.QueryDbAsync(db => db.UserIdentities.Where(i => i.ProviderUserId == subject).ToListAsync());

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, Uri url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AppleAnswersTheCallbackAsAPostAndTakesTheSecretInTheForm()
    {
        await CreateAsync(ConnTypes.Apple, "apple1",
            new { issuerUrl = f.Op.Issuer.ToString(), clientId = "genauth-post", clientSecret = f.Op.ClientSecret, scopes = "openid email" });
        var name = Unique("apple");
        var login = $"{name}~{name}@privaterelay.example~1";
        var browser = f.NewBrowser();
        var (action, form) = await f.Op.SignInAtProviderFormPostAsync(browser, f.Base, "/connections/social/apple1?return_url=/after", login);
        Assert.Equal("/connections/social/apple1/callback", action.AbsolutePath);
        Assert.True(form.ContainsKey("code") && form.ContainsKey("state"));
        Assert.Empty(action.Query.TrimStart('?')); // nothing in the URL: the code travels in the body

        using var done = await browser.Http.PostAsync(action, new FormUrlEncodedContent(form));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, await done.Content.ReadAsStringAsync());
        Assert.Equal("/after", done.Headers.Location!.OriginalString);
        Assert.Single(await IdentitiesAsync(login));

        // The same post again (a replay): the state is spent, nothing is exchanged.
        using var replay = await browser.Http.PostAsync(action, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Single(await IdentitiesAsync(login));
    }

    [Fact]
    public async Task ApplesFirstLoginUserFieldFillsTheNameAndAMalformedOneIsIgnored()
    {
        await CreateAsync(ConnTypes.Apple, "apple-user",
            new { issuerUrl = f.Op.Issuer.ToString(), clientId = "genauth-post", clientSecret = f.Op.ClientSecret, scopes = "openid email" });

        // First login: no email in the id token; Apple's form carries the name and an email (unsigned: kept unverified,
        // so it neither lands on the account nor matches one).
        var first = $"{Unique("apu")}~~0";
        var browser = f.NewBrowser();
        var (action, form) = await f.Op.SignInAtProviderFormPostAsync(browser, f.Base, "/connections/social/apple-user?return_url=/after", first);
        form["user"] = """{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"ada@privaterelay.example"}""";
        using (var done = await browser.Http.PostAsync(action, new FormUrlEncodedContent(form)))
            Assert.True(done.StatusCode == HttpStatusCode.SeeOther, await done.Content.ReadAsStringAsync());
        var identity = Assert.Single(await IdentitiesAsync(first));
        var user = await f.Host.App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal("Ada Lovelace", user.Name);
        Assert.Equal("Ada", user.GivenName);
        Assert.Equal("Lovelace", user.FamilyName);
        Assert.Equal("Ada Lovelace", user.Nickname);
        Assert.Null(user.Email);

        // Malformed fields (not JSON, too long, wrong shapes, control characters, too deep): the sign-in completes
        // without them, never a 500.
        var malformed = new[]
        {
            "{\"name\":", new string('x', 5000), """{"name":"Ada","email":5}""", """{"name":{"firstName":"A\u0000da"}}""", "[1,2]",
            """{"name":{"firstName":{"a":{"b":{"c":{"d":1}}}}}}""",
        };
        foreach (var bad in malformed)
        {
            var login = $"{Unique("apm")}~~0";
            var b = f.NewBrowser();
            var (a, fields) = await f.Op.SignInAtProviderFormPostAsync(b, f.Base, "/connections/social/apple-user?return_url=/after", login);
            var pairs = fields.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).Append(new("user", bad));
            using var done = await b.Http.PostAsync(a, new FormUrlEncodedContent(pairs));
            Assert.True(done.StatusCode == HttpStatusCode.SeeOther, bad + ": " + await done.Content.ReadAsStringAsync());
            var created = await f.Host.App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Unionid == login));
            Assert.Null(created.Name);
            Assert.Null(created.GivenName);
        }
    }

    [Fact]
    public async Task AProviderThatTakesTheSecretOnlyInTheFormRefusesTheGenericBasicHeader()
    {
        // The Feishu-shaped server through a generic OAuth 2.0 connection (Basic header by default): refused by the
        // provider (2711), nothing written — the preset's form secret is what makes it work.
        await CreateAsync(ConnTypes.OAuth2, "apple-query", new
        {
            clientId = "feishu-client", clientSecret = f.Op.ClientSecret,
            authorizationEndpoint = new Uri(f.Op.Issuer, "/feishu/authorize").ToString(),
            tokenEndpoint = new Uri(f.Op.Issuer, "/feishu/token").ToString(),
            userInfoEndpoint = new Uri(f.Op.Issuer, "/feishu/me").ToString(),
        });
        var browser = f.NewBrowser();
        using var start = await browser.Http.GetAsync("/connections/social/apple-query?return_url=/after");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var authorize = await browser.Http.GetAsync(start.Headers.Location!);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var (r, body) = await GetAsync(browser, authorize.Headers.Location!);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(body.Contains(ErrorCodes.ExtProviderError.ZhCn) || body.Contains(ErrorCodes.ExtProviderError.EnUs), body);
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.UserIdentities.CountAsync(i => i.Provider == ConnTypes.OAuth2 && i.ProviderUserId == "ou_open_1")));
    }

    [Fact]
    public async Task LineIdTokensSignedHs256WithTheChannelSecretAreAcceptedOnlyForTheLinePreset()
    {
        await CreateAsync(ConnTypes.Line, "line1", new { issuerUrl = f.Op.Issuer.ToString(), clientId = "genauth-line", clientSecret = f.Op.ClientSecret });
        var name = Unique("line");
        var login = $"{name}~{name}@line.example~1";
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, "/connections/social/line1?return_url=/after", login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Single(await IdentitiesAsync(login));

        // The same HS256 token through a generic OIDC connection: refused (2713) — a symmetric key beside the JWKS would
        // let anyone holding the client secret mint id tokens.
        await CreateAsync(ConnTypes.Oidc, "line-basic", new
        {
            issuerUrl = f.Op.Issuer.ToString(), clientId = "genauth-line", clientSecret = f.Op.ClientSecret, tokenEndpointAuthMethod = "client_secret_post",
        });
        var other = $"{Unique("line2")}~~0";
        var second = f.NewBrowser();
        var (refused, refusedBody) = await GetAsync(second,
            await f.Op.SignInAtProviderAsync(second, f.Base, "/connections/oidc/line-basic?return_url=/after", other));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(refusedBody.Contains(ErrorCodes.ExtTokenInvalid.ZhCn) || refusedBody.Contains(ErrorCodes.ExtTokenInvalid.EnUs), refusedBody);
        Assert.Empty(await IdentitiesAsync(other));
    }

    [Theory]
    [InlineData(ConnTypes.Facebook, "fb1", "fb", "10150000000000001", "Face Book", "https://fb.example/p.jpg")]
    [InlineData(ConnTypes.Feishu, "feishu1", "feishu", "ou_open_1", "Feishu User", "https://fs.example/a.png")]
    public async Task FacebookAndFeishuGetTheSecretInTheFormAndTheirProfileMapped(string type, string identifier, string prefix, string subject,
        string nickname, string photo)
    {
        await CreateAsync(type, identifier, new
        {
            clientId = prefix + "-client", clientSecret = f.Op.ClientSecret,
            authorizationEndpoint = new Uri(f.Op.Issuer, $"/{prefix}/authorize").ToString(),
            tokenEndpoint = new Uri(f.Op.Issuer, $"/{prefix}/token").ToString(),
            userInfoEndpoint = new Uri(f.Op.Issuer, $"/{prefix}/me").ToString(),
        });
        var browser = f.NewBrowser();
        using var start = await browser.Http.GetAsync($"/connections/social/{identifier}?return_url=/after");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var authorize = await browser.Http.GetAsync(start.Headers.Location!);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var (done, body) = await GetAsync(browser, authorize.Headers.Location!);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        var identity = Assert.Single(await IdentitiesAsync(subject));
        var user = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(nickname, user.Nickname);
        Assert.Equal(photo, user.Photo);
        Assert.Equal(type, identity.Provider);
    }
}
