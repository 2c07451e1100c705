using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenAuth.Server.Ide;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GenAuth.Tests.Ide;

public sealed partial class BananaCakePopTests(BananaCakePopTests.IdeHost factory) : IClassFixture<BananaCakePopTests.IdeHost>
{
    /// <summary>The server on a data directory of its own (never the source tree's ./data), on a loopback port (Kestrel).</summary>
    public sealed class IdeHost : WebApplicationFactory<Program>
    {
        private readonly string _data = Directory.CreateTempSubdirectory("genauth-ide-").FullName;

        public IdeHost() => UseKestrel(0);

        private HttpClient? _http;

        /// <summary>A client to the Kestrel address that doesn't follow redirects (the IDE's own redirects are under test).</summary>
        public HttpClient Http => _http ??= NoRedirectClient();

        private HttpClient NoRedirectClient()
        {
            // Note: options replace the defaults wholesale, base address included; the plain client knows the port.
            using var plain = CreateClient();
            return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = plain.BaseAddress! });
        }

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
            builder.UseSetting("GenAuth:DataDirectory", _data);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
        }
    }

    private const string Path = "/graphql/v2";

    [Theory]
    [InlineData(Path)]
    [InlineData(Path + "/")]
    [InlineData(Path + "/index.html")]
    public async Task Serves_index_with_base_href(string url)
    {
        using var response = await GetAsync(url, "text/html,application/xhtml+xml,*/*;q=0.8");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<base href=\"/graphql/v2/\"/>", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Theory]
    [InlineData(Path + "?query=%7B__typename%7D", "text/html")]
    [InlineData(Path, "application/json")]
    [InlineData(Path, "text/html;q=0")]
    public async Task Leaves_graphql_requests_alone(string url, string accept)
    {
        using var response = await GetAsync(url, accept);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Does_not_intercept_post()
    {
        using var response = await factory.Http.PostAsync(Path, new StringContent("{}"));
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Serves_config_pointing_at_the_endpoint()
    {
        using var response = await GetAsync(Path + "/bcp-config.json", "*/*");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/graphql/v2", json.RootElement.GetProperty("endpoint").GetString());
        Assert.True(json.RootElement.GetProperty("useBrowserUrlAsEndpoint").GetBoolean());
        Assert.True(json.RootElement.GetProperty("disableTelemetry").GetBoolean());
    }

    [Fact]
    public async Task Serves_hashed_assets_as_immutable()
    {
        using var index = await GetAsync(Path, "text/html");
        var script = ScriptSrc().Match(await index.Content.ReadAsStringAsync()).Groups[1].Value;
        using var response = await GetAsync($"{Path}/{script}", "*/*");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public void IsIdeRequest_requires_html_and_no_query()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = Path;
        context.Request.Headers.Accept = "text/html";
        Assert.True(BananaCakePopExtensions.IsIdeRequest(context.Request, Path));
        context.Request.QueryString = new QueryString("?query={__typename}");
        Assert.False(BananaCakePopExtensions.IsIdeRequest(context.Request, Path));
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(accept);
        return await factory.Http.SendAsync(request);
    }

    [GeneratedRegex("src=\"(static/js/main\\.[^\"]+)\"")]
    private static partial Regex ScriptSrc();
}
