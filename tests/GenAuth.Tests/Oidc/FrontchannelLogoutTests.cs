using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// OpenID Connect Front-Channel Logout 1.0: apps register a frontchannelLogoutUri (GraphQL and REST); the logout page
/// of /oidc/session/end and of the personal center loads it in an iframe for each app of the SSO session (with iss and
/// sid when the app asks), under a CSP that frames exactly those origins, then continues to the post-logout URI.
/// </summary>
public sealed partial class OidcConsentAndLogoutTests
{
    [GeneratedRegex("<iframe class=\"fcl\" hidden src=\"([^\"]*)\"")]
    private static partial Regex FrameSrc();

    private static List<string> Frames(string html) =>
        FrameSrc().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    private static string Csp(HttpResponseMessage response) => string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

    [Theory]
    [InlineData("http://rp.example/fcl")]
    [InlineData("https://rp.example/fcl#fragment")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user@rp.example/fcl")]
    [InlineData("https://*.example/fcl")]
    [InlineData("/relative/fcl")]
    [InlineData("http://localhost.evil.example/fcl")]
    public async Task Frontchannel_logout_uris_are_https_or_localhost_without_fragment(string uri)
    {
        var created = await Host.AdminGqlAsync($"mutation {{ createApplication(name: \"FCL bad\", frontchannelLogoutUri: \"{uri}\") {{ id }} }}");
        var rest = await RestAsync(HttpMethod.Post, "/api/v2/applications", new { name = "FCL bad REST", frontchannelLogoutUri = uri });

        Assert.Equal(ErrorCodes.BadRequest.Code, GraphQLClient.ErrorCode(created));
        Assert.Equal(ErrorCodes.BadRequest.Code, rest["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Frontchannel_settings_are_set_and_cleared_through_graphql_and_rest()
    {
        var (id, _) = await Host.CreateClientAsync("frontchannelLogoutUri: \"http://localhost:5173/fcl\", frontchannelLogoutSessionRequired: true", "FCL set");
        var read = GraphQLClient.Success(await Host.AdminGqlAsync($"{{ application(id: \"{id}\") {{ frontchannelLogoutUri frontchannelLogoutSessionRequired }} }}"),
            "application");
        var cleared = GraphQLClient.Success(await Host.AdminGqlAsync(
            $"mutation {{ updateApplication(id: \"{id}\", frontchannelLogoutUri: \"\", frontchannelLogoutSessionRequired: false) {{ frontchannelLogoutUri frontchannelLogoutSessionRequired }} }}"),
            "updateApplication");
        // REST maps through Core's OidcClientInput: every OIDC field arrives, lenient lists included.
        var rest = (await RestAsync(HttpMethod.Post, "/api/v2/applications", new
        {
            name = "FCL REST", redirectUris = new[] { OidcHost.Callback }, frontchannelLogoutUri = "https://rest.example/fcl",
            frontchannelLogoutSessionRequired = true, corsOrigins = new[] { "https://rest.example" }, grantTypes = new[] { "authorization_code" },
            idTokenLifetime = 600, backchannelLogoutUri = "https://rest.example/bcl",
        }))["data"]!;
        var restId = rest["id"]!.GetValue<string>();
        var updated = (await RestAsync(HttpMethod.Put, $"/api/v2/applications/{restId}", new { frontchannelLogoutUri = "", corsOrigins = "not a list" }))["data"]!;

        Assert.Equal("http://localhost:5173/fcl", read["frontchannelLogoutUri"]!.GetValue<string>());
        Assert.True(read["frontchannelLogoutSessionRequired"]!.GetValue<bool>());
        Assert.Null(cleared["frontchannelLogoutUri"]);
        Assert.False(cleared["frontchannelLogoutSessionRequired"]!.GetValue<bool>());
        Assert.Equal("https://rest.example/fcl", rest["frontchannelLogoutUri"]!.GetValue<string>());
        Assert.True(rest["frontchannelLogoutSessionRequired"]!.GetValue<bool>());
        Assert.Equal("https://rest.example", rest["corsOrigins"]![0]!.GetValue<string>());
        Assert.Equal("authorization_code", Assert.Single(rest["grantTypes"]!.AsArray())!.GetValue<string>());
        Assert.Equal(600, rest["idTokenLifetime"]!.GetValue<int>());
        Assert.Equal("https://rest.example/bcl", rest["backchannelLogoutUri"]!.GetValue<string>());
        Assert.Null(updated["frontchannelLogoutUri"]);
        // A value that is no list leaves the list as it was (the REST body's lenient rule).
        Assert.Equal("https://rest.example", updated["corsOrigins"]![0]!.GetValue<string>());
        Assert.True(updated["frontchannelLogoutSessionRequired"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Discovery_advertises_frontchannel_logout_with_session()
    {
        var doc = JsonNode.Parse(await Host.Gql.Http.GetStringAsync("/oidc/.well-known/openid-configuration"))!;

        Assert.True(doc["frontchannel_logout_supported"]!.GetValue<bool>());
        Assert.True(doc["frontchannel_logout_session_supported"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Session_end_frames_each_apps_frontchannel_uri_then_continues_to_the_post_logout_uri()
    {
        var (a, aSecret) = await Host.CreateClientAsync("frontchannelLogoutUri: \"https://a.example/fcl?from=op\", frontchannelLogoutSessionRequired: true", "FCL A");
        var (b, bSecret) = await Host.CreateClientAsync("frontchannelLogoutUri: \"https://b.example:8443/fcl\"", "FCL B");
        var (c, cSecret) = await Host.CreateClientAsync("backchannelLogoutUri: \"https://c.example/bcl\"", "FCL C");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, a);
        var tokensA = await CodeFlowAsync(browser, a, aSecret!);
        var tokensB = await CodeFlowAsync(browser, b, bSecret!);
        await CodeFlowAsync(browser, c, cSecret!);
        var idA = Jwt.Payload(tokensA["id_token"]!.GetValue<string>());
        var sidA = idA["sid"]!.GetValue<string>();
        var issuer = idA["iss"]!.GetValue<string>();
        fixture.Backchannel.Requests.Clear();

        using var end = await browser.Http.GetAsync($"/oidc/session/end?id_token_hint={tokensA["id_token"]!.GetValue<string>()}" +
                                                    $"&post_logout_redirect_uri={Uri.EscapeDataString(OidcHost.LoggedOut)}&state=bye");
        var html = await end.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        var frames = Frames(html);
        Assert.Equal(2, frames.Count);
        Assert.Contains($"https://a.example/fcl?from=op&iss={Uri.EscapeDataString(issuer)}&sid={sidA}", frames);
        Assert.Contains("https://b.example:8443/fcl", frames);
        var csp = Csp(end);
        // Exactly the two apps' origins, in no particular order (frames are ordered by app id, which is random).
        var frameSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("frame-src ", StringComparison.Ordinal))
            .Split(' ').Skip(1).ToHashSet();
        Assert.Equal(new HashSet<string> { "https://a.example", "https://b.example:8443" }, frameSrc);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("c.example", csp);
        Assert.Contains($"data-continue=\"{WebUtility.HtmlEncode(OidcHost.LoggedOut + "?state=bye")}\"", html);
        Assert.Contains("<script src=\"/_pages/logout.js\"></script>", html);
        Assert.Single(fixture.Backchannel.Requests, r => r.Uri.Host == "c.example");
        var introspection = await PostAsync("/oidc/token/introspection", b, bSecret!, [new("token", tokensB["access_token"]!.GetValue<string>())]);
        Assert.False(introspection["active"]!.GetValue<bool>());

        // Nothing left to log out of: the usual redirect, no page.
        using var again = await browser.Http.GetAsync($"/oidc/session/end?client_id={a}&post_logout_redirect_uri={Uri.EscapeDataString(OidcHost.LoggedOut)}&state=bye");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(OidcHost.LoggedOut, again.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_logout_script_is_served_from_this_server()
    {
        var script = await Host.Gql.Http.GetStringAsync("/_pages/logout.js");

        Assert.Contains("data-continue", script);
        Assert.Contains("location.replace", script);
    }

    [Fact]
    public async Task Personal_center_sign_out_logs_the_apps_out_through_both_channels()
    {
        var (a, aSecret) = await Host.CreateClientAsync(
            "frontchannelLogoutUri: \"https://center-a.example/fcl\", frontchannelLogoutSessionRequired: true, backchannelLogoutUri: \"https://center-a.example/bcl\"",
            "Center A");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, a);
        var tokens = await CodeFlowAsync(browser, a, aSecret!);
        var sid = Jwt.Payload(tokens["id_token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        var (center, _) = await browser.FollowAsync($"/u?app_id={a}");
        var centerHtml = await center.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, center.StatusCode);
        fixture.Backchannel.Requests.Clear();

        using var logout = await browser.Http.PostAsync("/u/logout", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Hidden(centerHtml, "__RequestVerificationToken")), new("app_id", a),
        ]));
        var html = await logout.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var frame = Assert.Single(Frames(html));
        Assert.StartsWith("https://center-a.example/fcl?iss=", frame);
        Assert.EndsWith($"&sid={sid}", frame);
        Assert.Contains("frame-src https://center-a.example;", Csp(logout));
        Assert.Single(fixture.Backchannel.Requests, r => r.Uri.Host == "center-a.example");
        var introspection = await PostAsync("/oidc/token/introspection", a, aSecret!, [new("token", tokens["access_token"]!.GetValue<string>())]);
        Assert.False(introspection["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Sign_out_without_frontchannel_apps_frames_nothing()
    {
        var (a, aSecret) = await Host.CreateClientAsync("", "No FCL");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, a);
        var tokens = await CodeFlowAsync(browser, a, aSecret!);

        using var end = await browser.Http.GetAsync("/oidc/session/end?id_token_hint=" + tokens["id_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Empty(Frames(await end.Content.ReadAsStringAsync()));
        Assert.DoesNotContain("frame-src", Csp(end));
    }

    [Fact]
    public async Task Api_logout_ends_the_apps_sessions_and_answers_their_frontchannel_uris()
    {
        var (a, aSecret) = await Host.CreateClientAsync(
            "frontchannelLogoutUri: \"https://api-a.example/fcl\", frontchannelLogoutSessionRequired: true, backchannelLogoutUri: \"https://api-a.example/bcl\"",
            "API FCL A");
        var (b, bSecret) = await Host.CreateClientAsync("", "API no FCL");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        // The pool session a login through the API opened is the SSO session the apps signed in under.
        var (gqlToken, gqlBrowser) = await ApiSignedInBrowserAsync(email, a);
        var tokensA = await CodeFlowAsync(gqlBrowser, a, aSecret!);
        var tokensB = await CodeFlowAsync(gqlBrowser, b, bSecret!);
        var sidA = Jwt.Payload(tokensA["id_token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        var (restToken, restBrowser) = await ApiSignedInBrowserAsync(email, a);
        var restTokensA = await CodeFlowAsync(restBrowser, a, aSecret!);
        var restSidA = Jwt.Payload(restTokensA["id_token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        fixture.Backchannel.Requests.Clear();

        // GraphQL: the answer names app A's front-channel URI (iss, sid); app B asks for none.
        var viaA = new Dictionary<string, string> { ["x-authing-app-id"] = a };
        var gql = GraphQLClient.Success(await Host.Gql.PostAsync("mutation { logout { code frontchannelLogoutUris } }", token: gqlToken, headers: viaA),
            "logout");
        var frame = Assert.Single(gql["frontchannelLogoutUris"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith("https://api-a.example/fcl?iss=", frame);
        Assert.EndsWith($"&sid={sidA}", frame);
        Assert.Single(fixture.Backchannel.Requests, r => r.Uri.Host == "api-a.example");
        foreach (var (app, secret, access) in new[] { (a, aSecret!, tokensA), (b, bSecret!, tokensB) })
        {
            var introspection = await PostAsync("/oidc/token/introspection", app, secret, [new("token", access["access_token"]!.GetValue<string>())]);
            Assert.False(introspection["active"]!.GetValue<bool>());
        }
        Assert.NotNull((await Host.Gql.PostAsync("{ user { id } }", token: gqlToken, headers: viaA))["errors"]);

        // REST (the SDK's logout): the same list in data.
        using var rest = Host.Gql.NewRequest(HttpMethod.Get, "/api/v2/logout", restToken, viaA);
        using var restAnswer = await Host.Gql.Http.SendAsync(rest);
        var restJson = await GraphQLClient.ReadJsonAsync(restAnswer);
        Assert.Equal(200, restJson["code"]!.GetValue<int>());
        var restFrame = Assert.Single(restJson["data"]!["frontchannelLogoutUris"]!.AsArray())!.GetValue<string>();
        Assert.EndsWith($"&sid={restSidA}", restFrame);
        var restIntrospection = await PostAsync("/oidc/token/introspection", a, aSecret!, [new("token", restTokensA["access_token"]!.GetValue<string>())]);
        Assert.False(restIntrospection["active"]!.GetValue<bool>());

        // Logged out already: nothing more to end, no URIs.
        var again = await Host.Gql.PostAsync("mutation { logout { code frontchannelLogoutUris } }", token: gqlToken, headers: viaA);
        Assert.NotNull(again["errors"]);
    }

    /// <summary>A login through the API (its token) and a browser whose SSO cookie names that login's session.</summary>
    private async Task<(string Token, Browser Browser)> ApiSignedInBrowserAsync(string email, string appId)
    {
        var login = GraphQLClient.Success(await Host.Gql.LoginByEmailAsync(email, headers: new Dictionary<string, string> { ["x-authing-app-id"] = appId }),
            "loginByEmail");
        var token = login["token"]!.GetValue<string>();
        var browser = Host.NewBrowser();
        browser.SetSsoCookie(Host.MintSsoCookie(Jwt.Payload(token)["sid"]!.GetValue<string>(), DateTimeOffset.UtcNow));
        return (token, browser);
    }

    private async Task<JsonNode> RestAsync(HttpMethod method, string path, object body)
    {
        using var request = Host.Gql.NewRequest(method, path, await Host.AdminAsync());
        request.Content = JsonContent.Create(body);
        using var response = await Host.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }
}
