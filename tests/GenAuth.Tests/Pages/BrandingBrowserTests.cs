using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Pages;

/// <summary>
/// Per-app branding set through updateApplication(branding) reaches the hosted login page: colour, custom CSS (which
/// can't close its style element), the methods shown; invalid settings are refused with code 400.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class BrandingBrowserTests(PagesBrowser b)
{
    private const string Create = "mutation($name: String!) { createApplication(name: $name) { id } }";
    private const string Update = "mutation($id: String!, $branding: AppBrandingInput) { updateApplication(id: $id, branding: $branding) " +
                                  "{ id branding { primaryColor customCss loginMethods } } }";

    [Fact]
    public async Task Branding_reaches_the_page_and_bad_values_are_refused()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var appId = GraphQLClient.Success(await b.Gql.PostAsync(Create, new { name = "Branded <App>" }, admin), "createApplication")["id"]!
            .GetValue<string>();

        Assert.Equal(400, GraphQLClient.ErrorCode(await b.Gql.PostAsync(Update,
            new { id = appId, branding = new { primaryColor = "red;}body{display:none" } }, admin)));
        Assert.Equal(400, GraphQLClient.ErrorCode(await b.Gql.PostAsync(Update,
            new { id = appId, branding = new { loginMethods = new[] { "password", "telepathy" } } }, admin)));

        var updated = GraphQLClient.Success(await b.Gql.PostAsync(Update, new
        {
            id = appId,
            branding = new
            {
                primaryColor = "#0B5D1E",
                customCss = "h1 { letter-spacing: 3px; } </style><script>window.pwned = 1</script>",
                loginMethods = new[] { "password", "qr" },
            },
        }, admin), "updateApplication");
        Assert.Equal("#0b5d1e", updated["branding"]!["primaryColor"]!.GetValue<string>());

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={appId}");
        Assert.Equal("Sign in to Branded <App>", await page.TextContentAsync("h1"));
        Assert.Equal(["Password", "Scan QR code"], await page.Locator("nav.tabs a").AllTextContentsAsync());
        Assert.Equal("rgb(11, 93, 30)", await page.EvalOnSelectorAsync<string>("form#password-login button",
            "e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("3px", await page.EvalOnSelectorAsync<string>("h1", "e => getComputedStyle(e).letterSpacing"));
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned ?? null"));
        await b.CheckAsync(page, "login-branded");

        // A method the app hides isn't served either.
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={appId}&tab=code");
        Assert.Equal(0, await page.Locator("form#code-send").CountAsync());
    }

    [Fact]
    public async Task An_unknown_app_gets_a_page_not_a_500()
    {
        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        var response = await page.GotoAsync($"{b.BaseUrl}/login?app_id=000000000000000000000000");
        Assert.Equal(404, response!.Status);
        Assert.Equal("Unknown application", await page.TextContentAsync("h1"));
    }
}
