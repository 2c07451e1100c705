using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Oidc;

/// <summary>The certified Duende OidcClient drives a "browser" that follows redirects and carries the SSO cookie.</summary>
public sealed class RedirectBrowser(Browser browser) : IBrowser
{
    public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
    {
        var (response, url) = await browser.FollowAsync(options.StartUrl);
        if (url.ToString().StartsWith(options.EndUrl, StringComparison.Ordinal))
            return new BrowserResult { ResultType = BrowserResultType.Success, Response = url.ToString() };
        return new BrowserResult
        {
            ResultType = BrowserResultType.UnknownError,
            Error = $"stopped at {url} ({(int)response.StatusCode})",
        };
    }
}

public sealed class OidcFixture : IAsyncLifetime
{
    public OidcHost Host { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class OidcCodeFlowTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcHost Host => fixture.Host;
    private HttpClient Http => Host.Gql.Http;

    private static string NewEmail() => $"u{Guid.NewGuid():N}@example.com";

    private OidcClient Client(Browser browser, string id, string? secret, string scope = "openid profile email offline_access") => new(new OidcClientOptions
    {
        Authority = Host.BaseUri.ToString().TrimEnd('/') + "/oidc",
        ClientId = id,
        ClientSecret = secret,
        // Note: the test apps are registered client_secret_basic (the default), and the server holds them to it.
        TokenClientCredentialStyle = secret is null ? Duende.IdentityModel.Client.ClientCredentialStyle.PostBody
            : Duende.IdentityModel.Client.ClientCredentialStyle.AuthorizationHeader,
        RedirectUri = OidcHost.Callback,
        PostLogoutRedirectUri = OidcHost.LoggedOut,
        Scope = scope,
        Browser = new RedirectBrowser(browser),
        Policy = { Discovery = { RequireHttps = false } },
    });

    [Fact]
    public async Task Code_flow_with_pkce_signs_in_through_the_sso_session_and_loads_userinfo()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        var userId = await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);

        var result = await Client(browser, id, secret).LoginAsync();

        Assert.False(result.IsError, result.Error + " " + result.ErrorDescription);
        Assert.Equal(userId, result.User.FindFirst("sub")!.Value);
        Assert.Equal(email, result.User.FindFirst("email")!.Value);
        var idToken = Jwt.Payload(result.IdentityToken);
        Assert.Equal(id, idToken["aud"]!.GetValue<string>());
        Assert.NotNull(idToken["auth_time"]);
        Assert.NotNull(idToken["sid"]);
        Assert.Equal("urn:genauth:acr:sfa", idToken["acr"]!.GetValue<string>());
        var access = Jwt.Payload(result.AccessToken);
        Assert.Equal(id, access["aud"]!.GetValue<string>());
        Assert.Equal("at+jwt", Jwt.Header(result.AccessToken)["typ"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(result.RefreshToken));
        // The app session is linked to the browser's SSO session.
        var sid = idToken["sid"]!.GetValue<string>();
        var session = await Host.App.QueryDbAsync(db => Task.FromResult(db.Sessions.Single(s => s.Id == sid)));
        Assert.Equal(id, session.AppId);
        Assert.NotNull(session.ParentSessionId);
    }

    [Fact]
    public async Task Public_client_uses_pkce_and_without_it_is_refused()
    {
        var (id, _) = await Host.CreateClientAsync("tokenEndpointAuthMethod: \"none\"");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var result = await Client(browser, id, null).LoginAsync();
        Assert.False(result.IsError, result.Error + " " + result.ErrorDescription);

        var (response, url) = await browser.FollowAsync(
            $"/oidc/auth?client_id={id}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}&state=s1");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = Browser.Query(url);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("s1", query["state"]);
        Assert.DoesNotContain("code", query.Keys);
    }

    [Fact]
    public async Task Plain_pkce_is_refused()
    {
        var (id, _) = await Host.CreateClientAsync("tokenEndpointAuthMethod: \"none\"");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var (_, url) = await browser.FollowAsync(
            $"/oidc/auth?client_id={id}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}&code_challenge=abcdefghijabcdefghijabcdefghijabcdefghij123&code_challenge_method=plain");
        Assert.Equal("invalid_request", Browser.Query(url)["error"]);
    }

