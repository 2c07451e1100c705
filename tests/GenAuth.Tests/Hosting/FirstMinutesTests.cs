using System.Net;
using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// A newcomer's first minutes: the root answers with a page of links, the IDE opens on the default pool, the public
/// URL is the address the server listens on, and messages speak the caller's language.
/// </summary>
public sealed class FirstMinutesTests : IDisposable
{
    private readonly GenAuthApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TheRootLinksTheIdeTheHostedPagesDiscoveryAndTheDocs()
    {
        using var http = _app.CreateClient();
        using var response = await http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        using var readme = await http.GetAsync("/docs/README.md");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("href=\"/graphql/v2\"", html);
        Assert.Contains($"href=\"/login/qrcode?app_id={_app.AppId}\"", html);
        Assert.Contains("href=\"/oidc/.well-known/openid-configuration\"", html);
        Assert.Contains("href=\"/docs/README.md\"", html);
        Assert.Contains(_app.UserPoolId, html);
        Assert.DoesNotContain(_app.Secret, html);
        Assert.Equal(HttpStatusCode.OK, readme.StatusCode);
        Assert.StartsWith("# GenAuth", await readme.Content.ReadAsStringAsync());
        // Every link on the page answers.
        foreach (var path in new[] { "/graphql/v2", $"/login/qrcode?app_id={_app.AppId}", "/oidc/.well-known/openid-configuration", "/oidc/.well-known/jwks.json", "/healthz" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/html");
            using var linked = await http.SendAsync(request);
            Assert.True(linked.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)linked.StatusCode}");
        }
    }

    [Fact]
    public async Task TheIdePresetCarriesTheDefaultPoolHeader()
    {
        using var http = _app.CreateClient();
        using var response = await http.GetAsync("/graphql/v2/bcp-config.json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_app.UserPoolId, json.RootElement.GetProperty("httpHeaders").GetProperty("x-authing-userpool-id").GetString());
    }

    [Fact]
    public async Task WithoutPublicUrlTheIssuerIsTheAddressTheServerListensOn()
    {
        using var http = _app.CreateClient();
        var discovery = await GraphQLClient.ReadJsonAsync(await http.GetAsync("/oidc/.well-known/openid-configuration"));
        var issuer = new Uri(discovery["issuer"]!.GetValue<string>());

        // The test server listens on a random loopback port, never 5000.
        Assert.NotEqual(5000, http.BaseAddress!.Port);
        Assert.Equal(http.BaseAddress.Port, issuer.Port);
        Assert.Equal(http.BaseAddress.Scheme, issuer.Scheme);
        Assert.True(issuer.IsLoopback, issuer.ToString());
        Assert.Equal("/oidc", issuer.AbsolutePath);
        Assert.Equal($"{issuer.GetLeftPart(UriPartial.Authority)}/oidc/.well-known/jwks.json", discovery["jwks_uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASetPublicUrlWins()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:PublicUrl"] = "https://id.example.com/" });
        using var http = app.CreateClient();
        var discovery = await GraphQLClient.ReadJsonAsync(await http.GetAsync("/oidc/.well-known/openid-configuration"));

        Assert.Equal("https://id.example.com/oidc", discovery["issuer"]!.GetValue<string>());
    }

    [Theory]
    // x-authing-lang first, whatever Accept-Language says.
    [InlineData("en-US", "zh-CN,zh;q=0.9", "en")]
    [InlineData("zh-CN", "en-US,en;q=0.9", "zh")]
    // Then the most preferred Accept-Language the server has messages in.
    [InlineData(null, "en-GB,en;q=0.9", "en")]
    [InlineData(null, "fr-FR, zh-CN;q=0.8, en;q=0.5", "zh")]
    [InlineData(null, "zh;q=0.3, en;q=0.7", "en")]
    // Then the pool's default (GenAuth's: zh-CN) when neither names a language it has.
    [InlineData(null, "fr-FR", "zh")]
    [InlineData(null, null, "zh")]
    public async Task RestMessagesFollowXAuthingLangThenAcceptLanguageThenThePoolDefault(string? lang, string? acceptLanguage, string expected)
    {
        using var http = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/.well-known");
        request.Headers.Add("x-authing-userpool-id", "5f00000000000000000000ff");
        if (lang is not null)
            request.Headers.Add("x-authing-lang", lang);
        if (acceptLanguage is not null)
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        using var response = await http.SendAsync(request);
        var body = await GraphQLClient.ReadJsonAsync(response);

        Assert.Equal(2042, body["code"]!.GetValue<int>());
        Assert.Equal(expected == "en" ? ErrorCodes.UserPoolNotFound.EnUs : ErrorCodes.UserPoolNotFound.ZhCn, body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "en-US,en;q=0.9", "en")]
    [InlineData("zh-CN", "en-US", "zh")]
    [InlineData(null, null, "zh")]
    public async Task GraphQLMessagesFollowTheSameOrder(string? lang, string? acceptLanguage, string expected)
    {
        var client = _app.CreateGraphQLClient();
        var headers = new Dictionary<string, string>();
        if (lang is not null)
            headers["x-authing-lang"] = lang;
        if (acceptLanguage is not null)
            headers["Accept-Language"] = acceptLanguage;

        var result = await client.PostAsync("{ user { id } }", headers: headers);

        var error = expected == "en" ? ErrorCodes.NotLoggedIn.EnUs : ErrorCodes.NotLoggedIn.ZhCn;
        Assert.Equal(ErrorCodes.NotLoggedIn.Code, GraphQLClient.ErrorCode(result));
        Assert.StartsWith(error, GraphQLClient.ErrorMessage(result));
    }
}
