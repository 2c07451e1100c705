using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Server.Oidc;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Oidc;

/// <summary>Records what the server POSTs to relying parties' back-channel logout URIs.</summary>
public sealed class CapturingHandler : HttpMessageHandler
{
    public ConcurrentQueue<(Uri Uri, string Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue((request.RequestUri!, await request.Content!.ReadAsStringAsync(cancellationToken)));
        return new HttpResponseMessage(HttpStatusCode.OK);
    }
}

public sealed class ConsentFixture : IAsyncLifetime
{
    public CapturingHandler Backchannel { get; } = new();
    public OidcHost Host { get; }

    public ConsentFixture() =>
        Host = new OidcHost(services => services.AddHttpClient(BackchannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Backchannel));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed partial class OidcConsentAndLogoutTests(ConsentFixture fixture) : IClassFixture<ConsentFixture>
{
    private OidcHost Host => fixture.Host;

    private static string NewEmail() => $"c{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task Third_party_app_asks_consent_once_and_a_revoked_consent_asks_again()
    {
        var (id, secret) = await Host.CreateClientAsync("thirdParty: true", "Third party");
        var email = NewEmail();
        var userId = await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, id);

        // prompt=none can't show the consent page.
        var (_, noneUrl) = await browser.FollowAsync(AuthorizeUrl(id, "&prompt=none", out _));
        Assert.Equal("consent_required", Browser.Query(noneUrl)["error"]);

        var (page, pageUrl) = await browser.FollowAsync(AuthorizeUrl(id, "&state=s1", out var verifier));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/oidc/consent", pageUrl.AbsolutePath);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Third party", html);
        Assert.Contains("form id=\"consent\"", html);

        // Without the antiforgery token the form is refused.
        using (var forged = await browser.Http.PostAsync("/oidc/consent", new FormUrlEncodedContent(
                   [new("return_url", Hidden(html, "return_url")), new("decision", "allow")])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var callback = await SubmitAsync(browser, html, "allow");
        Assert.StartsWith(OidcHost.Callback, callback.ToString());
        var query = Browser.Query(callback);
        Assert.Equal("s1", query["state"]);
        var tokens = await ExchangeAsync(id, secret!, query["code"], verifier);
        Assert.NotNull(tokens["refresh_token"]);

        // Remembered: the next request goes straight back with a code.
        var (_, again) = await browser.FollowAsync(AuthorizeUrl(id, "", out _));
        Assert.Contains("code", Browser.Query(again).Keys);

        await using (var scope = Host.App.Services.CreateAsyncScope())
        {
            var consents = scope.ServiceProvider.GetRequiredService<OidcConsents>();
            var listed = await consents.ListAsync(Host.App.UserPoolId, userId, CancellationToken.None);
            var app = Assert.Single(listed);
            Assert.Equal(id, app.AppId);
            Assert.Contains("offline_access", app.Scopes);
            Assert.True(await consents.RevokeAsync(Host.App.UserPoolId, userId, id, CancellationToken.None));
            Assert.Empty(await consents.ListAsync(Host.App.UserPoolId, userId, CancellationToken.None));
        }

        // The consent's tokens died with it, and the app must ask again.
        var refreshed = await PostAsync("/oidc/token", id, secret!,
            [new("grant_type", "refresh_token"), new("refresh_token", tokens["refresh_token"]!.GetValue<string>())]);
        Assert.Equal("invalid_grant", refreshed["error"]!.GetValue<string>());
        var (_, asksAgain) = await browser.FollowAsync(AuthorizeUrl(id, "", out _));
        Assert.Equal("/oidc/consent", asksAgain.AbsolutePath);
    }

    [Fact]
    public async Task Declining_consent_answers_access_denied_and_first_party_apps_never_ask()
    {
        var (third, _) = await Host.CreateClientAsync("thirdParty: true", "Declined");
        var (first, _) = await Host.CreateClientAsync(name: "First party");
        var email = NewEmail();
        await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, first);

        var (page, _) = await browser.FollowAsync(AuthorizeUrl(third, "&state=d", out _));
        var callback = await SubmitAsync(browser, await page.Content.ReadAsStringAsync(), "deny");
        Assert.Equal("access_denied", Browser.Query(callback)["error"]);
        Assert.Equal("d", Browser.Query(callback)["state"]);

        var (_, direct) = await browser.FollowAsync(AuthorizeUrl(first, "", out _));
        Assert.Contains("code", Browser.Query(direct).Keys);
    }

