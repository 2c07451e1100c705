using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OtpNet;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The hosted login page in Chromium at 390 px: each way in signs the browser in (the pool's SSO cookie is set and the
/// browser lands on return_url), failures show the server's error in the page's language, and axe-core passes on
/// every state. Forms are driven by the hooks the OIDC contract names (form#password-login, form#mfa, form#register).
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class LoginPageBrowserTests(PagesBrowser b)
{
    private string SsoCookie => "ga_sso_" + b.App.UserPoolId;

    private async Task<string> UserAsync(string prefix, string password = GraphQLClient.Password)
    {
        var email = PagesBrowser.NewEmail(prefix);
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email, password), "registerByEmail");
        return email;
    }

    private async Task<bool> HasSsoCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Any(c => c.Name == SsoCookie && c.HttpOnly && c.SameSite == SameSiteAttribute.Lax);

    /// <summary>The browser landed on the personal center (the path, not a query naming it).</summary>
    internal static Task AtCenterAsync(IPage page) =>
        PagesBrowser.AtUrlAsync(page, url => url.StartsWith("http", StringComparison.Ordinal) && new Uri(url).AbsolutePath == "/u");

    private async Task PasswordLoginAsync(IPage page, string account, string password)
    {
        await page.FillAsync("form#password-login input[name=account]", account);
        await page.FillAsync("form#password-login input[name=password]", password);
        await page.ClickAsync("form#password-login button[type=submit]");
    }

    [Fact]
    public async Task Password_login_sets_the_sso_cookie_and_lands_on_return_url()
    {
        var email = await UserAsync("pw");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        var response = await page.GotoAsync($"{b.BaseUrl}/login?app_id={b.App.AppId}&return_url=%2Fu%3Ffrom%3Dtest");
        Assert.Equal(200, response!.Status);
        Assert.Contains("default-src 'none'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("en-US", await page.GetAttributeAsync("html", "lang"));
        await b.CheckAsync(page, "login-password");

        await PasswordLoginAsync(page, email, GraphQLClient.Password);
        await PagesBrowser.AtUrlAsync(page, url => url.EndsWith("/u?from=test", StringComparison.Ordinal));
        Assert.True(await HasSsoCookieAsync(context));
        // The personal center opens on that cookie.
        await page.Locator("#section-profile").WaitForAsync();
    }

    [Fact]
    public async Task Username_and_phone_sign_in_through_the_same_form()
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        GraphQLClient.Success(await b.Gql.PostAsync(Ops.RegisterByUsername, new { input = new { username, password = GraphQLClient.Password } }),
            "registerByUsername");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await PasswordLoginAsync(page, username, GraphQLClient.Password);
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }

    [Fact]
    public async Task Wrong_password_shows_the_error_in_the_page_language_and_sets_no_cookie()
    {
        var email = await UserAsync("wrong");
        var (context, page) = await b.NewPageAsync("zh-CN");
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        await PasswordLoginAsync(page, email, "Not-The-Password-1");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.ZhCn, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "login-password-error-zh");

        // The visible switch: English from here on, server errors included.
        await page.ClickAsync("nav.langs a[lang=en-US]");
        Assert.Equal("en-US", await page.GetAttributeAsync("html", "lang"));
        await PasswordLoginAsync(page, email, "Not-The-Password-2");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.EnUs, await page.TextContentAsync("#form-error"));
        await b.CheckAsync(page, "login-password-error-en");
    }

    [Fact]
    public async Task A_foreign_return_url_is_replaced_by_the_personal_center()
    {
        var email = await UserAsync("open");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=%2F%2Fevil.example%2Fx");
        await PasswordLoginAsync(page, email, GraphQLClient.Password);
        await PagesBrowser.AtUrlAsync(page, url => url == $"{b.BaseUrl}/u");
    }

    [Fact]
    public async Task Registration_signs_the_new_user_in()
    {
        var email = PagesBrowser.NewEmail("reg");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?tab=register&return_url=/u");
        await b.CheckAsync(page, "register");
        await page.FillAsync("form#register input[name=email]", email);
        await page.FillAsync("form#register input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#register button[type=submit]");
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
        Assert.Equal(email, await page.TextContentAsync("#current-email"));
    }

    [Fact]
    public async Task Email_code_login_sends_a_code_and_signs_in_with_it()
    {
        var email = await UserAsync("code");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?tab=code&return_url=/u");
        await b.CheckAsync(page, "login-code");
        await page.FillAsync("form#code-send input[name=target]", email);
        await page.ClickAsync("form#code-send button[type=submit]");
        await page.Locator("form#code-login button[type=submit]:not([disabled])").WaitForAsync();
        await b.CheckAsync(page, "login-code-sent");

        await page.FillAsync("form#code-login input[name=code]", "000000x");
        await page.ClickAsync("form#code-login button[type=submit]");
        await page.Locator("#form-error").WaitForAsync();
        Assert.False(await HasSsoCookieAsync(context));

        await page.FillAsync("form#code-login input[name=code]", await b.LastCodeAsync(email));
        await page.ClickAsync("form#code-login button[type=submit]");
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }

    [Fact]
    public async Task Forgot_password_sets_a_new_password_with_an_emailed_code()
    {
        var email = await UserAsync("forgot");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?tab=forgot");
        await b.CheckAsync(page, "forgot");
        await page.FillAsync("form#forgot-send input[name=target]", email);
        await page.ClickAsync("form#forgot-send button[type=submit]");
        await page.Locator("form#forgot button[type=submit]:not([disabled])").WaitForAsync();
        await page.FillAsync("form#forgot input[name=code]", await b.LastCodeAsync(email));
        await page.FillAsync("form#forgot input[name=password]", "Brand-New-Pass-77");
        await page.ClickAsync("form#forgot button[type=submit]");
        await page.Locator("form#password-login").WaitForAsync();
        await b.CheckAsync(page, "forgot-done");

        await PasswordLoginAsync(page, email, "Brand-New-Pass-77");
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }

    [Fact]
    public async Task Forced_reset_asks_for_a_new_password_before_signing_in()
    {
        var email = await UserAsync("force");
        await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ForcePasswordReset, true)));
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await PasswordLoginAsync(page, email, GraphQLClient.Password);
        await page.Locator("form#force-reset").WaitForAsync();
        Assert.False(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "forced-reset");
        await page.FillAsync("form#force-reset input[name=old_password]", GraphQLClient.Password);
        await page.FillAsync("form#force-reset input[name=password]", "Reset-Forced-Pass-55");
        await page.ClickAsync("form#force-reset button[type=submit]");
        await page.Locator("form#password-login").WaitForAsync();

        await PasswordLoginAsync(page, email, "Reset-Forced-Pass-55");
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }

    [Fact]
    public async Task Mfa_step_after_totp_enrolment_in_the_personal_center_then_recovery_code()
    {
        var email = await UserAsync("mfa");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await PasswordLoginAsync(page, email, GraphQLClient.Password);
        await AtCenterAsync(page);

        // Enrol TOTP in the personal center (QR code + secret + recovery code shown once).
        await page.ClickAsync("form#mfa-start button[type=submit]");
        var secret = (await page.TextContentAsync("#mfa-secret"))!;
        var recovery = (await page.TextContentAsync("#mfa-recovery"))!;
        Assert.StartsWith("data:image/png", await page.GetAttributeAsync("#mfa-qr", "src"));
        await b.CheckAsync(page, "center-mfa-enrol");
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        await page.FillAsync("form#mfa-confirm input[name=code]", totp.ComputeTotp());
        await page.ClickAsync("form#mfa-confirm button[type=submit]");
        await page.Locator("form#mfa-remove").WaitForAsync();

        // A new browser: password, then the MFA step.
        var (context2, page2) = await b.NewPageAsync();
        await using var __ = context2;
        await page2.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await PasswordLoginAsync(page2, email, GraphQLClient.Password);
        await page2.Locator("form#mfa").WaitForAsync();
        Assert.False(await HasSsoCookieAsync(context2));
        await b.CheckAsync(page2, "login-mfa");
        await page2.FillAsync("form#mfa input[name=code]", "000000");
        await page2.ClickAsync("form#mfa button[type=submit]");
        await page2.Locator("#form-error").WaitForAsync();
        await b.CheckAsync(page2, "login-mfa-error");
        await page2.CheckAsync("form#mfa input[name=factor][value=recovery]");
        await page2.FillAsync("form#mfa input[name=code]", recovery);
        await page2.ClickAsync("form#mfa button[type=submit]");
        var next = (await page2.TextContentAsync("#new-recovery-code"))!;
        Assert.NotEqual(recovery, next);
        Assert.True(await HasSsoCookieAsync(context2));
        await b.CheckAsync(page2, "login-mfa-recovery");

        // And with the authenticator's code, in a third browser.
        var (context3, page3) = await b.NewPageAsync();
        await using var ___ = context3;
        await page3.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await PasswordLoginAsync(page3, email, GraphQLClient.Password);
        await page3.Locator("form#mfa").WaitForAsync();
        // A code of the next window: the one above may be spent already (TOTP codes are single-use).
        await page3.FillAsync("form#mfa input[name=code]", totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await page3.ClickAsync("form#mfa button[type=submit]");
        await AtCenterAsync(page3);
        Assert.True(await HasSsoCookieAsync(context3));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var email = await UserAsync("csrf");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.PostAsync($"{b.BaseUrl}/login/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["account"] = email, ["password"] = GraphQLClient.Password, ["return_url"] = "/u",
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [],
            c => c.StartsWith(SsoCookie, StringComparison.Ordinal));

        // A token taken from another browser's page (its cookie pair missing) doesn't pass either.
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login");
        var token = await page.GetAttributeAsync("form#password-login input[name=__RequestVerificationToken]", "value");
        response = await http.PostAsync($"{b.BaseUrl}/login/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["account"] = email, ["password"] = GraphQLClient.Password, ["__RequestVerificationToken"] = token!,
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Login_page_is_keyboard_operable()
    {
        var email = await UserAsync("kbd");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        // Tab from the top reaches the account field, then the password, then the button; Enter submits.
        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement?.name ?? ''") != "account"; i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(GraphQLClient.Password);
        await page.Keyboard.PressAsync("Enter");
        await AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }
}
