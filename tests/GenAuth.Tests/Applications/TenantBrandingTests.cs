using System.Text.Json.Nodes;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.Applications;

/// <summary>
/// Issue 15: a tenant-enabled app's hosted login page, opened for a tenant (tenant_id), shows the tenant's name and logo:
/// the name escaped, the logo only as a data: image or an https URL (whose origin alone joins the CSP's img-src). A tenant
/// that doesn't use the app, or an app that isn't tenant-enabled, shows the app's own branding. Axe: Pages/AgreementRegisterBrowserTests.
/// </summary>
public sealed class TenantBrandingTests : ManagementTestBase
{
    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private async Task<string> NewAppAsync(string? appType)
    {
        var id = Data(await RestAsync(HttpMethod.Post, "/api/v2/applications", new { name = "Tenant app " + Guid.NewGuid().ToString("N")[..6] }, Admin))["id"]!.GetValue<string>();
        if (appType is not null)
            Data(await RestAsync(HttpMethod.Post, $"/api/v2/applications/{id}", new { appType }, Admin));
        return id;
    }

    private async Task<string> NewTenantAsync(string appId, string name, string? logo) =>
        Data(await RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name, appIds = appId, logo }, Admin))["id"]!.GetValue<string>();

    private async Task<(string Html, string Csp)> PageAsync(string appId, string? tenantId)
    {
        using var response = await Client.Http.GetAsync($"/login?app_id={appId}" + (tenantId is null ? "" : $"&tenant_id={tenantId}"));
        return (await response.Content.ReadAsStringAsync(), response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task ATenantsPageShowsItsNameEscapedAndAnHttpsLogoAllowedByTheCsp()
    {
        var app = await NewAppAsync("BOTH");
        var tenant = await NewTenantAsync(app, "Acme <script>alert(1)</script> & Co", "https://cdn.example.com/acme.png");
        var (html, csp) = await PageAsync(app, tenant);
        Assert.Contains("<span class=\"tenant-name\">Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("<img class=\"logo\" src=\"https://cdn.example.com/acme.png\" alt=\"\">", html, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: https://cdn.example.com;", csp, StringComparison.Ordinal);

        // The same app without a tenant: the app's own page, the strict CSP.
        var (plain, plainCsp) = await PageAsync(app, null);
        Assert.DoesNotContain("tenant-name", plain, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:;", plainCsp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://cdn.example.com/acme.png")]
    [InlineData("https://user:pw@cdn.example.com/acme.png")]
    [InlineData("https://cdn.example.com/a.png\" onerror=\"alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("//cdn.example.com/acme.png")]
    public async Task ALogoThatIsNoHttpsUrlOrDataImageIsNotShown(string logo)
    {
        var app = await NewAppAsync("TENANT");
        var tenant = await NewTenantAsync(app, "Acme", logo);
        var (html, csp) = await PageAsync(app, tenant);
        Assert.Contains("<span class=\"tenant-name\">Acme</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"logo\"", html, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:;", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADataImageLogoShowsWithoutWideningTheCsp()
    {
        const string png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
        var app = await NewAppAsync("BOTH");
        var (html, csp) = await PageAsync(app, await NewTenantAsync(app, "Pixel", png));
        Assert.Contains($"<img class=\"logo\" src=\"{png}\"", html, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:;", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATenantOfAnotherAppOrAnAppThatIsNotTenantEnabledShowsTheAppsOwnBranding()
    {
        var individual = await NewAppAsync(null);
        var tenanted = await NewAppAsync("BOTH");
        var tenantOfOther = await NewTenantAsync(tenanted, "Elsewhere", "https://cdn.example.com/e.png");
        var (html, _) = await PageAsync(individual, tenantOfOther);
        Assert.DoesNotContain("Elsewhere", html, StringComparison.Ordinal);

        var otherTenanted = await NewAppAsync("BOTH");
        (html, _) = await PageAsync(otherTenanted, tenantOfOther);
        Assert.DoesNotContain("Elsewhere", html, StringComparison.Ordinal);
    }
}
