using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Pages;

/// <summary>
/// The hosted register form with an app's agreements (issue 15) in Chromium: the checkboxes are labelled and keyboard
/// reachable (axe-core passes), the browser won't submit without the required one, and the server refuses it too (2591)
/// when the browser's check is taken away.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class AgreementRegisterBrowserTests(PagesBrowser b)
{
    [Fact]
    public async Task The_register_form_shows_the_agreements_and_needs_the_required_one()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var app = GraphQLClient.Success(await b.Gql.PostAsync("mutation($n: String!) { createApplication(name: $n) { id } }",
            new { n = "agreements-page" }, admin), "createApplication")["id"]!.GetValue<string>();
        foreach (var body in new object[]
                 {
                     new { title = "I accept the <a href=\"https://example.com/terms\">terms of service</a>", lang = "en-US" },
                     new { title = "Send me product news", required = false, lang = "en-US" },
                 })
        {
            using var request = b.Gql.NewRequest(HttpMethod.Post, $"/api/v2/applications/{app}/agreements", admin);
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
            using var response = await b.Gql.Http.SendAsync(request);
            Assert.Equal(200, (await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
        }

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={app}&tab=register&return_url=/u");
        Assert.Equal(2, await page.Locator("form#register input[name=agreement]").CountAsync());
        await b.CheckAsync(page, "register-agreements");

        var email = PagesBrowser.NewEmail("agree");
        await page.FillAsync("form#register input[name=email]", email);
        await page.FillAsync("form#register input[name=password]", GraphQLClient.Password);
        // The browser's own check: the required box is :invalid until ticked.
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('form#register input[name=agreement][required]').matches(':invalid')"));
        // Taken away, the server still refuses, and says why in the page's language.
        await page.EvaluateAsync("() => document.querySelectorAll('form#register [required]').forEach(e => { if (e.type === 'checkbox') e.removeAttribute('required'); })");
        await page.ClickAsync("form#register button[type=submit]");
        await page.Locator(".alert.error").WaitForAsync();
        Assert.Contains("accept the required agreements", await page.TextContentAsync(".alert.error"), StringComparison.Ordinal);
        await b.CheckAsync(page, "register-agreements-refused");

        await page.FillAsync("form#register input[name=password]", GraphQLClient.Password);
        await page.CheckAsync("form#register input[name=agreement][required]");
        await page.ClickAsync("form#register button[type=submit]");
        await LoginPageBrowserTests.AtCenterAsync(page);
    }
    [Fact]
    public async Task A_tenants_login_page_shows_its_branding_and_passes_axe()
    {
        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        async Task<JsonNode> RestAsync(HttpMethod method, string path, object body)
        {
            using var request = b.Gql.NewRequest(method, path, admin);
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
            using var response = await b.Gql.Http.SendAsync(request);
            var envelope = await GraphQLClient.ReadJsonAsync(response);
            Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
            return envelope["data"]!;
        }
        var app = (await RestAsync(HttpMethod.Post, "/api/v2/applications", new { name = "Tenant page app" }))["id"]!.GetValue<string>();
        await RestAsync(HttpMethod.Post, $"/api/v2/applications/{app}", new { appType = "BOTH" });
        const string png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
        var tenant = (await RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name = "Acme <b>Labs</b>", appIds = app, logo = png }))["id"]!.GetValue<string>();

        var (context, page) = await b.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync($"{b.BaseUrl}/login?app_id={app}&tenant_id={tenant}&return_url=/u");
        Assert.Equal("Acme <b>Labs</b>", await page.TextContentAsync(".brand .tenant-name"));
        Assert.Equal(png, await page.GetAttributeAsync(".brand img.logo", "src"));
        await b.CheckAsync(page, "login-tenant");
    }
}