    [Fact]
    public async Task Logout_posts_a_signed_logout_token_to_each_app_of_the_sso_session()
    {
        var (a, aSecret) = await Host.CreateClientAsync("backchannelLogoutUri: \"https://a.example/bcl\"", "BCL A");
        var (b, bSecret) = await Host.CreateClientAsync("backchannelLogoutUri: \"https://b.example/bcl\"", "BCL B");
        var email = NewEmail();
        var userId = await Host.RegisterAsync(email);
        var browser = await Host.SignedInBrowserAsync(email, a);
        var tokensA = await CodeFlowAsync(browser, a, aSecret!);
        var tokensB = await CodeFlowAsync(browser, b, bSecret!);
        var sidB = Jwt.Payload(tokensB["id_token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        fixture.Backchannel.Requests.Clear();

        // RP-initiated logout from app A (no post_logout_redirect_uri: a signed-out page).
        using var end = await browser.Http.GetAsync("/oidc/session/end?id_token_hint=" + tokensA["id_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Contains("Signed out", await end.Content.ReadAsStringAsync());

        var sent = fixture.Backchannel.Requests.ToList();
        var toB = Assert.Single(sent, r => r.Uri.Host == "b.example");
        Assert.Single(sent, r => r.Uri.Host == "a.example");
        var logoutToken = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(toB.Body)["logout_token"].ToString();
        var payload = Jwt.Payload(logoutToken);
        Assert.Equal(b, payload["aud"]!.GetValue<string>());
        Assert.Equal(userId, payload["sub"]!.GetValue<string>());
        Assert.Equal(sidB, payload["sid"]!.GetValue<string>());
        Assert.NotNull(payload["events"]!["http://schemas.openid.net/event/backchannel-logout"]);
        Assert.Null(payload["nonce"]);
        var jwks = JsonNode.Parse(await Host.Gql.Http.GetStringAsync("/oidc/.well-known/jwks.json"))!["keys"]!.AsArray();
        var kid = Jwt.Header(logoutToken)["kid"]!.GetValue<string>();
        Assert.True(Jwt.VerifyRs256(logoutToken, jwks.Single(k => k!["kid"]!.GetValue<string>() == kid)!));

        // App B's tokens died with the SSO session.
        var introspection = await PostAsync("/oidc/token/introspection", b, bSecret!, [new("token", tokensB["access_token"]!.GetValue<string>())]);
        Assert.False(introspection["active"]!.GetValue<bool>());
    }

    // ---- helpers ----

    private async Task<JsonNode> CodeFlowAsync(Browser browser, string id, string secret)
    {
        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id, "", out var verifier));
        return await ExchangeAsync(id, secret, Browser.Query(url)["code"], verifier);
    }

    private static async Task<Uri> SubmitAsync(Browser browser, string html, string decision)
    {
        using var post = await browser.Http.PostAsync("/oidc/consent", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Hidden(html, "__RequestVerificationToken")),
            new("return_url", Hidden(html, "return_url")),
            new("decision", decision),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var (_, url) = await browser.FollowAsync(post.Headers.Location!.ToString());
        return url;
    }

    private static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no hidden input {name}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private async Task<JsonNode> ExchangeAsync(string id, string secret, string code, string verifier) =>
        await PostAsync("/oidc/token", id, secret,
        [
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", OidcHost.Callback), new("code_verifier", verifier),
        ]);

    private static string AuthorizeUrl(string clientId, string extra, out string verifier)
    {
        verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"/oidc/auth?client_id={clientId}&response_type=code&scope={Uri.EscapeDataString("openid offline_access")}" +
               $"&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}&code_challenge={challenge}&code_challenge_method=S256{extra}";
    }

    private async Task<JsonNode> PostAsync(string path, string id, string secret, List<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = Basic.Of(id, secret);
        using var response = await Host.Gql.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
