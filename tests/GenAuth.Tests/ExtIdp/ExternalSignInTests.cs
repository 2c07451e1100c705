using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Mfa;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// Sign-in through a real external OpenID provider (npm oidc-provider on loopback) and a GitHub-shaped OAuth 2.0 server:
/// the redirect dance over HTTP with a cookie-keeping client, then what the pipeline decided (link, JIT, match, MFA) and
/// the abuse cases (replayed or foreign state, wrong audience, expired/unsigned/badly signed token, wrong nonce, provider
/// error, unknown connection), each a page with GenAuth's code message and nothing written.
/// </summary>
public sealed class ExternalSignInTests(ExtIdpFixture f) : IClassFixture<ExtIdpFixture>
{
    private const string Start = "/connections/oidc/op1?return_url=/after";

    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..20];

    private Task<int> UsersWithEmailAsync(string email) =>
        f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == email));

    private Task<List<UserIdentity>> IdentitiesAsync(string subject) =>
        f.Host.App.QueryDbAsync(db => db.UserIdentities.Where(i => i.ProviderUserId == subject).ToListAsync());

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(Browser b, Uri url)
    {
        var r = await b.Http.GetAsync(url);
        return (r, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task FirstSignInCreatesTheUserJustInTimeAndTheNextOneUsesTheLinkedIdentity()
    {
        var name = Unique("jit");
        var email = name + "@example.com";
        var login = $"{name}~{email}~1";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login);
        Assert.Equal("/connections/oidc/op1/callback", callback.AbsolutePath);
        var (done, body) = await GetAsync(browser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);
        Assert.Contains(done.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ga_sso_" + f.Host.App.UserPoolId + "=", StringComparison.Ordinal));

        var identity = Assert.Single(await IdentitiesAsync(login));
        var user = await f.Host.App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(email, user.Email);
        Assert.True(user.EmailVerified);
        Assert.Equal(login, user.Unionid);
        Assert.Equal("oidc", identity.Provider);
        Assert.Contains(email, identity.ProfileJson);
        // The provider's tokens are kept sealed: no JWT or token name in clear in the stored bytes.
        Assert.NotNull(identity.SealedTokens);
        Assert.DoesNotContain("access_token", Encoding.UTF8.GetString(identity.SealedTokens!));

        // Again, from a fresh browser: the same user through the linked identity, no second account or identity.
        var again = f.NewBrowser();
        var (second, _) = await GetAsync(again, await f.Op.SignInAtProviderAsync(again, f.Base, Start, login));
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Single(await IdentitiesAsync(login));
        Assert.Equal(1, await UsersWithEmailAsync(email));
        var logs = await f.Host.App.QueryDbAsync(db => db.LoginLogs.CountAsync(l => l.UserId == user.Id && l.Method == "oidc:op1"));
        Assert.Equal(2, logs);

        // GraphQL User.identities shows the link (tokens never).
        var result = await f.Host.AdminGqlAsync(
            "query($id: String) { user(id: $id) { identities { provider userIdInIdp connectionId extIdpId type isSocial accessToken refreshToken } } }",
            new { id = user.Id });
        var listed = Assert.Single(GraphQLClient.Success(result, "user")["identities"]!.AsArray())!;
        Assert.Equal("oidc", listed["provider"]!.GetValue<string>());
        Assert.Equal(login, listed["userIdInIdp"]!.GetValue<string>());
        Assert.Equal(f.ExtIdpId, listed["extIdpId"]!.GetValue<string>());
        Assert.False(listed["isSocial"]!.GetValue<bool>());
        Assert.Null(listed["accessToken"]);
        Assert.Null(listed["refreshToken"]);
    }

    [Fact]
    public async Task ALinkUrlJoinsTheProvidersAccountToTheUserWhoAskedOnceAndNeverToASecondUser()
    {
        var name = Unique("link");
        var login = $"{name}~{name}@provider.example~1";
        var (userId, token) = await f.Host.Gql.RegisterAndLoginAsync(name + "@local.example");
        // The URL is asked for by the browser that will open it (the SDK's call carries credentials): its link cookie binds it.
        var browser = f.NewBrowser();
        var url = await LinkUrlAsync(browser, token);
        Assert.DoesNotContain(token, url.ToString());

        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, url.PathAndQuery + "&return_url=/linked", login);
        var (done, body) = await GetAsync(browser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal("/linked", done.Headers.Location!.OriginalString);
        Assert.Equal(userId, Assert.Single(await IdentitiesAsync(login)).UserId);
        // Linking signs nobody in: no SSO cookie.
        Assert.DoesNotContain(done.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("ga_sso_", StringComparison.Ordinal));

        // The URL is spent (even in the browser it was made for).
        var (replayed, _) = await GetAsync(browser, new Uri(f.Base, url.PathAndQuery));
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);

        // Another user linking the same provider account is refused; the identity stays with its owner.
        var (_, otherToken) = await f.Host.Gql.RegisterAndLoginAsync(Unique("other") + "@local.example");
        var other = f.NewBrowser();
        var (refused, refusedBody) = await GetAsync(other, await f.Op.SignInAtProviderAsync(other, f.Base, (await LinkUrlAsync(other, otherToken)).PathAndQuery, login));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(refusedBody.Contains(ErrorCodes.ExtIdentityLinkedElsewhere.ZhCn) || refusedBody.Contains(ErrorCodes.ExtIdentityLinkedElsewhere.EnUs), refusedBody);
        Assert.Equal(userId, Assert.Single(await IdentitiesAsync(login)).UserId);

        // A bad id token gets no URL.
        var bad = await f.RestAsync(HttpMethod.Get, "/api/v3/generate-link-extidp-url?ext_idp_conn_identifier=op1&id_token=nope", token: "nope");
        Assert.Equal(ErrorCodes.TokenInvalid.Code, bad["code"]!.GetValue<int>());
    }

    private static string HiddenToken(string html)
    {
        var match = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"");
        Assert.True(match.Success, "no form token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private async Task<Browser> CenterBrowserAsync(string token)
    {
        var browser = f.NewBrowser();
        browser.SetSsoCookie(f.Host.MintSsoCookie(Jwt.Payload(token)["sid"]!.GetValue<string>(), DateTimeOffset.UtcNow));
        return browser;
    }

    private static async Task<HttpResponseMessage> PostCenterAsync(Browser browser, string path, Dictionary<string, string> form)
    {
        using var center = await browser.Http.GetAsync("/u");
        Assert.Equal(HttpStatusCode.OK, center.StatusCode);
        form["__RequestVerificationToken"] = HiddenToken(await center.Content.ReadAsStringAsync());
        return await browser.Http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task ThePersonalCenterLinksAConnectionThroughItsFlowListsItAndUnlinksIt()
    {
        var name = Unique("center");
        var login = $"{name}~{name}@provider.example~1";
        var (userId, token) = await f.Host.Gql.RegisterAndLoginAsync(name + "@local.example");
        var browser = await CenterBrowserAsync(token);
        var (page, html) = await GetAsync(browser, new Uri(f.Base, "/u"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"identities-none\"", html);
        Assert.Contains("data-identifier=\"op1\"", html);

        // Link: a POST with the form token (a GET or another site's POST can't start it) → the flow in link mode.
        using (var noToken = await browser.Http.PostAsync("/u/identities/link", new FormUrlEncodedContent([new("identifier", "op1")])))
            Assert.NotEqual(HttpStatusCode.Redirect, noToken.StatusCode);
        using var start = await PostCenterAsync(browser, "/u/identities/link", new() { ["identifier"] = "op1" });
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var startUrl = start.Headers.Location!.OriginalString;
        Assert.StartsWith("/connections/oidc/op1?", startUrl);
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, startUrl, login);
        var (done, body) = await GetAsync(browser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal("/u", done.Headers.Location!.OriginalString);
        var identity = Assert.Single(await IdentitiesAsync(login));
        Assert.Equal(userId, identity.UserId);

        // Listed, and no longer offered for linking.
        var (_, listed) = await GetAsync(browser, new Uri(f.Base, "/u"));
        Assert.Contains($"data-identity-id=\"{identity.Id}\"", listed);
        Assert.DoesNotContain("data-identifier=\"op1\"", listed);

        // Someone else's identity id unlinks nothing.
        using (var foreign = await PostCenterAsync(browser, "/u/identities/unlink", new() { ["identity_id"] = "5f0000000000000000000d99" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
            var text = WebUtility.HtmlDecode(await foreign.Content.ReadAsStringAsync());
            Assert.True(text.Contains(ErrorCodes.ExtIdentityNotLinked.EnUs) || text.Contains(ErrorCodes.ExtIdentityNotLinked.ZhCn), text);
        }
        // The user has a password: the identity may go.
        using (var unlinked = await PostCenterAsync(browser, "/u/identities/unlink", new() { ["identity_id"] = identity.Id }))
            Assert.Equal(HttpStatusCode.OK, unlinked.StatusCode);
        Assert.Empty(await IdentitiesAsync(login));
    }

    [Fact]
    public async Task ThePersonalCenterRefusesToUnlinkTheLastWayIn()
    {
        var name = Unique("last");
        var login = $"{name}~{name}@provider.example~1";
        // Just in time from the provider, then the email is dropped by an admin: the identity is the only way in.
        var browser = f.NewBrowser();
        var (first, _) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login));
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        var identity = Assert.Single(await IdentitiesAsync(login));
        await f.Host.App.QueryDbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == identity.UserId)
            .ExecuteUpdateAsync(x => x.SetProperty(u => u.Email, (string?)null).SetProperty(u => u.Phone, (string?)null)
                .SetProperty(u => u.PasswordHash, (string?)null)));

        using var refused = await PostCenterAsync(browser, "/u/identities/unlink", new() { ["identity_id"] = identity.Id });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var text = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.True(text.Contains(ErrorCodes.ExtLastSignInMethod.EnUs) || text.Contains(ErrorCodes.ExtLastSignInMethod.ZhCn), text);
        Assert.Single(await IdentitiesAsync(login));
    }

    private async Task<Uri> LinkUrlAsync(Browser browser, string idToken)
    {
        using var request = f.Host.Gql.NewRequest(HttpMethod.Get, "/api/v3/generate-link-extidp-url?ext_idp_conn_identifier=op1&id_token=" + idToken, idToken);
        using var response = await browser.Http.SendAsync(request);
        var answer = await GraphQLClient.ReadJsonAsync(response);
        Assert.Equal(200, answer["code"]!.GetValue<int>());
        return new Uri(answer["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALeakedLinkUrlOpenedInAnotherBrowserLinksNothingAndStaysUsableByItsOwner()
    {
        var name = Unique("leak");
        var attackerLogin = $"{name}~{name}@attacker.example~1";
        var (victimId, victimToken) = await f.Host.Gql.RegisterAndLoginAsync(name + "@victim.example");
        var victimBrowser = f.NewBrowser();
        var url = await LinkUrlAsync(victimBrowser, victimToken);

        // The attacker opens the leaked URL in their own browser: refused before the provider is even asked.
        var attacker = f.NewBrowser();
        var (refused, _) = await GetAsync(attacker, new Uri(f.Base, url.PathAndQuery));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(await IdentitiesAsync(attackerLogin));

        // A binder cookie of another link doesn't fit this ticket either.
        var (_, attackerToken) = await f.Host.Gql.RegisterAndLoginAsync(Unique("att") + "@attacker.example");
        await LinkUrlAsync(attacker, attackerToken);
        var (stillRefused, _) = await GetAsync(attacker, new Uri(f.Base, url.PathAndQuery));
        Assert.Equal(HttpStatusCode.BadRequest, stillRefused.StatusCode);

        // A browser signed in (SSO) as another user is not the victim's either.
        var ssoOther = f.NewBrowser();
        var otherSession = Jwt.Payload(attackerToken)["sid"]!.GetValue<string>();
        ssoOther.SetSsoCookie(f.Host.MintSsoCookie(otherSession, DateTimeOffset.UtcNow));
        var (ssoRefused, _) = await GetAsync(ssoOther, new Uri(f.Base, url.PathAndQuery));
        Assert.Equal(HttpStatusCode.BadRequest, ssoRefused.StatusCode);

        // The failed tries didn't spend it: the victim's own browser still links.
        var callback = await f.Op.SignInAtProviderAsync(victimBrowser, f.Base, url.PathAndQuery + "&return_url=/linked", $"{name}~{name}@provider.example~1");
        var (done, body) = await GetAsync(victimBrowser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal(victimId, Assert.Single(await IdentitiesAsync($"{name}~{name}@provider.example~1")).UserId);
    }

    [Fact]
    public async Task ABrowserSignedInAsTheTicketsUserMayOpenItsLinkUrl()
    {
        var name = Unique("ssolink");
        var login = $"{name}~{name}@provider.example~1";
        var (userId, token) = await f.Host.Gql.RegisterAndLoginAsync(name + "@local.example");
        // Asked from elsewhere (no cookie in this browser), opened in a browser signed in to the pool as the same user.
        var url = await LinkUrlAsync(f.NewBrowser(), token);
        var browser = f.NewBrowser();
        browser.SetSsoCookie(f.Host.MintSsoCookie(Jwt.Payload(token)["sid"]!.GetValue<string>(), DateTimeOffset.UtcNow));
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, url.PathAndQuery + "&return_url=/linked", login);
        var (done, body) = await GetAsync(browser, callback);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal(userId, Assert.Single(await IdentitiesAsync(login)).UserId);
    }

    private async Task<string> LocalUserAsync(string email, bool verified)
    {
        var id = await f.Host.RegisterAsync(email);
        if (verified)
            GraphQLClient.Success(await f.Host.AdminGqlAsync(Ops.UpdateUser, new { id, input = new { emailVerified = true } }), "updateUser");
        return id;
    }

    [Fact]
    public async Task AVerifiedEmailAtTheProviderLinksTheLocalAccountWithTheSameVerifiedEmail()
    {
        var name = Unique("match");
        var email = name + "@example.com";
        var localId = await LocalUserAsync(email, verified: true);
        var login = $"{name}~{email}~1";
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal(localId, Assert.Single(await IdentitiesAsync(login)).UserId);
        Assert.Equal(1, await UsersWithEmailAsync(email));
    }

    [Theory]
    [InlineData(false, true)]   // the provider doesn't vouch for the address: whoever typed it there would take the account over
    [InlineData(true, false)]   // the local account never proved the address: a squatter's account would receive the login
    public async Task AnUnverifiedEmailOnEitherSideIsRefusedAndNothingIsWritten(bool atProvider, bool locally)
    {
        var name = Unique("unv");
        var email = name + "@example.com";
        await LocalUserAsync(email, verified: locally);
        var login = $"{name}~{email}~{(atProvider ? 1 : 0)}";
        var browser = f.NewBrowser();
        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login));
        Assert.Equal(HttpStatusCode.BadRequest, done.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtEmailNotVerified.ZhCn, body);
        Assert.Empty(await IdentitiesAsync(login));
        Assert.Equal(1, await UsersWithEmailAsync(email));
        Assert.DoesNotContain(done.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("ga_sso_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserWithAnAuthenticatorPassesTheSecondFactorAfterTheExternalLogin()
    {
        var name = Unique("mfa");
        var email = name + "@example.com";
        var (_, token) = await f.Host.Gql.RegisterAndLoginAsync(email);
        var request = GraphQLClient.Success(await f.Host.Gql.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token), "sendEnrollFactorRequest");
        var secret = Rfc6238.SecretOf(request["otpData"]!["qrCodeUri"]!.GetValue<string>());
        GraphQLClient.Success(await f.Host.Gql.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = Rfc6238.Code(secret, DateTimeOffset.UtcNow),
        }, token), "enrollFactor");
        var userId = (await f.Host.App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Email == email))).Id;
        GraphQLClient.Success(await f.Host.AdminGqlAsync(Ops.UpdateUser, new { id = userId, input = new { emailVerified = true } }), "updateUser");

        var browser = f.NewBrowser();
        var (page, html) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, Start, $"{name}~{email}~1"));
        // The pipeline stops at the second factor: the MFA step of the hosted page, no SSO cookie yet.
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("id=\"mfa\"", html);
        Assert.DoesNotContain(page.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("ga_sso_", StringComparison.Ordinal));

        string Hidden(string field) => WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{field}\" value=\"([^\"]*)\"").Groups[1].Value);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden("__RequestVerificationToken"), ["app_id"] = Hidden("app_id"),
            ["return_url"] = Hidden("return_url"), ["mfa_token"] = Hidden("mfa_token"), ["factor"] = "otp",
            ["code"] = Rfc6238.Code(secret, DateTimeOffset.UtcNow, 1),
        };
        var done = await browser.Http.PostAsync(new Uri(f.Base, "/login/mfa"), new FormUrlEncodedContent(form));
        if (done.StatusCode != HttpStatusCode.SeeOther)
        {
            // The enrolment spent the current step's code; the previous step is inside the window too.
            form["code"] = Rfc6238.Code(secret, DateTimeOffset.UtcNow, -1);
            done = await browser.Http.PostAsync(new Uri(f.Base, "/login/mfa"), new FormUrlEncodedContent(form));
        }
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);
        Assert.Equal(userId, Assert.Single(await IdentitiesAsync($"{name}~{email}~1")).UserId);
    }

    [Fact]
    public async Task AReplayedStateIsRefusedEvenWithACopyOfTheFlowCookie()
    {
        var login = $"{Unique("rep")}~~0";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login);
        var (first, _) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Single(await IdentitiesAsync(login));

        // The same callback again in the same browser (its cookie is gone) …
        var (again, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtStateInvalid.ZhCn, body);

        // … and with the cookie put back (an attacker who copied it): the state was spent.
        var attacker = f.NewBrowser();
        var start2 = await attacker.Http.GetAsync(new Uri(f.Base, Start));
        var cookie2 = start2.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("ga_ext_", StringComparison.Ordinal));
        var authorize = start2.Headers.Location!;
        var state = Browser.Query(authorize)["state"];
        var fake = new Uri(f.Base, $"/connections/oidc/op1/callback?code=x&state={Uri.EscapeDataString(state)}");
        var (firstUse, _) = await GetAsync(attacker, fake);            // spends the state (the provider refuses the code)
        Assert.Equal(HttpStatusCode.BadRequest, firstUse.StatusCode);
        attacker.SetSsoCookie(cookie2);                                  // the flow cookie, restored
        var (replay, replayBody) = await GetAsync(attacker, fake);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtStateInvalid.ZhCn, replayBody);
    }

    [Fact]
    public async Task ACallbackInABrowserThatDidNotStartTheFlowIsRefused()
    {
        var login = $"{Unique("csrf")}~~0";
        var victim = f.NewBrowser();
        var attacker = f.NewBrowser();
        // The attacker signs in at the provider and hands the callback to the victim's browser (login CSRF).
        var callback = await f.Op.SignInAtProviderAsync(attacker, f.Base, Start, login);
        var (r, body) = await GetAsync(victim, callback);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtStateInvalid.ZhCn, body);
        Assert.Empty(await IdentitiesAsync(login));
    }

    [Theory]
    [InlineData("wrong-aud")]
    [InlineData("expired")]
    [InlineData("unsigned")]
    [InlineData("bad-sig")]
    [InlineData("bad-nonce")]
    public async Task AnIdTokenThatDoesNotHoldForThisConnectionIsRefusedAndNothingIsWritten(string mode)
    {
        var name = Unique("tok");
        var login = $"{name}~{name}@example.com~1";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, Start, login);
        await f.Op.SetModeAsync(mode);
        var (r, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtTokenInvalid.ZhCn, body);
        Assert.Empty(await IdentitiesAsync(login));
        Assert.Equal(0, await UsersWithEmailAsync(name + "@example.com"));
    }

    [Fact]
    public async Task AProviderErrorIsAPageInTheUsersLanguage()
    {
        var login = $"{Unique("err")}~~0";
        var browser = f.NewBrowser();
        var callback = await f.Op.SignInAtProviderAsync(browser, f.Base, Start + "&lang=en-US", login);
        await f.Op.SetModeAsync("error");
        var (r, body) = await GetAsync(browser, callback);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtProviderError.EnUs, body);
        Assert.Contains("lang=\"en-US\"", body);
        Assert.Empty(await IdentitiesAsync(login));

        // The provider sending the user back with ?error= (access denied) is the same page.
        var b2 = f.NewBrowser();
        var start = await b2.Http.GetAsync(new Uri(f.Base, Start));
        var state = Browser.Query(start.Headers.Location!)["state"];
        var (denied, deniedBody) = await GetAsync(b2, new Uri(f.Base, $"/connections/oidc/op1/callback?error=access_denied&state={Uri.EscapeDataString(state)}"));
        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtProviderError.ZhCn, deniedBody);
    }

    [Fact]
    public async Task TheHostedLoginPageOffersTheConnectionsAndItsButtonCompletesTheLogin()
    {
        var name = Unique("btn");
        var login = $"{name}~{name}@example.com~1";
        var browser = f.NewBrowser();
        var (page, html) = await GetAsync(browser, new Uri(f.Base, "/login?return_url=/after"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var href = Regex.Match(html, "id=\"extidp-op1\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("/connections/social/op1?app_id=" + f.Host.App.AppId, href);
        Assert.Contains("id=\"extidp-gh\"", html);
        var (done, body) = await GetAsync(browser, await f.Op.SignInAtProviderAsync(browser, f.Base, href, login));
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        Assert.Equal("/after", done.Headers.Location!.OriginalString);
        Assert.Single(await IdentitiesAsync(login));
    }

    [Fact]
    public async Task TheSdkPopupModePostsTheSignedInUserToTheOpener()
    {
        var name = Unique("pop");
        var login = $"{name}~{name}@example.com~1";
        var browser = f.NewBrowser();
        var start = $"/connections/social/op1?from_guard=1&app_id={f.Host.App.AppId}&protocol=oidc&uuid=abc";
        var done = await browser.Http.GetAsync(await f.Op.SignInAtProviderAsync(browser, f.Base, start, login));
        var html = await done.Content.ReadAsStringAsync();
        Assert.True(done.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("src=\"/connections/_popup.js\"", html);
        var message = JsonNode.Parse(WebUtility.HtmlDecode(Regex.Match(html, "data-message=\"([^\"]+)\"").Groups[1].Value))!;
        Assert.Equal(200, message["code"]!.GetValue<int>());
        Assert.Equal("socialLogin", message["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal(name + "@example.com", message["data"]!["email"]!.GetValue<string>());
        Assert.Equal(3, message["data"]!["token"]!.GetValue<string>().Split('.').Length);
    }

    [Fact]
    public async Task AnUnknownOrDisabledConnectionIsNotFound()
    {
        var browser = f.NewBrowser();
        var (r, body) = await GetAsync(browser, new Uri(f.Base, "/connections/social/nope?lang=en-US"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains(GenAuth.Core.Common.ErrorCodes.ExtIdpConnNotFound.EnUs, body);
    }

    [Fact]
    public async Task TheGitHubPresetMapsGitHubsUserJson()
    {
        var ghLogin = "octo-" + Unique("g");
        await f.Op.SetGitHubUserAsync(987654, ghLogin, null, "Octo Cat");
        var browser = f.NewBrowser();
        var start = await browser.Http.GetAsync(new Uri(f.Base, "/connections/social/gh?return_url=/after"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.Equal("gh-client", Browser.Query(authorize)["client_id"]);
        Assert.Equal("read:user user:email", Browser.Query(authorize)["scope"]);
        var back = await browser.Http.GetAsync(authorize);
        var (done, body) = await GetAsync(browser, back.Headers.Location!);
        Assert.True(done.StatusCode == HttpStatusCode.SeeOther, body);
        var identity = Assert.Single(await IdentitiesAsync("987654"));
        var user = await f.Host.App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Id == identity.UserId));
        Assert.Equal(ghLogin, user.Nickname);
        Assert.Contains("Octo Cat", identity.ProfileJson);
        Assert.Equal("https://avatars.example/u/987654", user.Photo);
        Assert.Equal("github", identity.Provider);
        Assert.Null(user.Email);
    }
}
