using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The hosted pages' SMS and phone flows in Chromium at 390 px, codes read from the test outbox: SMS code login, phone +
/// password, forgot password by SMS; abuse: a spent code, another number's code, too many wrong codes.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class PhoneFlowsBrowserTests(PagesBrowser b)
{
    private const string SendSms = "mutation($phone: String!, $scene: String) { sendSmsCode(phone: $phone, scene: $scene) { code message } }";

    private string SsoCookie => "ga_sso_" + b.App.UserPoolId;

    private async Task<bool> HasSsoCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Any(c => c.Name == SsoCookie);

    /// <summary>A mainland-China mobile number no other test uses (national form).</summary>
    internal static string NewPhone() => "139" + Random.Shared.NextInt64(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A user with a password and a verified phone. The phone is set in the database: a code sent to register it would
    /// block the page's own send to that number for the resend interval (60 s).
    /// </summary>
    internal static async Task<(string Username, string Phone)> PhoneUserAsync(PagesBrowser b)
    {
        var username = "p" + Guid.NewGuid().ToString("N")[..10];
        GraphQLClient.Success(await b.Gql.PostAsync(Ops.RegisterByUsername, new { input = new { username, password = GraphQLClient.Password } }),
            "registerByUsername");
        var phone = NewPhone();
        await b.App.QueryDbAsync(db => db.Users.Where(u => u.Username == username).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Phone, phone).SetProperty(u => u.PhoneCountryCode, "+86").SetProperty(u => u.PhoneVerified, true)));
        return (username, phone);
    }

    internal static async Task SendSmsAsync(PagesBrowser b, string phone, string scene) =>
        Assert.Equal(200, GraphQLClient.Success(await b.Gql.PostAsync(SendSms, new { phone, scene }), "sendSmsCode")["code"]!.GetValue<int>());

    /// <summary>Whether the outbox holds any message to this address.</summary>
    internal static async Task<bool> OutboxHasAsync(PagesBrowser b, string to)
    {
        var path = Path.Combine(b.App.DataDirectory, "outbox.jsonl");
        if (!File.Exists(path))
            return false;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("to", out var t) && t.GetString() == to)
                return true;
        }
        return false;
    }

    private async Task SendLoginCodeAsync(IPage page, string phone)
    {
        await page.GotoAsync($"{b.BaseUrl}/login?tab=code&return_url=/u");
        await page.FillAsync("form#code-send input[name=target]", phone);
        await page.ClickAsync("form#code-send button[type=submit]");
        await page.Locator("form#code-login button[type=submit]:not([disabled])").WaitForAsync();
    }

    private static async Task SubmitCodeAsync(IPage page, string code)
    {
        await page.FillAsync("form#code-login input[name=code]", code);
        await page.ClickAsync("form#code-login button[type=submit]");
    }

    [Fact]
    public async Task Sms_code_login_signs_in_once_and_refuses_another_numbers_code_and_a_spent_one()
    {
        var (_, phone) = await PhoneUserAsync(b);
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await SendLoginCodeAsync(page, phone);
        await b.CheckAsync(page, "login-sms-code-sent");
        var code = await b.LastCodeAsync("+86" + phone);

        // A real login code, but another number's.
        var other = NewPhone();
        await SendSmsAsync(b, other, "login");
        await SubmitCodeAsync(page, await b.LastCodeAsync("+86" + other));
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "login-sms-code-error");

        await SubmitCodeAsync(page, code);
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
        Assert.Equal(phone, await page.TextContentAsync("#current-phone"));

        // The same code in another browser: spent.
        var (context2, page2) = await b.NewPageAsync();
        await using var __ = context2;
        await page2.GotoAsync($"{b.BaseUrl}/login?tab=code&return_url=/u");
        await page2.EvalOnSelectorAsync("form#code-login", $"f => {{ f.querySelector('input[name=target]').value = '{phone}'; " +
            "f.querySelector('button[type=submit]').disabled = false; }");
        await SubmitCodeAsync(page2, code);
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page2.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context2));
    }

    [Fact]
    public async Task Too_many_wrong_sms_codes_kill_the_code_the_right_one_included()
    {
        var (_, phone) = await PhoneUserAsync(b);
        var (context, page) = await b.NewPageAsync("zh-CN");
        await using var _ = context;
        await SendLoginCodeAsync(page, phone);
        var code = await b.LastCodeAsync("+86" + phone);
        var wrong = code == "000000" ? "111111" : "000000";
        var maxAttempts = await b.App.QueryDbAsync(db => db.UserPools.Where(p => p.Id == b.App.UserPoolId)
            .Select(p => p.VerifyCodeMaxAttempts).SingleAsync());
        for (var i = 0; i < maxAttempts; i++)
        {
            await SubmitCodeAsync(page, wrong);
            Assert.Equal(ErrorCodes.WrongCode.ZhCn, await page.TextContentAsync("#form-error"));
        }
        await SubmitCodeAsync(page, code);
        Assert.Equal(ErrorCodes.CodeAttemptsExceeded.ZhCn, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "login-sms-code-attempts-zh");
    }

    [Fact]
    public async Task Phone_and_password_sign_in_through_the_password_form()
    {
        var (_, phone) = await PhoneUserAsync(b);
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", phone);
        await page.FillAsync("form#password-login input[name=password]", "Not-The-Password-3");
        await page.ClickAsync("form#password-login button[type=submit]");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.EnUs, await page.TextContentAsync("#form-error"));
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
        Assert.Equal(phone, await page.TextContentAsync("#current-phone"));
    }

    [Fact]
    public async Task Forgot_password_by_sms_sets_a_new_password_and_the_code_works_once()
    {
        var (_, phone) = await PhoneUserAsync(b);
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?tab=forgot");
        await page.FillAsync("form#forgot-send input[name=target]", phone);
        await page.ClickAsync("form#forgot-send button[type=submit]");
        await page.Locator("form#forgot button[type=submit]:not([disabled])").WaitForAsync();
        await b.CheckAsync(page, "forgot-sms-sent");
        var code = await b.LastCodeAsync("+86" + phone);

        // Another number's reset code doesn't reset this account.
        var (_, otherPhone) = await PhoneUserAsync(b);
        await SendSmsAsync(b, otherPhone, "reset");
        await page.FillAsync("form#forgot input[name=code]", await b.LastCodeAsync("+86" + otherPhone));
        await page.FillAsync("form#forgot input[name=password]", "Sms-Reset-Pass-41");
        await page.ClickAsync("form#forgot button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));

        await page.FillAsync("form#forgot input[name=code]", code);
        await page.FillAsync("form#forgot input[name=password]", "Sms-Reset-Pass-41");
        await page.ClickAsync("form#forgot button[type=submit]");
        await page.Locator("form#password-login").WaitForAsync();
        Assert.Equal(phone, await page.InputValueAsync("form#password-login input[name=account]"));

        // The spent code can't set another password.
        await page.GotoAsync($"{b.BaseUrl}/login?tab=forgot");
        await page.EvalOnSelectorAsync("form#forgot", $"f => {{ f.querySelector('input[name=target]').value = '{phone}'; " +
            "f.querySelector('button[type=submit]').disabled = false; }");
        await page.FillAsync("form#forgot input[name=code]", code);
        await page.FillAsync("form#forgot input[name=password]", "Sms-Reset-Pass-42");
        await page.ClickAsync("form#forgot button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));

        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", phone);
        await page.FillAsync("form#password-login input[name=password]", "Sms-Reset-Pass-41");
        await page.ClickAsync("form#password-login button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
    }

    [Fact]
    public async Task Email_code_login_refuses_a_spent_code_and_another_addresss_code()
    {
        var email = PagesBrowser.NewEmail("ecode");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");
        var other = PagesBrowser.NewEmail("ecode2");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(other), "registerByEmail");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await SendLoginCodeAsync(page, email);
        var code = await b.LastCodeAsync(email);

        var (context2, page2) = await b.NewPageAsync();
        await using var __ = context2;
        await SendLoginCodeAsync(page2, other);
        await SubmitCodeAsync(page, await b.LastCodeAsync(other));
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));

        await SubmitCodeAsync(page, code);
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.Equal(email, await page.TextContentAsync("#current-email"));

        // The spent code, from the other browser's form (target swapped): refused.
        await page2.EvalOnSelectorAsync("form#code-login", $"f => f.querySelector('input[name=target]').value = '{email}'");
        await SubmitCodeAsync(page2, code);
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page2.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context2));
    }
}