    [Fact]
    public async Task Refresh_token_rotates_and_a_replayed_one_revokes_the_family()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var client = Client(browser, id, secret);
        var login = await client.LoginAsync();
        Assert.False(login.IsError, login.Error);

        var first = await RefreshAsync(id, secret!, login.RefreshToken);
        var rotated = first["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(login.RefreshToken, rotated);
        Assert.NotNull(first["access_token"]);
        Assert.NotNull(first["id_token"]);

        var secondAccess = first["access_token"]!.GetValue<string>();
        Assert.True((await PostAsync("/oidc/token/introspection", id, secret!, [new("token", secondAccess)]))["active"]!.GetValue<bool>());
        // Access tokens of the token endpoint have no token row (a write per token saved); they follow their family instead.
        var sub = login.User.FindFirst("sub")!.Value;
        Assert.Equal(0, await Host.App.QueryDbAsync(db => db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>()
            .CountAsync(t => t.Subject == sub && t.Type == "access_token")));

        var replay = await RefreshAsync(id, secret!, login.RefreshToken);
        Assert.Equal("invalid_grant", replay["error"]!.GetValue<string>());
        // The replay revoked the family: the rotated token is dead too, and so are the access tokens issued from it.
        var afterReplay = await RefreshAsync(id, secret!, rotated);
        Assert.Equal("invalid_grant", afterReplay["error"]!.GetValue<string>());
        foreach (var access in new[] { login.AccessToken, secondAccess })
        {
            var introspection = await PostAsync("/oidc/token/introspection", id, secret!, [new("token", access)]);
            Assert.False(introspection["active"]!.GetValue<bool>(), introspection.ToJsonString());
            using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
            userinfo.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
            using var answer = await Http.SendAsync(userinfo);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
    }

    [Fact]
    public async Task Introspection_and_revocation_follow_rfc7662_and_rfc7009()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret).LoginAsync();
        Assert.False(login.IsError, login.Error);

        var active = await PostAsync("/oidc/token/introspection", id, secret!, [new("token", login.AccessToken)]);
        Assert.True(active["active"]!.GetValue<bool>(), active.ToJsonString());
        Assert.Equal(id, active["client_id"]!.GetValue<string>());
        Assert.Equal(login.User.FindFirst("sub")!.Value, active["sub"]!.GetValue<string>());

        var (otherId, otherSecret) = await Host.CreateClientAsync(name: "Other RP");
        var foreign = await PostAsync("/oidc/token/introspection", otherId, otherSecret!, [new("token", login.AccessToken)]);
        Assert.False(foreign["active"]!.GetValue<bool>());

        using (var revoke = await SendAsync("/oidc/token/revocation", id, secret!, [new("token", login.RefreshToken), new("token_type_hint", "refresh_token")]))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var refreshed = await RefreshAsync(id, secret!, login.RefreshToken);
        Assert.Equal("invalid_grant", refreshed["error"]!.GetValue<string>());

