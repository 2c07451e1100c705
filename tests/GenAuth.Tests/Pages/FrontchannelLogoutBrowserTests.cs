using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Pages;

/// <summary>
/// Front-channel logout in Chromium: after an app signed in through /oidc/auth, /oidc/session/end's page loads the
/// app's frontchannelLogoutUri in an iframe (so its CSP frame-src really allows it; a refused frame is never requested)
/// with iss and sid, then its script continues to the post-logout redirect URI with state.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class FrontchannelLogoutBrowserTests(PagesBrowser b)
{
    private const string Callback = "https://rp.example/callback";
    private const string LoggedOut = "https://rp.example/logged-out";
    private const string RpLogoutPage = "<!doctype html><html lang=\"en\"><title>rp logout</title><p>signed out</p></html>";

    [Fact]
    public async Task Session_end_loads_the_apps_logout_iframe_then_returns_to_the_app()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var appId = GraphQLClient.Success(await b.Gql.PostAsync(
            $"mutation {{ createApplication(name: \"FCL RP\", redirectUris: [\"{Callback}\"], postLogoutRedirectUris: [\"{LoggedOut}\"], " +
            "tokenEndpointAuthMethod: \"none\", frontchannelLogoutUri: \"https://fcl.example/logout\", frontchannelLogoutSessionRequired: true) { id } }",
            null, admin), "createApplication")["id"]!.GetValue<string>();
        var email = PagesBrowser.NewEmail("fcl");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        var frames = new ConcurrentQueue<string>();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var back = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The relying party's hosts don't exist: the browser's requests to them are answered here and recorded.
        await context.RouteAsync("https://fcl.example/**", async route =>
        {
            frames.Enqueue(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = RpLogoutPage });
        });
        await context.RouteAsync("https://rp.example/**", async route =>
        {
            (route.Request.Url.StartsWith(LoggedOut, StringComparison.Ordinal) ? back : callback).TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "rp" });
        });

        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await page.GotoAsync($"{b.BaseUrl}/oidc/auth?client_id={appId}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code" +
                             $"&scope=openid&state=in&code_challenge={challenge}&code_challenge_method=S256");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        Assert.Contains("code=", await callback.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        // The route answered the callback; let the browser finish that navigation before starting the next one.
        await PagesBrowser.AtUrlAsync(page, u => u.StartsWith("https://rp.example/", StringComparison.Ordinal));

        await page.GotoAsync($"{b.BaseUrl}/oidc/session/end?client_id={appId}&post_logout_redirect_uri={Uri.EscapeDataString(LoggedOut)}&state=bye");

        Assert.Equal(LoggedOut + "?state=bye", await back.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var frame = Assert.Single(frames);
        Assert.StartsWith("https://fcl.example/logout?iss=", frame);
        Assert.Contains("&sid=", frame);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "ga_sso_" + b.App.UserPoolId);
    }

    [Fact]
    public async Task The_logout_page_with_its_iframes_passes_axe()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var appId = GraphQLClient.Success(await b.Gql.PostAsync(
            $"mutation {{ createApplication(name: \"FCL axe\", redirectUris: [\"{Callback}\"], tokenEndpointAuthMethod: \"none\", " +
            "frontchannelLogoutUri: \"https://fcl.example/axe\") { id } }", null, admin), "createApplication")["id"]!.GetValue<string>();
        var email = PagesBrowser.NewEmail("fclaxe");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        var frame = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync("https://fcl.example/**", async route =>
        {
            frame.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = RpLogoutPage });
        });
        await context.RouteAsync("https://rp.example/**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "rp" });
        });
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await page.GotoAsync($"{b.BaseUrl}/oidc/auth?client_id={appId}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code" +
                             $"&scope=openid&state=in&code_challenge={challenge}&code_challenge_method=S256");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        Assert.Contains("code=", await callback.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await PagesBrowser.AtUrlAsync(page, u => u.StartsWith("https://rp.example/", StringComparison.Ordinal));

        // No post-logout redirect: the page stays, showing that the user is signed out, with the app's iframe loaded.
        await page.GotoAsync($"{b.BaseUrl}/oidc/session/end?client_id={appId}");
        Assert.Equal("https://fcl.example/axe", await frame.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await page.Locator("iframe.fcl").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

        // Axe runs on the page and its frames; the only requests that left GenAuth are the relying party's (its callback
        // earlier in this tab, its logout iframe).
        await b.CheckAsync(page, "oidc-logout-frontchannel", "https://fcl.example/", "https://rp.example/callback");
    }
}
