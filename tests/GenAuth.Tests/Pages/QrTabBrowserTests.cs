using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The login page's QR tab in Chromium at 390 px: waiting (with a countdown), scanned, confirmed (the browser that
/// showed the code signs itself in: SSO cookie, return_url), cancelled; a dropped WebSocket is reopened and the footer
/// says so; states are announced through an aria-live region; axe-core passes in each state.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class QrTabBrowserTests(PagesBrowser b)
{
    private async Task<string> AppUserTokenAsync(string nickname)
    {
        var (_, token) = await b.Gql.RegisterAndLoginAsync(PagesBrowser.NewEmail(nickname.ToLowerInvariant()));
        GraphQLClient.Success(await b.Gql.PostAsync(Ops.UpdateUser, new { input = new { nickname } }, token), "updateUser");
        return token;
    }

    /// <summary>What the app does after reading the code: POST /api/qrcode/{action} with its user's token.</summary>
    private async Task AppAsync(string action, string random, string token)
    {
        using var request = b.Gql.NewRequest(HttpMethod.Post, $"/api/qrcode/{action}", token);
        request.Content = JsonContent.Create(new { random });
        using var response = await b.Gql.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["code"]!.GetValue<int>());
    }

    private static Task StatusAsync(IPage page, string status) =>
        page.Locator($"main#qr[data-status=\"{status}\"]").WaitForAsync(new() { Timeout = 20_000 });

    private async Task<(IBrowserContext, IPage, string Random)> OpenAsync(string locale = "en-US")
    {
        var (context, page) = await b.NewPageAsync(locale);
        await page.GotoAsync($"{b.BaseUrl}/login?tab=qr&return_url=%2Fu");
        await StatusAsync(page, "0");
        await page.Locator("#transport", new() { HasText = "WebSocket" }).WaitForAsync();
        var random = (await page.GetAttributeAsync("main#qr", "data-random"))!;
        Assert.Matches("^[0-9a-f]{32}$", random);
        return (context, page, random);
    }

    [Fact]
    public async Task Scan_then_confirm_signs_this_browser_in()
    {
        var token = await AppUserTokenAsync("QrTab");
        var (context, page, random) = await OpenAsync();
        await using var _ = context;
        Assert.Matches(@"^Expires in \d+s$", (await page.TextContentAsync("#countdown"))!);
        Assert.Equal("polite", await page.GetAttributeAsync("#message", "aria-live"));
        await b.CheckAsync(page, "qr-waiting");

        await AppAsync("scanned", random, token);
        await StatusAsync(page, "1");
        Assert.Equal("QrTab", await page.TextContentAsync("#nickname"));
        Assert.Equal("Scanned. Confirm the sign-in on your phone", await page.TextContentAsync("#message"));
        await b.CheckAsync(page, "qr-scanned");

        await AppAsync("confirm", random, token);
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "ga_sso_" + b.App.UserPoolId);
    }

    [Fact]
    public async Task Cancel_shows_a_refresh_in_the_page_language()
    {
        var token = await AppUserTokenAsync("QrCancel");
        var (context, page, random) = await OpenAsync("zh-CN");
        await using var _ = context;
        await AppAsync("scanned", random, token);
        await StatusAsync(page, "1");
        await AppAsync("cancel", random, token);
        await StatusAsync(page, "3");
        Assert.Equal("已在手机上取消登录", await page.TextContentAsync("#message"));
        Assert.True(await page.IsVisibleAsync("#refresh"));
        await b.CheckAsync(page, "qr-cancelled-zh");
        await page.ClickAsync("#refresh");
        await StatusAsync(page, "0");
        Assert.NotEqual(random, await page.GetAttributeAsync("main#qr", "data-random"));
    }

    [Fact]
    public async Task A_dropped_websocket_is_reopened_and_the_footer_tells_the_truth()
    {
        var token = await AppUserTokenAsync("QrDrop");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        // The first connection is cut after it was live; later ones go through to the server.
        var connections = 0;
        await context.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex(".*"), ws =>
        {
            connections++;
            ws.ConnectToServer();
            if (connections == 1)
                Task.Run(async () =>
                {
                    await Task.Delay(1500);
                    await ws.CloseAsync();
                });
        });
        await page.GotoAsync($"{b.BaseUrl}/login?tab=qr&return_url=%2Fu");
        await StatusAsync(page, "0");
        var random = (await page.GetAttributeAsync("main#qr", "data-random"))!;
        await page.Locator("main#qr[data-live=\"0\"]").WaitForAsync(new() { Timeout = 20_000 });
        Assert.StartsWith("offline", (await page.TextContentAsync("#transport"))!);
        Assert.Equal("Connection lost, reconnecting…", await page.TextContentAsync("#message"));
        await b.CheckAsync(page, "qr-reconnecting");
        await page.Locator("main#qr[data-live=\"1\"]").WaitForAsync(new() { Timeout = 20_000 });
        Assert.True(connections >= 2);

        // The reopened subscription still follows the code.
        await AppAsync("scanned", random, token);
        await StatusAsync(page, "1");
    }

    [Fact]
    public async Task Only_the_browser_that_showed_the_code_can_redeem_it()
    {
        var token = await AppUserTokenAsync("QrSteal");
        var (context, page, random) = await OpenAsync();
        await using var _ = context;
        // Another browser posts the random it read off the screen, with its own valid antiforgery token.
        var (thief, thiefPage) = await b.NewPageAsync();
        await using var __ = thief;
        await thiefPage.GotoAsync($"{b.BaseUrl}/login?tab=password");
        await AppAsync("scanned", random, token);
        await StatusAsync(page, "1");
        await thiefPage.EvaluateAsync(@"random => {
            const f = document.createElement('form'); f.method = 'post'; f.action = '/login/qr';
            const t = document.querySelector('input[name=__RequestVerificationToken]').cloneNode();
            const r = document.createElement('input'); r.name = 'random'; r.value = random;
            f.append(t, r); document.body.append(f); f.submit(); }", random);
        await thiefPage.Locator("#form-error").WaitForAsync();
        Assert.DoesNotContain(await thief.CookiesAsync(), c => c.Name == "ga_sso_" + b.App.UserPoolId);
        // The real browser still signs in.
        await AppAsync("confirm", random, token);
        await LoginPageBrowserTests.AtCenterAsync(page);
    }

    [Fact]
    public async Task The_old_qrcode_address_still_serves_the_qr_page()
    {
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        var response = await page.GotoAsync($"{b.BaseUrl}/login/qrcode?app_id={b.App.AppId}");
        Assert.Equal(200, response!.Status);
        await StatusAsync(page, "0");
        await b.CheckAsync(page, "qr-legacy");
    }
}
