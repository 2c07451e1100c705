using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The contract's hand-off in a real browser: /oidc/auth sends an unsigned browser to the hosted login page, the
/// password form signs it in, the 303 resumes the authorization request, and the app's callback receives a code
/// that the token endpoint exchanges (PKCE). A second app of the pool then gets a code without the login page (SSO).
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class OidcHandOffBrowserTests(PagesBrowser b)
{
    private const string Callback = "https://rp.example/callback";

    private async Task<string> PublicClientAsync(string admin, string name) =>
        GraphQLClient.Success(await b.Gql.PostAsync(
            $"mutation {{ createApplication(name: \"{name}\", redirectUris: [\"{Callback}\"], tokenEndpointAuthMethod: \"none\") {{ id }} }}",
            null, admin), "createApplication")["id"]!.GetValue<string>();

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    private string AuthorizeUrl(string clientId, string challenge, string state) =>
        $"{b.BaseUrl}/oidc/auth?client_id={clientId}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code" +
        $"&scope=openid%20profile&state={state}&code_challenge={challenge}&code_challenge_method=S256";

    private TaskCompletionSource<string> _callback = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The relying party's callback, answered in the browser (the host doesn't exist): the URL it got.</summary>
    private Task CatchCallbacksAsync(IBrowserContext context) =>
        context.RouteAsync("https://rp.example/**", async route =>
        {
            _callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "rp" });
        });

    [Fact]
    public async Task Authorize_login_page_callback_and_sso_for_a_second_app()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var appA = await PublicClientAsync(admin, "RP A");
        var appB = await PublicClientAsync(admin, "RP B");
        var email = PagesBrowser.NewEmail("oidc");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await CatchCallbacksAsync(context);
        var (verifier, challenge) = Pkce();
        await page.GotoAsync(AuthorizeUrl(appA, challenge, "st-a"));
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await b.CheckAsync(page, "login-from-oidc");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        var url = new Uri(await _callback.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("st-a", query["state"].ToString());
        var code = query["code"].ToString();
        Assert.NotEmpty(code);

        using var http = new HttpClient();
        var token = await http.PostAsync($"{b.BaseUrl}/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Callback, ["client_id"] = appA,
            ["code_verifier"] = verifier,
        }));
        var body = JsonNode.Parse(await token.Content.ReadAsStringAsync())!;
        Assert.True(token.IsSuccessStatusCode, body.ToJsonString());
        Assert.NotNull(body["id_token"]);

        // App B of the same pool: straight back with a code, no login page.
        // The browser's cookies, no redirect followed: the authorize endpoint answers with the callback at once.
        var second = await context.APIRequest.GetAsync(AuthorizeUrl(appB, Pkce().Challenge, "st-b"), new() { MaxRedirects = 0 });
        Assert.Equal(302, second.Status);
        var location = new Uri(second.Headers["location"]);
        Assert.Equal(Callback, location.GetLeftPart(UriPartial.Path));
        Assert.Contains("code=", location.Query, StringComparison.Ordinal);
    }
}
