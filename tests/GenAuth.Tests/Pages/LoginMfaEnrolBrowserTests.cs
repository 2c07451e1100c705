using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace GenAuth.Tests.Pages;

/// <summary>
/// MFA enrolment inside the hosted login (an app that requires MFA, a user with no factor: the pipeline's needEnroll):
/// TOTP with a server-rendered QR code, or SMS/email only to the account's own verified phone/email; the enrolment
/// completes the sign-in once, through MfaLoginService, with the second-factor throttle; a user who already has a
/// factor can't add one with only the password.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class LoginMfaEnrolBrowserTests(PagesBrowser b)
{
    private const string CreateApp = "mutation($name: String!) { createApplication(name: $name, mfaRequired: true) { id } }";

    private string SsoCookie => "ga_sso_" + b.App.UserPoolId;

    private async Task<bool> HasSsoCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Any(c => c.Name == SsoCookie);

    private async Task<string> MfaAppAsync()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        return GraphQLClient.Success(await b.Gql.PostAsync(CreateApp, new { name = "MFA app" }, admin), "createApplication")["id"]!
            .GetValue<string>();
    }

    private async Task<string> EmailUserAsync(string prefix, bool emailVerified)
    {
        var email = PagesBrowser.NewEmail(prefix);
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");
        await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailVerified, emailVerified)));
        return email;
    }

    private async Task<(IBrowserContext Context, IPage Page)> PasswordStepAsync(string appId, string account)
    {
        var (context, page) = await b.NewPageAsync();
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={appId}&return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", account);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        return (context, page);
    }

    private async Task<string> UserIdAsync(string email) =>
        await b.App.QueryDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private async Task<List<MfaFactor>> FactorsAsync(string userId) =>
        await b.App.QueryDbAsync(db => db.MfaFactors.AsNoTracking().Where(f => f.UserId == userId).ToListAsync());

    /// <summary>A 6-digit code that none of the accepted windows (previous, current, next) produces.</summary>
    private static string WrongCode(Totp totp)
    {
        var now = DateTime.UtcNow;
        var valid = new[] { -30, 0, 30 }.Select(s => totp.ComputeTotp(now.AddSeconds(s))).ToHashSet();
        return new[] { "000000", "111111", "222222" }.First(c => !valid.Contains(c));
    }

    [Fact]
    public async Task Totp_enrolment_at_login_shows_the_qr_code_then_the_recovery_code_once_and_signs_in_once()
    {
        var appId = await MfaAppAsync();
        var email = await EmailUserAsync("enrol", emailVerified: true);
        var (context, page) = await PasswordStepAsync(appId, email);
        await using var _ = context;

        // The choices: TOTP, and email to the verified address (shown masked); no phone on the account, so no SMS.
        await page.Locator("form#mfa-enrol-otp").WaitForAsync();
        Assert.Equal(0, await page.Locator("form#mfa-enrol-sms").CountAsync());
        var emailChoice = (await page.TextContentAsync("form#mfa-enrol-email button"))!;
        Assert.DoesNotContain(email, emailChoice, StringComparison.Ordinal);
        Assert.EndsWith("@example.com", emailChoice.Trim(), StringComparison.Ordinal);
        Assert.False(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "login-enrol-choices");

        await page.ClickAsync("form#mfa-enrol-otp button[type=submit]");
        var secret = (await page.TextContentAsync("#mfa-secret"))!;
        Assert.StartsWith("data:image/png;base64,", await page.GetAttributeAsync("#mfa-qr", "src"));
        await b.CheckAsync(page, "login-enrol-otp");
        var totp = new Totp(Base32Encoding.ToBytes(secret));

        // A wrong code: the page's language error, the same QR code and key again, no session.
        await page.FillAsync("form#mfa-enroll input[name=code]", WrongCode(totp));
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.MfaCodeWrong.EnUs, await page.TextContentAsync("#form-error"));
        Assert.Equal(secret, await page.TextContentAsync("#mfa-secret"));
        Assert.False(await HasSsoCookieAsync(context));
        Assert.Empty(await FactorsAsync(await UserIdAsync(email)));
        await b.CheckAsync(page, "login-enrol-otp-error");

        var fields = await page.EvalOnSelectorAsync<Dictionary<string, string>>("form#mfa-enroll", "f => Object.fromEntries(new FormData(f))");
        var code = totp.ComputeTotp();
        await page.FillAsync("form#mfa-enroll input[name=code]", code);
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        var recovery = (await page.TextContentAsync("#new-recovery-code"))!;
        Assert.True(await HasSsoCookieAsync(context));
        await b.CheckAsync(page, "login-enrol-done");
        // The recovery code shown is the enrolled factor's.
        var factor = Assert.Single(await FactorsAsync(await UserIdAsync(email)));
        Assert.Equal(FactorTypes.Otp, factor.FactorType);
        Assert.True(RecoveryCodes.Matches(recovery, factor.RecoveryCodeHash));
        await page.ClickAsync("main a.button");
        await LoginPageBrowserTests.AtCenterAsync(page);

        // The same confirmation posted again (same tokens, same code, same browser): the login is spent.
        fields["code"] = code;
        var form = context.APIRequest.CreateFormData();
        foreach (var (k, v) in fields)
            form.Set(k, v);
        var replay = await context.APIRequest.PostAsync($"{b.BaseUrl}/login/mfa/enroll", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, replay.Status);
        Assert.Contains(ErrorCodes.MfaTokenInvalid.EnUs, await replay.TextAsync(), StringComparison.Ordinal);
        Assert.Single(await FactorsAsync(factor.UserId));
    }

    [Fact]
    public async Task Sms_enrolment_at_login_sends_the_code_only_to_the_accounts_verified_phone()
    {
        var appId = await MfaAppAsync();
        var (username, phone) = await PhoneFlowsBrowserTests.PhoneUserAsync(b);
        var attacker = PhoneFlowsBrowserTests.NewPhone();
        var (context, page) = await PasswordStepAsync(appId, username);
        await using var _ = context;
        await page.Locator("form#mfa-enrol-sms").WaitForAsync();
        var smsChoice = (await page.TextContentAsync("form#mfa-enrol-sms button"))!;
        Assert.DoesNotContain(phone, smsChoice, StringComparison.Ordinal);
        Assert.Contains(phone[^4..], smsChoice, StringComparison.Ordinal);

        // A number slipped into the form is ignored: the code goes to the account's phone.
        await page.EvalOnSelectorAsync("form#mfa-enrol-sms", $"f => {{ for (const n of ['phone', 'phoneNumber', 'target']) {{ " +
            $"const i = document.createElement('input'); i.type = 'hidden'; i.name = n; i.value = '{attacker}'; f.appendChild(i); }} }}");
        await page.ClickAsync("form#mfa-enrol-sms button[type=submit]");
        await page.Locator("form#mfa-enroll").WaitForAsync();
        await b.CheckAsync(page, "login-enrol-sms");
        var code = await b.LastCodeAsync("+86" + phone);
        Assert.False(await PhoneFlowsBrowserTests.OutboxHasAsync(b, "+86" + attacker));

        // Another number's code (a real, unspent code) doesn't prove this phone.
        var other = PhoneFlowsBrowserTests.NewPhone();
        await PhoneFlowsBrowserTests.SendSmsAsync(b, other, "mfa-bind");
        await page.FillAsync("form#mfa-enroll input[name=code]", await b.LastCodeAsync("+86" + other));
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));

        await page.FillAsync("form#mfa-enroll input[name=code]", code);
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
        var userId = await b.App.QueryDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync());
        var factor = Assert.Single(await FactorsAsync(userId));
        Assert.Equal((FactorTypes.Sms, "+86" + phone), (factor.FactorType, factor.Target));
    }

    [Fact]
    public async Task Email_enrolment_at_login_in_chinese_completes_the_sign_in_with_the_emailed_code()
    {
        var appId = await MfaAppAsync();
        var email = await EmailUserAsync("enrolmail", emailVerified: true);
        var (context, page) = await b.NewPageAsync("zh-CN");
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={appId}&return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        await page.ClickAsync("form#mfa-enrol-email button[type=submit]");
        await page.Locator("form#mfa-enroll").WaitForAsync();
        Assert.Equal("设置二次验证", await page.TextContentAsync("h1"));
        await b.CheckAsync(page, "login-enrol-email-zh");
        await page.FillAsync("form#mfa-enroll input[name=code]", "0000000");
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.ZhCn, await page.TextContentAsync("#form-error"));
        await page.FillAsync("form#mfa-enroll input[name=code]", await b.LastCodeAsync(email));
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        Assert.True(await HasSsoCookieAsync(context));
        var factor = Assert.Single(await FactorsAsync(await UserIdAsync(email)));
        Assert.Equal((FactorTypes.Email, email), (factor.FactorType, factor.Target));
    }

    [Fact]
    public async Task Another_logins_enrolment_cannot_finish_this_login()
    {
        var appId = await MfaAppAsync();
        var victim = await EmailUserAsync("enrolvictim", emailVerified: false);
        var attacker = await EmailUserAsync("enrolattacker", emailVerified: false);
        var (contextV, pageV) = await PasswordStepAsync(appId, victim);
        await using var _ = contextV;
        var (contextA, pageA) = await PasswordStepAsync(appId, attacker);
        await using var __ = contextA;
        await pageV.ClickAsync("form#mfa-enrol-otp button[type=submit]");
        await pageA.ClickAsync("form#mfa-enrol-otp button[type=submit]");
        var attackerSecret = (await pageA.TextContentAsync("#mfa-secret"))!;
        var attackerFields = await pageA.EvalOnSelectorAsync<Dictionary<string, string>>("form#mfa-enroll", "f => Object.fromEntries(new FormData(f))");

        // The victim's login (mfaToken) with the attacker's enrolment and a right code for it: refused, nothing enrolled.
        await pageV.EvalOnSelectorAsync("form#mfa-enroll", $"f => {{ f.querySelector('input[name=enrollment_token]').value = '{attackerFields["enrollment_token"]}'; " +
            $"f.querySelector('input[name=state]').value = '{attackerFields["state"]}'; }}");
        await pageV.FillAsync("form#mfa-enroll input[name=code]", new Totp(Base32Encoding.ToBytes(attackerSecret)).ComputeTotp());
        await pageV.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.EnrollmentTokenInvalid.EnUs, await pageV.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(contextV));
        Assert.Empty(await FactorsAsync(await UserIdAsync(victim)));
        Assert.Empty(await FactorsAsync(await UserIdAsync(attacker)));
    }

    [Fact]
    public async Task Wrong_enrolment_codes_count_on_the_login_and_a_locked_second_factor_refuses_the_right_code()
    {
        var appId = await MfaAppAsync();
        var email = await EmailUserAsync("enrolthrottle", emailVerified: false);
        var userId = await UserIdAsync(email);
        var (context, page) = await PasswordStepAsync(appId, email);
        await using var _ = context;
        await page.Locator("form#mfa-enrol-otp").WaitForAsync();
        Assert.Equal(0, await page.Locator("form#mfa-enrol-email").CountAsync()); // an unverified email is not offered
        await page.ClickAsync("form#mfa-enrol-otp button[type=submit]");
        var totp = new Totp(Base32Encoding.ToBytes((await page.TextContentAsync("#mfa-secret"))!));
        await page.FillAsync("form#mfa-enroll input[name=code]", WrongCode(totp));
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.MfaCodeWrong.EnUs, await page.TextContentAsync("#form-error"));
        // Counted on the pending login (5 kill it) and on the enrolment, as the API's enrollFactor does.
        Assert.Equal(1, await b.App.QueryDbAsync(db => db.MfaChallenges.Where(c => c.UserId == userId).Select(c => c.Failures).SingleAsync()));
        Assert.Equal(1, await b.App.QueryDbAsync(db => db.MfaEnrollments.Where(e => e.UserId == userId).Select(e => e.Failures).SingleAsync()));

        // The user's second factor locked (wrong answers elsewhere, no IP): the right code is refused too, 1648.
        using (var scope = b.App.Services.CreateScope())
        {
            var throttle = scope.ServiceProvider.GetRequiredService<GenAuth.Core.Security.SecondFactorThrottle>();
            var lockAfter = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<GenAuth.Core.Security.BruteForceOptions>>()
                .Value.SecondFactor.LockAfter;
            for (var i = 0; i < lockAfter; i++)
                await throttle.RecordFailureAsync(b.App.UserPoolId, userId, null);
        }
        await page.FillAsync("form#mfa-enroll input[name=code]", totp.ComputeTotp());
        await page.ClickAsync("form#mfa-enroll button[type=submit]");
        Assert.Equal(ErrorCodes.SecondFactorLocked.EnUs, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));
        Assert.Empty(await FactorsAsync(userId));

        // Starting over (another way) is refused as well while locked.
        await page.ClickAsync("form#mfa-enrol-back button[type=submit]");
        await page.ClickAsync("form#mfa-enrol-otp button[type=submit]");
        Assert.Equal(ErrorCodes.SecondFactorLocked.EnUs, await page.TextContentAsync("#form-error"));
        await b.CheckAsync(page, "login-enrol-locked");
    }

    [Fact]
    public async Task A_user_with_a_factor_cannot_enrol_another_with_only_the_password()
    {
        var appId = await MfaAppAsync();
        var email = await EmailUserAsync("hasfactor", emailVerified: true);
        var userId = await UserIdAsync(email);
        var now = DateTime.UtcNow;
        await b.App.QueryDbAsync(async db =>
        {
            db.MfaFactors.Add(new MfaFactor
            {
                Id = Ids.New(TimeProvider.System), UserPoolId = b.App.UserPoolId, UserId = userId, FactorType = FactorTypes.Email,
                Target = email, CreatedAt = now, UpdatedAt = now,
            });
            return await db.SaveChangesAsync();
        });
        var (context, page) = await PasswordStepAsync(appId, email);
        await using var _ = context;
        // The challenge, not the enrolment.
        await page.Locator("form#mfa").WaitForAsync();
        Assert.Equal(0, await page.Locator("form[id^=mfa-enrol]").CountAsync());

        // The challenge's own form turned into an enrolment request (its mfaToken and antiforgery token): refused, 1647.
        await page.FillAsync("form#mfa input[name=code]", "123456");
        await page.EvalOnSelectorAsync("form#mfa", "f => { f.action = '/login/mfa/enroll/start'; " +
            "f.querySelectorAll('input[name=factor]').forEach(i => i.value = 'otp'); }");
        await page.ClickAsync("form#mfa button[type=submit]");
        Assert.Equal(ErrorCodes.MfaEnrollNotAllowed.EnUs, await page.TextContentAsync("#form-error"));
        Assert.False(await HasSsoCookieAsync(context));
        Assert.Equal([FactorTypes.Email], (await FactorsAsync(userId)).Select(f => f.FactorType));
        Assert.Equal(0, await b.App.QueryDbAsync(db => db.MfaEnrollments.CountAsync(e => e.UserId == userId)));
    }
}
