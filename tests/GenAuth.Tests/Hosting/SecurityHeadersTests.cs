using System.Net;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// Issue 10: the IDE, the start page and the hosted pages send a CSP with frame-ancestors 'none', nosniff, a
/// Referrer-Policy, and HSTS when served over HTTPS; API answers get nosniff; a page's own CSP is kept.
/// </summary>
public sealed class SecurityHeadersTests : IDisposable
{
    private readonly GenAuthApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<HttpResponseMessage> GetAsync(string path, string accept = "text/html", GenAuthApp? app = null)
    {
        var http = (app ?? _app).CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return await http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "";

    [Fact]
    public async Task TheIdeSendsACspThatAllowsOnlyThisOriginAndNoFraming()
    {
        using var response = await GetAsync(GenAuthApp.GraphQLPath);
        var csp = Header(response, "Content-Security-Policy");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<div id=\"root\">", await response.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", csp);
        // 'unsafe-eval' is what the IDE's validator needs (see SecurityHeaders.IdeCsp); never inline scripts.
        Assert.Contains("script-src 'self' 'unsafe-eval';", csp);
        Assert.Contains("connect-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("*", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("", Header(response, "Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/login/qrcode?app_id=5f0000000000000000000b01")]
    public async Task PagesKeepTheirOwnCspAndGetTheOtherHeaders(string path)
    {
        using var response = await GetAsync(path);
        var csp = Header(response, "Content-Security-Policy");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("default-src 'self'", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Theory]
    [InlineData("/oidc/.well-known/openid-configuration")]
    [InlineData("/api/v2/.well-known")]
    [InlineData("/healthz")]
    [InlineData("/no-such-path")]
    public async Task ApiAnswersGetNosniffAndAStrictCsp(string path)
    {
        using var response = await GetAsync(path, "application/json");

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task AGraphQLAnswerGetsNosniff()
    {
        using var response = await _app.CreateGraphQLClient().SendAsync("{ __typename }");

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task HstsIsSentWhenThePublicUrlIsHttps()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:PublicUrl"] = "https://id.example.com" });
        using var response = await GetAsync("/healthz", "text/plain", app);

        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
    }
}
