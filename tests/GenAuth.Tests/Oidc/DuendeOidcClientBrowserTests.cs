using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Pages;
using Microsoft.Playwright;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// The certified Duende OidcClient with a real browser (Playwright, Debian's Chromium) as its IBrowser: the hosted
/// login page is filled in when it shows, and the app's redirect URI (answered inside the browser) ends the run.
/// </summary>
public sealed class PlaywrightOidcBrowser(IBrowserContext context, string email) : Duende.IdentityModel.OidcClient.Browser.IBrowser
{
    public bool SawLoginPage { get; private set; }

    public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
    {
        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var endUrl = options.EndUrl;
        await context.RouteAsync(u => u.StartsWith(endUrl, StringComparison.Ordinal), async route =>
        {
            arrived.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "rp" });
        });
        var page = await context.NewPageAsync();
        try
        {
            // The navigation may end at the (routed) app URL at once: only the URL the route saw matters.
            var navigation = page.GotoAsync(options.StartUrl);
            var first = await Task.WhenAny(arrived.Task, navigation);
            if (first != arrived.Task && new Uri(page.Url).AbsolutePath == "/login")
            {
                SawLoginPage = true;
                await page.FillAsync("form#password-login input[name=account]", email);
                await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
                await page.ClickAsync("form#password-login button[type=submit]");
            }
            var url = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return new BrowserResult { ResultType = BrowserResultType.Success, Response = url };
        }
        catch (TimeoutException)
        {
            return new BrowserResult { ResultType = BrowserResultType.Timeout, Error = "stopped at " + page.Url };
        }
        finally
        {
            await context.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
            await page.CloseAsync();
        }
    }
}

[Collection(PagesCollection.Name)]
public sealed class DuendeOidcClientBrowserTests(PagesBrowser b)
{
    private const string Callback = "https://rp.example/callback";
    private const string LoggedOut = "https://rp.example/logged-out";

    [Fact]
    public async Task Duende_oidcclient_signs_in_in_chromium_refreshes_reads_userinfo_and_logs_out()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var clientId = GraphQLClient.Success(await b.Gql.PostAsync(
            $"mutation {{ createApplication(name: \"Native app\", redirectUris: [\"{Callback}\"], postLogoutRedirectUris: [\"{LoggedOut}\"], tokenEndpointAuthMethod: \"none\") {{ id }} }}",
            null, admin), "createApplication")["id"]!.GetValue<string>();
        var email = PagesBrowser.NewEmail("duende");
        var userId = GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail")["id"]!.GetValue<string>();
        var (context, _) = await b.NewPageAsync();
        await using var __ = context;
        var browser = new PlaywrightOidcBrowser(context, email);
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = b.BaseUrl + "/oidc",
            ClientId = clientId,
            RedirectUri = Callback,
            PostLogoutRedirectUri = LoggedOut,
            Scope = "openid profile email offline_access",
            Browser = browser,
            Policy = { Discovery = { RequireHttps = false } },
        });

        // Public client: code + PKCE S256 (OidcClient always sends it), login on the hosted page.
        var login = await client.LoginAsync();
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.True(browser.SawLoginPage);
        Assert.Equal(userId, login.User.FindFirst("sub")!.Value);
        Assert.Equal(email, login.User.FindFirst("email")!.Value);

        var refreshed = await client.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        var info = await client.GetUserInfoAsync(refreshed.AccessToken);
        Assert.False(info.IsError, info.Error);
        Assert.Equal(email, info.Claims.Single(c => c.Type == "email").Value);
        // Rotation: the first refresh token is spent.
        var replay = await client.RefreshTokenAsync(login.RefreshToken);
        Assert.Equal("invalid_grant", replay.Error);

        var logout = await client.LogoutAsync(new LogoutRequest { IdTokenHint = login.IdentityToken });
        Assert.False(logout.IsError, logout.Error);

        // The SSO session ended: the next sign-in shows the login page again.
        var again = new PlaywrightOidcBrowser(context, email);
        client.Options.Browser = again;
        var second = await client.LoginAsync();
        Assert.False(second.IsError, second.Error);
        Assert.True(again.SawLoginPage);
    }
}
