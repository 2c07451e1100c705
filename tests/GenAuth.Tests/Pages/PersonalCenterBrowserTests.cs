using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The personal center /u in Chromium at 390 px: it needs the SSO cookie, and each section changes the account
/// through the Core services (checked in the database or by signing in again), with axe-core on every state.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class PersonalCenterBrowserTests(PagesBrowser b)
{
    private async Task<(IBrowserContext Context, IPage Page, string Email)> SignedInAsync(string prefix, string locale = "en-US")
    {
        var email = PagesBrowser.NewEmail(prefix);
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");
        var (context, page) = await b.NewPageAsync(locale);
        await page.GotoAsync($"{b.BaseUrl}/u");
        // No cookie: the center sends the browser to the login page, which comes back here.
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        return (context, page, email);
    }

    [Fact]
    public async Task Profile_and_password_change_through_the_center()
    {
        var (context, page, email) = await SignedInAsync("center");
        await using var _ = context;
        await b.CheckAsync(page, "center");

        await page.FillAsync("form#profile-form input[name=nickname]", "Pages <b>Tester</b>");
        await page.ClickAsync("form#profile-form button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        // Stored as typed, shown as text (encoded), never as markup.
        Assert.Equal("Pages <b>Tester</b>", await page.InputValueAsync("form#profile-form input[name=nickname]"));
        Assert.Equal(0, await page.Locator("main b").CountAsync());
        Assert.Equal("Pages <b>Tester</b>", await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Nickname).SingleAsync()));

        await page.FillAsync("form#password-form input[name=old_password]", "wrong-old-password");
        await page.FillAsync("form#password-form input[name=password]", "Changed-Pass-123");
        await page.ClickAsync("form#password-form button[type=submit]");
        Assert.Equal(ErrorCodes.OldPasswordWrong.EnUs, await page.TextContentAsync("#form-error"));
        await b.CheckAsync(page, "center-error");

        await page.FillAsync("form#password-form input[name=old_password]", GraphQLClient.Password);
        await page.FillAsync("form#password-form input[name=password]", "Changed-Pass-123");
        await page.ClickAsync("form#password-form button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        GraphQLClient.Success(await b.Gql.LoginByEmailAsync(email, "Changed-Pass-123"), "loginByEmail");
    }

    private async Task<System.Text.Json.Nodes.JsonNode> AdminRestAsync(HttpMethod method, string path, object body)
    {
        using var request = b.Gql.NewRequest(method, path, await b.Gql.ManagementTokenAsync(b.App.Secret));
        request.Content = System.Net.Http.Json.JsonContent.Create(body);
        using var response = await b.Gql.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Linked_accounts_are_listed_offered_and_unlinked()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var created = await AdminRestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Center IdP " + suffix, type = "oauth2",
            connections = new object[]
            {
                new
                {
                    type = "oauth2", identifier = "acme-" + suffix, displayName = "Acme " + suffix,
                    fields = new
                    {
                        authorizationEndpoint = "https://idp.example.com/authorize", tokenEndpoint = "https://idp.example.com/token",
                        userInfoEndpoint = "https://idp.example.com/userinfo", clientId = "cid", clientSecret = "s3cret-value",
                    },
                },
                new
                {
                    type = "oauth2", identifier = "other-" + suffix, displayName = "Other " + suffix,
                    fields = new
                    {
                        authorizationEndpoint = "https://idp2.example.com/authorize", tokenEndpoint = "https://idp2.example.com/token",
                        userInfoEndpoint = "https://idp2.example.com/userinfo", clientId = "cid2", clientSecret = "s3cret-value",
                    },
                },
            },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        var extIdpId = created["data"]!["id"]!.GetValue<string>();

        var (context, page, email) = await SignedInAsync("linked");
        await using var _ = context;
        var userId = await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        var linked = await AdminRestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId, userIdInIdp = "acme-user-1", isSocial = true, identifier = "acme-" + suffix, extIdpId });
        Assert.Equal(200, linked["code"]!.GetValue<int>());

        await page.ReloadAsync();
        Assert.Equal(1, await page.Locator("#identity-list li").CountAsync());
        Assert.Contains("Acme " + suffix, await page.TextContentAsync("#identity-list li"));
        // The linked connection isn't offered again; the other one is, as a form button (a POST with the form token).
        Assert.Equal(0, await page.Locator($"#linkable-list li[data-identifier='acme-{suffix}']").CountAsync());
        Assert.Equal(1, await page.Locator($"#linkable-list li[data-identifier='other-{suffix}'] form[method=post] button").CountAsync());
        await b.CheckAsync(page, "center-identities");

        await page.ClickAsync("#identity-list li button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        Assert.Equal(0, await page.Locator("#identity-list li").CountAsync());
        Assert.Equal(0, await b.App.QueryDbAsync(db => db.UserIdentities.CountAsync(i => i.UserId == userId)));
        await b.CheckAsync(page, "center-identities-unlinked");
    }

    [Fact]
    public async Task Sessions_list_and_revoke_and_login_history()
    {
        var (context, page, email) = await SignedInAsync("sessions");
        await using var _ = context;
        // A second session of the same user (another device, via the API).
        GraphQLClient.Success(await b.Gql.LoginByEmailAsync(email), "loginByEmail");
        await page.ReloadAsync();
        Assert.Equal(2, await page.Locator("#session-list li").CountAsync());
        Assert.True(await page.Locator("#history tbody tr").CountAsync() >= 2);
        await b.CheckAsync(page, "center-sessions");

        var other = await page.Locator("#session-list li:has(form)").GetAttributeAsync("data-session-id");
        await page.ClickAsync("#session-list li:has(form) button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        Assert.Equal(1, await page.Locator("#session-list li").CountAsync());
        Assert.NotNull(await b.App.QueryDbAsync(db => db.Sessions.Where(s => s.Id == other).Select(s => s.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task Email_change_with_codes_to_the_old_and_new_address()
    {
        var (context, page, email) = await SignedInAsync("contact");
        await using var _ = context;
        var next = PagesBrowser.NewEmail("moved");
        await page.FillAsync("form#email-send input[name=target]", next);
        await page.ClickAsync("form#email-send button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        await page.ClickAsync("form#email-send-old button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        await page.FillAsync("form#email-bind input[name=target]", next);
        await page.FillAsync("form#email-bind input[name=code]", await b.LastCodeAsync(next));
        await page.FillAsync("form#email-bind input[name=old_code]", await b.LastCodeAsync(email));
        await page.ClickAsync("form#email-bind button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        Assert.Equal(next, await page.TextContentAsync("#current-email"));
        await b.CheckAsync(page, "center-email-changed");
    }

    [Fact]
    public async Task Sign_out_ends_the_sso_session_and_the_center_asks_to_sign_in_again()
    {
        var (context, page, _) = await SignedInAsync("logout");
        await using var __ = context;
        await page.ClickAsync("form#logout button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        await b.CheckAsync(page, "center-signed-out");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "ga_sso_" + b.App.UserPoolId);
        await page.GotoAsync($"{b.BaseUrl}/u");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_replayed_cookie_of_an_ended_session_opens_nothing()
    {
        var (context, page, _) = await SignedInAsync("replay");
        await using var __ = context;
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "ga_sso_" + b.App.UserPoolId);
        await page.ClickAsync("form#logout button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        await context.AddCookiesAsync([new() { Name = cookie.Name, Value = cookie.Value, Domain = cookie.Domain, Path = cookie.Path }]);
        await page.GotoAsync($"{b.BaseUrl}/u");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task Delete_account_needs_the_confirmation_word_then_removes_the_user()
    {
        var (context, page, email) = await SignedInAsync("delete", "zh-CN");
        await using var _ = context;
        await page.FillAsync("form#delete-account input[name=confirm]", "nope");
        await page.ClickAsync("form#delete-account button[type=submit]");
        Assert.Equal("请输入 DELETE 确认。", await page.TextContentAsync("#form-error"));
        await page.FillAsync("form#delete-account input[name=confirm]", "DELETE");
        await page.ClickAsync("form#delete-account button[type=submit]");
        await page.Locator("p.alert.notice").WaitForAsync();
        await b.CheckAsync(page, "center-deleted");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(await b.Gql.LoginByEmailAsync(email)));
    }

    [Fact]
    public async Task A_center_post_without_the_antiforgery_token_changes_nothing()
    {
        var (context, page, email) = await SignedInAsync("ucsrf");
        await using var _ = context;
        // Same browser, same cookies (SSO included), but no token: refused before anything runs.
        var response = await context.APIRequest.PostAsync($"{b.BaseUrl}/u/profile", new()
        {
            Form = FormOf(new() { ["nickname"] = "csrf-was-here" }, context),
        });
        Assert.Equal(400, response.Status);
        Assert.NotEqual("csrf-was-here", await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Nickname).SingleAsync()));
    }

    private static IFormData FormOf(Dictionary<string, string> values, IBrowserContext context)
    {
        var form = context.APIRequest.CreateFormData();
        foreach (var (k, v) in values)
            form.Set(k, v);
        return form;
    }
}
