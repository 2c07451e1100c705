using System.Collections.Immutable;
using GenAuth.Server.Oidc;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The personal center lists the third-party apps the user consented to (the OIDC server's remembered consents) and
/// revokes one: it disappears from the list and from OidcConsents.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class AuthorizedAppsBrowserTests(PagesBrowser b)
{
    [Fact]
    public async Task A_remembered_consent_is_listed_and_revoked()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var clientId = GraphQLClient.Success(await b.Gql.PostAsync(
            "mutation { createApplication(name: \"Third <Party>\", redirectUris: [\"https://rp.example/cb\"], thirdParty: true) { id } }",
            null, admin), "createApplication")["id"]!.GetValue<string>();
        var email = PagesBrowser.NewEmail("consent");
        var userId = GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail")["id"]!.GetValue<string>();

        // The consent the OIDC consent screen records when the user accepts.
        await using (var scope = b.App.Services.CreateAsyncScope())
        {
            var clients = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var client = await clients.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("no OIDC client");
            await scope.ServiceProvider.GetRequiredService<OidcConsents>().GrantAsync(userId, (await clients.GetIdAsync(client))!,
                ImmutableArray.Create("openid", "profile"), CancellationToken.None);
        }

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?return_url=/u");
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
        var item = page.Locator($"#authorized-apps li[data-client-id=\"{clientId}\"]");
        Assert.Equal("Third <Party>", await item.Locator("strong").TextContentAsync());
        Assert.Contains("openid profile", await item.TextContentAsync());
        await b.CheckAsync(page, "center-authorized-apps");

        await item.Locator("button[type=submit]").ClickAsync();
        await page.Locator("p.alert.notice").WaitForAsync();
        Assert.Equal(0, await page.Locator("#authorized-apps li").CountAsync());
        await using var check = b.App.Services.CreateAsyncScope();
        Assert.Empty(await check.ServiceProvider.GetRequiredService<OidcConsents>().ListAsync(b.App.UserPoolId, userId, CancellationToken.None));
    }
}
