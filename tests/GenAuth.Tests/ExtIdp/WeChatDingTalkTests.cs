using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Tokens;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.ExtIdp;

/// <summary>One GenAuth server and a fake of WeChat's and DingTalk's login APIs on loopback.</summary>
public sealed class WeChatDingTalkFixture : IAsyncLifetime
{
    public OidcHost Host { get; } = new();
    public WeChatDingTalkFake Fake { get; private set; } = null!;
    public Uri Base { get; private set; } = null!;
    public string Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Admin = await Host.AdminAsync();
        Base = new Uri(Host.App.Services.GetRequiredService<IssuerProvider>().BaseUrl + "/");
        Fake = await WeChatDingTalkFake.StartAsync();
    }

    public Browser NewBrowser() => new(Base);

    public async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = Host.Gql.NewRequest(method, path, Admin);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Host.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    public async Task DisposeAsync()
    {
        if (Fake is not null)
            await Fake.DisposeAsync();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// WeChat web QR login (wechat:pc) and DingTalk (dingtalk) through their own small clients, against a fake of each API
/// that checks what GenAuth sends (WeChat: appid and secret in the token GET's query, access_token and openid on userinfo;
/// DingTalk: a JSON token body, the token in the x-acs-dingtalk-access-token header) and answers like the real one,
/// including its error shapes. The key is the unionid (so WeChat apps of one Open Platform account are one user), else
/// WeChat's openid; both are kept. Abuse: errcode / HTTP error answers, a code issued to another app, a profile of another
/// user, missing ids, a replayed state: each a page with GenAuth's code and nothing written.
/// </summary>
public sealed class WeChatDingTalkTests(WeChatDingTalkFixture f) : IClassFixture<WeChatDingTalkFixture>
{
    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private static bool Says(string body, ErrorCode code) => body.Contains(code.ZhCn) || body.Contains(code.EnUs);

    /// <summary>Creates a connection of the type pointing at the fake, with an app registered there; returns its app id.</summary>
    private async Task<string> ConnectAsync(string type, string identifier, string? appId = null, string? secret = null, object? extra = null)
    {
        appId ??= Unique(type == ConnTypes.WeChatPc ? "wx" : "ding");
        var realSecret = "secret-" + Guid.NewGuid().ToString("N");
        f.Fake.Apps[appId] = realSecret;
        var fields = new JsonObject
        {
            ["clientId"] = appId, ["clientSecret"] = secret ?? realSecret,
            ["authorizationEndpoint"] = type == ConnTypes.WeChatPc ? f.Fake.WeChatAuthorize : f.Fake.DingTalkAuthorize,
            ["tokenEndpoint"] = type == ConnTypes.WeChatPc ? f.Fake.WeChatToken : f.Fake.DingTalkToken,
            ["userInfoEndpoint"] = type == ConnTypes.WeChatPc ? f.Fake.WeChatUserInfo : f.Fake.DingTalkMe,
        };
        if (extra is not null)
            foreach (var (k, v) in JsonSerializer(extra))
                fields[k] = v?.DeepClone();
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = identifier, type,
            connections = new object[] { new { type, identifier, displayName = identifier, fields } },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        return appId;
    }

    private static JsonObject JsonSerializer(object o) => System.Text.Json.JsonSerializer.SerializeToNode(o)!.AsObject();

    /// <summary>Starts at GenAuth, "scans" at the fake (which redirects back with the code); returns the callback URL.</summary>
    private async Task<Uri> ScanAsync(Browser browser, string identifier)
    {
        using var start = await browser.Http.GetAsync($"/connections/social/{identifier}?return_url=/after");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var authorize = await browser.Http.GetAsync(start.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        return authorize.Headers.Location!;
    }

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, Uri url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    private Task<List<UserIdentity>> IdentitiesAsync(params string[] subjects) =>
        f.Host.App.QueryDbAsync(db => db.UserIdentities.AsNoTracking().Where(i => subjects.Contains(i.ProviderUserId)).ToListAsync());

    private Task<int> UsersNamedAsync(string nick) => f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Nickname == nick));

    [Fact]
    public async Task WeChatWebQrSignsInWithTheUnionIdAndKeepsBothIds()
    {
        var appId = await ConnectAsync(ConnTypes.WeChatPc, "wx1");
        var user = new FakeUser(Unique("o"), Unique("u"), Unique("微信用户"));
        f.Fake.NextUser = user;
        f.Fake.Mode = null;
        var browser = f.NewBrowser();

        using (var start = await browser.Http.GetAsync("/connections/social/wx1?return_url=/after"))
        {
            // WeChat's authorize URL: appid (not client_id), the fixed scope, an alphanumeric state, #wechat_redirect, no PKCE.
            var location = start.Headers.Location!;
            Assert.Equal(f.Fake.WeChatAuthorize, location.GetLeftPart(UriPartial.Path));
            Assert.Equal("#wechat_redirect", location.Fragment);
            var q = QueryHelpers.ParseQuery(location.Query);
            Assert.Equal(appId, q["appid"].ToString());
            Assert.Equal(new Uri(f.Base, "connections/social/wx1/callback").ToString(), q["redirect_uri"].ToString());
            Assert.Equal("code", q["response_type"].ToString());
            Assert.Equal("snsapi_login", q["scope"].ToString());
            Assert.Matches("^[a-f0-9]{64}$", q["state"].ToString());
            Assert.False(q.ContainsKey("client_id") || q.ContainsKey("code_challenge") || q.ContainsKey("nonce"));
        }

        f.Fake.ClearRequests();
        var (done, body) = await GetAsync(browser, await ScanAsync(browser, "wx1"));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);

        // What the fake saw: the token call is a GET with appid and secret in the query; userinfo gets the token and openid.
        var token = Assert.Single(f.Fake.Requests, r => r.Path == "/sns/oauth2/access_token");
        Assert.Equal("GET", token.Method);
        Assert.Equal(appId, token.Query["appid"]);
        Assert.Equal(f.Fake.Apps[appId], token.Query["secret"]);
        Assert.Equal("authorization_code", token.Query["grant_type"]);
        Assert.Null(token.Authorization);
        var info = Assert.Single(f.Fake.Requests, r => r.Path == "/sns/userinfo");
        Assert.Equal(user.OpenId, info.Query["openid"]);
        Assert.False(info.Query.ContainsKey("secret"));

        var identity = Assert.Single(await IdentitiesAsync(user.UnionId!, user.OpenId));
        Assert.Equal(user.UnionId, identity.ProviderUserId);
        Assert.Equal(ConnTypes.WeChatPc, identity.Provider);
        Assert.Contains(user.OpenId, identity.ProfileJson);
        var saved = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(user.UnionId, saved.Unionid);
        Assert.Equal(user.OpenId, saved.Openid);
        Assert.Equal(user.Nick, saved.Nickname);
        Assert.Equal("https://thirdwx.qlogo.cn/mmopen/fake/132", saved.Photo); // WeChat's http avatar URL, kept as https
        // GraphQL User.identities: userIdInIdp is the key (unionid), openid the per-app id.
        var listed = Assert.Single(GraphQLClient.Success(await f.Host.AdminGqlAsync(
            "query($id: String) { user(id: $id) { identities { openid userIdInIdp provider isSocial } } }", new { id = saved.Id }), "user")["identities"]!.AsArray())!;
        Assert.Equal(user.OpenId, listed["openid"]!.GetValue<string>());
        Assert.Equal(user.UnionId, listed["userIdInIdp"]!.GetValue<string>());
        Assert.True(listed["isSocial"]!.GetValue<bool>());

        // Again from a fresh browser: the same user through the linked identity.
        var again = f.NewBrowser();
        var (second, secondBody) = await GetAsync(again, await ScanAsync(again, "wx1"));
        Assert.True(second.StatusCode == HttpStatusCode.SeeOther, secondBody);
        Assert.Single(await IdentitiesAsync(user.UnionId!, user.OpenId));
        Assert.Equal(1, await UsersNamedAsync(user.Nick));
    }

    [Fact]
    public async Task AnotherWeChatAppOfTheSameOpenPlatformAccountSignsTheSameUserIn()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-a");
        await ConnectAsync(ConnTypes.WeChatPc, "wx-b");
        f.Fake.Mode = null;
        var union = Unique("u");
        var nick = Unique("同一人");
        f.Fake.NextUser = new FakeUser(Unique("oa"), union, nick);
        var first = f.NewBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await GetAsync(first, await ScanAsync(first, "wx-a"))).Response.StatusCode);
        // Another app: another openid, the same unionid.
        f.Fake.NextUser = new FakeUser(Unique("ob"), union, nick);
        var second = f.NewBrowser();
        var (done, body) = await GetAsync(second, await ScanAsync(second, "wx-b"));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        var identities = await IdentitiesAsync(union);
        Assert.Equal(2, identities.Count);
        Assert.Single(identities.Select(i => i.UserId).Distinct());
        Assert.Equal(1, await UsersNamedAsync(nick));
    }

    [Fact]
    public async Task AWeChatAppWithoutAUnionIdIsKeyedByTheOpenId()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-open");
        f.Fake.Mode = null;
        var user = new FakeUser(Unique("o"), null, Unique("nounion"));
        f.Fake.NextUser = user;
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, await ScanAsync(browser, "wx-open"));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        var identity = Assert.Single(await IdentitiesAsync(user.OpenId));
        var saved = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(user.OpenId, saved.Openid);
        Assert.Null(saved.Unionid);

        // The app is then bound to an Open Platform account: the same openid now comes with a unionid. The same user signs
        // in, and the identity is re-keyed to the unionid (no second user).
        var union = Unique("u");
        f.Fake.NextUser = user with { UnionId = union };
        var later = f.NewBrowser();
        var (again, againBody) = await GetAsync(later, await ScanAsync(later, "wx-open"));
        Assert.True(again.StatusCode == HttpStatusCode.SeeOther, againBody);
        var rekeyed = Assert.Single(await IdentitiesAsync(user.OpenId, union));
        Assert.Equal(union, rekeyed.ProviderUserId);
        Assert.Equal(identity.Id, rekeyed.Id);
        Assert.Equal(union, (await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId))).Unionid);
        Assert.Equal(1, await UsersNamedAsync(user.Nick));
    }

    [Theory]
    [InlineData("token-error", 2711)]
    [InlineData("userinfo-error", 2711)]
    [InlineData("token-no-openid", 2715)]
    [InlineData("userinfo-other-openid", 2715)]
    [InlineData("userinfo-other-unionid", 2715)]
    public async Task AWeChatErrorOrAnotherUsersProfileSignsNobodyIn(string mode, int code)
    {
        var identifier = Unique("wxbad");
        await ConnectAsync(ConnTypes.WeChatPc, identifier);
        var user = new FakeUser(Unique("o"), Unique("u"), Unique("bad"));
        f.Fake.NextUser = user;
        f.Fake.Mode = null;
        var browser = f.NewBrowser();
        var callback = await ScanAsync(browser, identifier);
        f.Fake.Mode = mode;
        try
        {
            var (r, body) = await GetAsync(browser, callback);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.True(Says(body, code == 2711 ? ErrorCodes.ExtProviderError : ErrorCodes.ExtProfileInvalid), body);
        }
        finally
        {
            f.Fake.Mode = null;
        }
        Assert.Empty(await IdentitiesAsync(user.UnionId!, user.OpenId, "o-someone-else", "u-someone-else"));
        Assert.Equal(0, await UsersNamedAsync(user.Nick));
    }

    [Fact]
    public async Task ACodeIssuedToAnotherWeChatAppIsRefusedByTheProviderAndNothingIsWritten()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-mine");
        var otherApp = Unique("wxother");
        f.Fake.Apps[otherApp] = "other-secret";
        f.Fake.Mode = null;
        var user = new FakeUser(Unique("o"), Unique("u"), Unique("inject"));
        f.Fake.NextUser = user;
        var browser = f.NewBrowser();
        var callback = await ScanAsync(browser, "wx-mine");
        // The attacker swaps in a code WeChat issued to another app (for the same user): our appid can't redeem it.
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var injected = new Uri(f.Base, $"connections/social/wx-mine/callback?code={f.Fake.IssueCode(otherApp, user)}&state={state}");
        var (r, body) = await GetAsync(browser, injected);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtProviderError), body);
        Assert.Empty(await IdentitiesAsync(user.UnionId!, user.OpenId));
    }

    [Fact]
    public async Task AReplayedWeChatCallbackIsRefusedBeforeTheCodeIsSentAgain()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-replay");
        f.Fake.Mode = null;
        f.Fake.NextUser = new FakeUser(Unique("o"), Unique("u"), Unique("replay"));
        var browser = f.NewBrowser();
        var callback = await ScanAsync(browser, "wx-replay");
        Assert.Equal(HttpStatusCode.SeeOther, (await GetAsync(browser, callback)).Response.StatusCode);
        f.Fake.ClearRequests();
        var (r, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtStateInvalid), body);
        Assert.DoesNotContain(f.Fake.Requests, x => x.Path == "/sns/oauth2/access_token");

        // A callback whose state this browser never started (another browser's): refused, nothing sent to WeChat.
        var other = f.NewBrowser();
        var foreign = await ScanAsync(f.NewBrowser(), "wx-replay");
        var (r2, body2) = await GetAsync(other, foreign);
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
        Assert.True(Says(body2, ErrorCodes.ExtStateInvalid), body2);
        Assert.DoesNotContain(f.Fake.Requests, x => x.Path == "/sns/oauth2/access_token");
    }

    [Fact]
    public async Task AWrongWeChatSecretAnswers2711AndAMissingOneIsRefusedAtCreation()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-wrong", secret: "not-the-secret");
        f.Fake.Mode = null;
        var user = new FakeUser(Unique("o"), Unique("u"), Unique("wrong"));
        f.Fake.NextUser = user;
        var browser = f.NewBrowser();
        var (r, body) = await GetAsync(browser, await ScanAsync(browser, "wx-wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtProviderError), body);
        Assert.Empty(await IdentitiesAsync(user.UnionId!, user.OpenId));

        foreach (var type in new[] { ConnTypes.WeChatPc, ConnTypes.DingTalk })
        {
            var identifier = Unique("nosecret");
            var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
            {
                name = identifier, type, connections = new object[] { new { type, identifier, displayName = identifier, fields = new { clientId = "abc" } } },
            });
            Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, created["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task DingTalkSignsInWithTheUnionIdThroughItsJsonTokenCallAndHeader()
    {
        var clientId = await ConnectAsync(ConnTypes.DingTalk, "dt1");
        var user = new FakeUser(Unique("dto"), Unique("dtu"), Unique("钉钉用户"), "https://static.dingtalk.com/media/a.png", "13800138000", "x@corp.example");
        f.Fake.NextUser = user;
        f.Fake.Mode = null;
        var browser = f.NewBrowser();
        using (var start = await browser.Http.GetAsync("/connections/social/dt1?return_url=/after"))
        {
            var location = start.Headers.Location!;
            Assert.Equal(f.Fake.DingTalkAuthorize, location.GetLeftPart(UriPartial.Path));
            var q = QueryHelpers.ParseQuery(location.Query);
            Assert.Equal(clientId, q["client_id"].ToString());
            Assert.Equal(new Uri(f.Base, "connections/social/dt1/callback").ToString(), q["redirect_uri"].ToString());
            Assert.Equal("code", q["response_type"].ToString());
            Assert.Equal("openid", q["scope"].ToString());
            Assert.Equal("consent", q["prompt"].ToString());
            Assert.Matches("^[a-f0-9]{64}$", q["state"].ToString());
        }

        f.Fake.ClearRequests();
        var callback = await ScanAsync(browser, "dt1");
        Assert.True(QueryHelpers.ParseQuery(callback.Query).ContainsKey("authCode"));
        var (done, body) = await GetAsync(browser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);

        // The token call: a JSON POST with the id and secret in the body (never the URL or a header).
        var token = Assert.Single(f.Fake.Requests, r => r.Path == "/v1.0/oauth2/userAccessToken");
        Assert.Equal("POST", token.Method);
        Assert.StartsWith("application/json", token.ContentType);
        var sent = JsonNode.Parse(token.Body)!.AsObject();
        Assert.Equal(clientId, sent["clientId"]!.GetValue<string>());
        Assert.Equal(f.Fake.Apps[clientId], sent["clientSecret"]!.GetValue<string>());
        Assert.Equal("authorization_code", sent["grantType"]!.GetValue<string>());
        Assert.Empty(token.Query);
        Assert.Null(token.Authorization);
        // The user call: the token in DingTalk's header, not as a Bearer.
        var me = Assert.Single(f.Fake.Requests, r => r.Path == "/v1.0/contact/users/me");
        Assert.False(string.IsNullOrEmpty(me.DingTalkToken));
        Assert.Null(me.Authorization);

        var identity = Assert.Single(await IdentitiesAsync(user.UnionId!, user.OpenId));
        Assert.Equal(user.UnionId, identity.ProviderUserId);
        Assert.Equal(ConnTypes.DingTalk, identity.Provider);
        var saved = await f.Host.App.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(user.UnionId, saved.Unionid);
        Assert.Equal(user.OpenId, saved.Openid);
        Assert.Equal(user.Nick, saved.Nickname);
        Assert.Null(saved.Email); // DingTalk's email is never taken as verified
    }

    [Theory]
    [InlineData("token-error", 2711)]
    [InlineData("me-error", 2711)]
    [InlineData("me-no-unionid", 2715)]
    public async Task ADingTalkErrorOrAProfileWithoutUnionIdSignsNobodyIn(string mode, int code)
    {
        var identifier = Unique("dtbad");
        await ConnectAsync(ConnTypes.DingTalk, identifier);
        var user = new FakeUser(Unique("dto"), Unique("dtu"), Unique("dtbad"));
        f.Fake.NextUser = user;
        f.Fake.Mode = null;
        var browser = f.NewBrowser();
        var callback = await ScanAsync(browser, identifier);
        f.Fake.Mode = mode;
        try
        {
            var (r, body) = await GetAsync(browser, callback);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.True(Says(body, code == 2711 ? ErrorCodes.ExtProviderError : ErrorCodes.ExtProfileInvalid), body);
        }
        finally
        {
            f.Fake.Mode = null;
        }
        Assert.Empty(await IdentitiesAsync(user.UnionId!, user.OpenId));
        Assert.Equal(0, await UsersNamedAsync(user.Nick));
    }

    [Fact]
    public async Task ADingTalkCodeForAnotherClientOrAWrongSecretIsRefused()
    {
        await ConnectAsync(ConnTypes.DingTalk, "dt-mine");
        await ConnectAsync(ConnTypes.DingTalk, "dt-wrong", secret: "wrong");
        var otherClient = Unique("dtother");
        f.Fake.Apps[otherClient] = "other";
        f.Fake.Mode = null;
        var user = new FakeUser(Unique("dto"), Unique("dtu"), Unique("dtinject"));
        f.Fake.NextUser = user;

        var browser = f.NewBrowser();
        var state = QueryHelpers.ParseQuery((await ScanAsync(browser, "dt-mine")).Query)["state"].ToString();
        var (r, body) = await GetAsync(browser, new Uri(f.Base, $"connections/social/dt-mine/callback?authCode={f.Fake.IssueCode(otherClient, user)}&state={state}"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True(Says(body, ErrorCodes.ExtProviderError), body);

        var wrong = f.NewBrowser();
        var (r2, body2) = await GetAsync(wrong, await ScanAsync(wrong, "dt-wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
        Assert.True(Says(body2, ErrorCodes.ExtProviderError), body2);
        Assert.Empty(await IdentitiesAsync(user.UnionId!, user.OpenId));
    }

    [Fact]
    public async Task TheHostedLoginPageShowsWeChatAndDingTalkButtons()
    {
        await ConnectAsync(ConnTypes.WeChatPc, "wx-page");
        await ConnectAsync(ConnTypes.DingTalk, "dt-page");
        var (r, html) = await GetAsync(f.NewBrowser(), new Uri(f.Base, "login?return_url=/after"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("id=\"extidp-wx-page\" href=\"/connections/social/wx-page?", html);
        Assert.Contains("id=\"extidp-dt-page\" href=\"/connections/social/dt-page?", html);
    }
}
