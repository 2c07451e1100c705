using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The personal center enrols SMS and email second factors with a code to the address (MfaEnrollmentService, as the
/// API's sendEnrollFactorRequest/enrollFactor) and removes them; the next sign-in asks for them.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class PersonalCenterMfaBrowserTests(PagesBrowser b)
{
    private async Task<List<MfaFactor>> FactorsAsync(string email) =>
        await b.App.QueryDbAsync(db => db.MfaFactors.AsNoTracking()
            .Where(f => db.Users.Any(u => u.Id == f.UserId && u.Email == email)).ToListAsync());

    [Fact]
    public async Task Sms_and_email_factors_enrol_with_codes_and_unbind()
    {
        var email = PagesBrowser.NewEmail("umfa");
        GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail");
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        await b.CheckAsync(page, "center-mfa-codes-off");

        // Email: the account's address is suggested; a code to it proves it.
        Assert.Equal(email, await page.InputValueAsync("form#mfa-email-start input[name=target]"));
        await page.ClickAsync("form#mfa-email-start button[type=submit]");
        await page.Locator("form#mfa-email-confirm").WaitForAsync();
        await b.CheckAsync(page, "center-mfa-email-pending");
        await page.FillAsync("form#mfa-email-confirm input[name=code]", "0000000");
        await page.ClickAsync("form#mfa-email-confirm button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        Assert.Empty(await FactorsAsync(email));
        await b.CheckAsync(page, "center-mfa-email-error");
        // The code form stays after a mistyped code; the right code enrols the factor.
        await page.FillAsync("form#mfa-email-confirm input[name=code]", await b.LastCodeAsync(email));
        await page.ClickAsync("form#mfa-email-confirm button[type=submit]");
        await page.Locator("form#mfa-email-remove").WaitForAsync();
        Assert.Contains(email, await page.TextContentAsync("#mfa-email-state"), StringComparison.Ordinal);

        // SMS: a number typed here; another number's code doesn't prove it, its own does.
        var phone = PhoneFlowsBrowserTests.NewPhone();
        await page.FillAsync("form#mfa-sms-start input[name=target]", phone);
        await page.ClickAsync("form#mfa-sms-start button[type=submit]");
        await page.Locator("form#mfa-sms-confirm").WaitForAsync();
        var other = PhoneFlowsBrowserTests.NewPhone();
        await PhoneFlowsBrowserTests.SendSmsAsync(b, other, "mfa-bind");
        await page.FillAsync("form#mfa-sms-confirm input[name=code]", await b.LastCodeAsync("+86" + other));
        await page.ClickAsync("form#mfa-sms-confirm button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        await page.FillAsync("form#mfa-sms-confirm input[name=code]", await b.LastCodeAsync("+86" + phone));
        await page.ClickAsync("form#mfa-sms-confirm button[type=submit]");
        await page.Locator("form#mfa-sms-remove").WaitForAsync();
        await b.CheckAsync(page, "center-mfa-codes-on");
        var factors = await FactorsAsync(email);
        Assert.Equal([(FactorTypes.Email, email), (FactorTypes.Sms, "+86" + phone)],
            factors.OrderBy(f => f.CreatedAt).Select(f => (f.FactorType, f.Target!)));

        // Another user's factor id can't be removed from here (only the caller's own).
        var otherEmail = PagesBrowser.NewEmail("umfa2");
        var (otherId, _) = await b.Gql.RegisterAndLoginAsync(otherEmail);
        var foreign = Ids.New();
        var now = DateTime.UtcNow;
        await b.App.QueryDbAsync(async db =>
        {
            db.MfaFactors.Add(new MfaFactor
            {
                Id = foreign, UserPoolId = b.App.UserPoolId, UserId = otherId, FactorType = FactorTypes.Email, Target = otherEmail,
                CreatedAt = now, UpdatedAt = now,
            });
            return await db.SaveChangesAsync();
        });
        await page.EvalOnSelectorAsync("form#mfa-sms-remove", $"f => f.querySelector('input[name=factor_id]').value = '{foreign}'");
        await page.FillAsync("form#mfa-sms-remove input[name=code]", "000000");
        await page.ClickAsync("form#mfa-sms-remove button[type=submit]");
        Assert.Equal(ErrorCodes.FactorNotFound.EnUs, await page.TextContentAsync("#form-error"));
        Assert.True(await b.App.QueryDbAsync(db => db.MfaFactors.AnyAsync(f => f.Id == foreign)));

        // Removing the SMS factor takes a code sent to that phone: a guess, or a code of another number, removes nothing.
        await page.FillAsync("form#mfa-sms-remove input[name=code]", "000000");
        await page.ClickAsync("form#mfa-sms-remove button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        await page.FillAsync("form#mfa-sms-remove input[name=code]", await b.LastCodeAsync("+86" + other));
        await page.ClickAsync("form#mfa-sms-remove button[type=submit]");
        Assert.Equal(ErrorCodes.WrongCode.EnUs, await page.TextContentAsync("#form-error"));
        Assert.Equal(2, (await FactorsAsync(email)).Count);
        // A minute later (one send per number per minute), the code to the factor's own number removes it.
        await b.App.QueryDbAsync(db => db.VerificationCodes.Where(c => c.Target == "+86" + phone)
            .ExecuteUpdateAsync(x => x.SetProperty(c => c.CreatedAt, c => c.CreatedAt.AddMinutes(-2))));
        await page.ClickAsync("form#mfa-sms-remove-code button[type=submit]");
        await page.Locator("form#mfa-sms-remove").WaitForAsync();
        await b.CheckAsync(page, "center-mfa-sms-remove-code-sent");
        await page.FillAsync("form#mfa-sms-remove input[name=code]", await b.LastCodeAsync("+86" + phone));
        await page.ClickAsync("form#mfa-sms-remove button[type=submit]");
        await page.Locator("form#mfa-sms-start").WaitForAsync();
        Assert.Equal([FactorTypes.Email], (await FactorsAsync(email)).Select(f => f.FactorType));

        // The next sign-in asks for the email factor.
        var (context2, page2) = await b.NewPageAsync();
        await using var __ = context2;
        await page2.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await page2.FillAsync("form#password-login input[name=account]", email);
        await page2.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page2.ClickAsync("form#password-login button[type=submit]");
        await page2.Locator("form#mfa-send-email").WaitForAsync();
        Assert.Equal(0, await page2.Locator("form#mfa-send-sms").CountAsync());
    }
}