        using (var revoke = await SendAsync("/oauth/token/revocation", id, secret!, [new("token", login.AccessToken)]))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var inactive = await PostAsync("/oauth/token/introspection", id, secret!, [new("token", login.AccessToken)]);
        Assert.False(inactive["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Userinfo_answers_get_and_post_per_scope_and_refuses_a_bad_token()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret, "openid profile").LoginAsync();
        Assert.False(login.IsError, login.Error);

        using var get = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        get.Headers.Authorization = new("Bearer", login.AccessToken);
        var claims = JsonNode.Parse(await (await Http.SendAsync(get)).Content.ReadAsStringAsync())!;
        Assert.NotNull(claims["sub"]);
        Assert.Null(claims["email"]); // email scope not granted
        Assert.NotNull(claims["updated_at"]);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/oauth/me")
        {
            Content = new FormUrlEncodedContent([new("access_token", login.AccessToken)]),
        };
        using var postResponse = await Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, postResponse.StatusCode);

        using var bad = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        bad.Headers.Authorization = new("Bearer", login.AccessToken[..^4] + "AAAA");
        using var badResponse = await Http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, badResponse.StatusCode);
        Assert.Contains("invalid_token", badResponse.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required_at_the_redirect_uri()
    {
        var (id, _) = await Host.CreateClientAsync();
        var browser = Host.NewBrowser();
        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id, "&prompt=none&state=xyz"));
        Assert.StartsWith(OidcHost.Callback, url.ToString());
        var query = Browser.Query(url);
        Assert.Equal("login_required", query["error"]);
        Assert.Equal("xyz", query["state"]);
    }

    [Fact]
    public async Task Without_a_session_the_browser_goes_to_the_login_page_with_a_local_return_url_and_the_hint()
    {
        var (id, _) = await Host.CreateClientAsync();
        var browser = Host.NewBrowser();
        using var response = await browser.Http.GetAsync(AuthorizeUrl(id, "&login_hint=ann%40example.com&prompt=login"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/login?app_id=" + id, location);
        var query = Browser.Query(new Uri(Host.BaseUri, location));
        Assert.Equal("ann@example.com", query["login_hint"]);
        var resume = query["return_url"];
        Assert.StartsWith("/oidc/auth?", resume);
        Assert.DoesNotContain("prompt=login", resume);
        Assert.Contains("ga_auth_after=", resume);
    }

    [Fact]
    public async Task Prompt_login_and_max_age_send_a_signed_in_browser_back_to_the_login_page()
    {
        var (id, _) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        using (var login = await browser.Http.GetAsync(AuthorizeUrl(id, "&prompt=login")))
            Assert.StartsWith("/login?", login.Headers.Location!.ToString());
        // An SSO session signed in an hour ago is too old for max_age=60.
        var sid = (await Host.App.QueryDbAsync(db => Task.FromResult(db.Sessions.OrderByDescending(s => s.CreatedAt).First().Id)));
        browser.SetSsoCookie(Host.MintSsoCookie(sid, DateTimeOffset.UtcNow.AddHours(-1)));
        using (var old = await browser.Http.GetAsync(AuthorizeUrl(id, "&max_age=60")))
            Assert.StartsWith("/login?", old.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_bad_redirect_uri_or_client_shows_a_page_and_never_redirects()
    {
        var (id, _) = await Host.CreateClientAsync();
        var browser = Host.NewBrowser();
        using var mismatch = await browser.Http.GetAsync(
            $"/oidc/auth?client_id={id}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString("https://evil.example/callback")}&state=s");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Null(mismatch.Headers.Location);
        Assert.StartsWith("text/html", mismatch.Content.Headers.ContentType!.ToString());
        Assert.Contains("invalid_request", await mismatch.Content.ReadAsStringAsync());

        using var unknown = await browser.Http.GetAsync(
            $"/oidc/auth?client_id=nope&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Null(unknown.Headers.Location);
        Assert.Contains("client_id", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_the_app_denies_gets_access_denied()
    {
        var (id, _) = await Host.CreateClientAsync("defaultStrategy: \"DENY_ALL\"");
        var (open, _) = await Host.CreateClientAsync(name: "Open");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, open);
        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id, "&state=st"));
        var query = Browser.Query(url);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("st", query["state"]);
    }

    [Fact]
    public async Task Sso_gives_a_second_app_a_code_without_a_prompt_and_appSsoEnabled_false_stops_it()
    {
        var (a, aSecret) = await Host.CreateClientAsync(name: "App A");
        var (b, bSecret) = await Host.CreateClientAsync(name: "App B");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, a);
        var first = await Client(browser, a, aSecret).LoginAsync();
        var second = await Client(browser, b, bSecret).LoginAsync();
        Assert.False(first.IsError, first.Error);
        Assert.False(second.IsError, second.Error);
        Assert.Equal(first.User.FindFirst("sub")!.Value, second.User.FindFirst("sub")!.Value);
        Assert.NotEqual(Jwt.Payload(first.IdentityToken)["sid"]!.ToString(), Jwt.Payload(second.IdentityToken)["sid"]!.ToString());

        GraphQLClient.Success(await Host.AdminGqlAsync("mutation { updateUserpool(input: { appSsoEnabled: false }) { appSsoEnabled } }"), "updateUserpool");
        try
        {
            var (_, url) = await browser.FollowAsync(AuthorizeUrl(b, "&prompt=none"));
            Assert.Equal("login_required", Browser.Query(url)["error"]);
        }
        finally
        {
            GraphQLClient.Success(await Host.AdminGqlAsync("mutation { updateUserpool(input: { appSsoEnabled: true }) { appSsoEnabled } }"), "updateUserpool");
        }
    }

    [Fact]
    public async Task Revoking_the_sso_session_kills_the_apps_tokens()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret).LoginAsync();
        Assert.False(login.IsError, login.Error);
        var sid = Jwt.Payload(login.IdentityToken)["sid"]!.GetValue<string>();
        var parent = await Host.App.QueryDbAsync(db => Task.FromResult(db.Sessions.Single(s => s.Id == sid).ParentSessionId!));

        await using (var scope = Host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GenAuth.Core.Data.GenAuthDbContext>();
            await scope.ServiceProvider.GetRequiredService<GenAuth.Core.Sessions.SessionService>().RevokeAsync(db, parent, CancellationToken.None);
        }

        using var me = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        me.Headers.Authorization = new("Bearer", login.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(me)).StatusCode);
        var introspection = await PostAsync("/oidc/token/introspection", id, secret!, [new("token", login.AccessToken)]);
        Assert.False(introspection["active"]!.GetValue<bool>());
        var refresh = await RefreshAsync(id, secret!, login.RefreshToken);
        Assert.Equal("invalid_grant", refresh["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logout_ends_the_sso_and_app_sessions_redirects_to_the_registered_uri_and_notifies_back_channel()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret).LoginAsync();
        Assert.False(login.IsError, login.Error);

        // An unregistered post_logout_redirect_uri is refused with a page.
        using (var bad = await browser.Http.GetAsync($"/oidc/session/end?id_token_hint={login.IdentityToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Null(bad.Headers.Location);
        }

        using var end = await browser.Http.GetAsync(
            $"/oidc/session/end?id_token_hint={login.IdentityToken}&post_logout_redirect_uri={Uri.EscapeDataString(OidcHost.LoggedOut)}&state=bye");
        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        Assert.StartsWith(OidcHost.LoggedOut, end.Headers.Location!.ToString());
        Assert.Equal("bye", Browser.Query(end.Headers.Location!)["state"]);

        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id, "&prompt=none"));
        Assert.Equal("login_required", Browser.Query(url)["error"]);
        var introspection = await PostAsync("/oidc/token/introspection", id, secret!, [new("token", login.AccessToken)]);
        Assert.False(introspection["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Custom_scopes_outside_the_apps_resources_are_invalid_scope()
    {
        var (id, _) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id, "", scope: "openid books:read"));
        Assert.Equal("invalid_scope", Browser.Query(url)["error"]);
    }

    [Fact]
    public async Task Implicit_id_token_only_when_the_app_allows_it()
    {
        var (plain, _) = await Host.CreateClientAsync();
        var (implicitApp, _) = await Host.CreateClientAsync("grantTypes: [\"authorization_code\", \"implicit\"], implicitAllowed: true", "Implicit");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, plain);
        var refused = await browser.FollowAsync(
            $"/oidc/auth?client_id={plain}&response_type=id_token&scope=openid&nonce=n1&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}");
        Assert.Contains("error=unauthorized_client", refused.Url.ToString());

        var allowed = await browser.FollowAsync(
            $"/oidc/auth?client_id={implicitApp}&response_type=id_token&scope=openid&nonce=n2&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}");
        var fragment = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(allowed.Url.Fragment.TrimStart('#'));
        var idToken = fragment["id_token"].ToString();
        Assert.Equal("n2", Jwt.Payload(idToken)["nonce"]!.GetValue<string>());
        Assert.Equal(implicitApp, Jwt.Payload(idToken)["aud"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sdk_validate_token_accepts_our_tokens_and_refuses_tampered_ones()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret).LoginAsync();
        Assert.False(login.IsError, login.Error);
        var idOk = JsonNode.Parse(await Http.GetStringAsync("/api/v2/oidc/validate_token?id_token=" + login.IdentityToken))!;
        Assert.Equal(login.User.FindFirst("sub")!.Value, idOk["sub"]!.GetValue<string>());
        var atOk = JsonNode.Parse(await Http.GetStringAsync("/api/v2/oidc/validate_token?access_token=" + login.AccessToken))!;
        Assert.Equal(id, atOk["aud"]!.GetValue<string>());
        using var tampered = await Http.GetAsync("/api/v2/oidc/validate_token?access_token=" + login.AccessToken[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        // An id token is not an access token.
        using var swapped = await Http.GetAsync("/api/v2/oidc/validate_token?access_token=" + login.IdentityToken);
        Assert.Equal(HttpStatusCode.BadRequest, swapped.StatusCode);
    }

    [Fact]
    public async Task A_session_that_passed_a_second_factor_yields_acr_mfa_and_amr()
    {
        var (id, secret) = await Host.CreateClientAsync();
        var email = NewEmail();
        var userId = await Host.RegisterAsync(email);
        // The SSO session the login page opened after a TOTP step.
        // Note: 32 characters at most, as the server's own session ids (PostgreSQL enforces the column's length; SQLite does not).
        var sid = ("mfa" + Guid.NewGuid().ToString("N"))[..32];
        await Host.App.QueryDbAsync(async db =>
        {
            db.Sessions.Add(new GenAuth.Core.Sessions.Session
            {
                Id = sid, UserPoolId = Host.App.UserPoolId, UserId = userId, AppId = id, CreatedAt = DateTime.UtcNow,
                ExpiresAt = DateTime.UtcNow.AddHours(1), SecondFactorAt = DateTime.UtcNow, SecondFactorMethod = "otp",
            });
            return await db.SaveChangesAsync();
        });
        var browser = Host.NewBrowser();
        browser.SetSsoCookie(Host.MintSsoCookie(sid, DateTimeOffset.UtcNow));
        var login = await Client(browser, id, secret).LoginAsync();
        Assert.False(login.IsError, login.Error);
        var idToken = Jwt.Payload(login.IdentityToken);
        Assert.Equal("urn:genauth:acr:mfa", idToken["acr"]!.GetValue<string>());
        Assert.Equal(["mfa", "otp"], idToken["amr"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task An_app_that_requires_mfa_sends_a_single_factor_session_to_the_login_page_once_then_refuses()
    {
        var (id, _) = await Host.CreateClientAsync("mfaRequired: true", "MFA app");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, (await Host.CreateClientAsync(name: "Plain")).Id);
        using var first = await browser.Http.GetAsync(AuthorizeUrl(id, "&state=m"));
        var location = first.Headers.Location!.ToString();
        Assert.StartsWith("/login?app_id=" + id, location);
        var resume = Browser.Query(new Uri(Host.BaseUri, location))["return_url"];
        Assert.Contains("ga_auth_after=", resume);
        // Coming back with the same single-factor session (the login page didn't add a factor): refused, not a loop.
        browser.SetSsoCookie(Host.MintSsoCookie(
            await Host.App.QueryDbAsync(db => Task.FromResult(db.Sessions.Where(s => s.ParentSessionId == null).OrderByDescending(s => s.CreatedAt).First().Id)),
            DateTimeOffset.UtcNow.AddMinutes(1)));
        var (_, url) = await browser.FollowAsync(resume);
        Assert.Equal("access_denied", Browser.Query(url)["error"]);
        Assert.Equal("m", Browser.Query(url)["state"]);
    }

    // ---- helpers ----

    private static string AuthorizeUrl(string clientId, string extra, string scope = "openid")
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"/oidc/auth?client_id={clientId}&response_type=code&scope={Uri.EscapeDataString(scope)}&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}" +
               $"&code_challenge={challenge}&code_challenge_method=S256{extra}";
    }

    private async Task<JsonNode> RefreshAsync(string id, string secret, string refreshToken) =>
        await PostAsync("/oidc/token", id, secret, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)]);

    private async Task<HttpResponseMessage> SendAsync(string path, string id, string secret, List<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = Basic.Of(id, secret);
        return await Http.SendAsync(request);
    }

    private async Task<JsonNode> PostAsync(string path, string id, string secret, List<KeyValuePair<string, string>> form)
    {
        using var response = await SendAsync(path, id, secret, form);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
