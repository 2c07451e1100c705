using System.Net;
using System.Text;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.Security;

/// <summary>
/// A form body ASP.NET's form reader refuses (an encoded NUL, more values than it takes) is the client's error: 400
/// with GenAuth's "invalid request" code, never a 500 — on the token endpoint (OpenIddict reads the form) and on the
/// hosted pages.
/// </summary>
public sealed class MalformedFormTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();
    private string _appId = "";

    public async Task InitializeAsync() => (_appId, _) = await _host.CreateClientAsync(name: "malformed forms");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> Bodies() => new()
    {
        "grant_type=client_credentials&client_id=a%00b&client_secret=x",
        "grant_type=client_credentials&client_secret=%00",
        string.Join("&", Enumerable.Range(0, 1100).Select(i => $"k{i}=v")),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_token_endpoint_answers_400_to_a_form_it_cannot_read(string body)
    {
        using var content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await _host.Gql.Http.PostAsync("/oidc/token", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_login_form_post_with_an_encoded_nul_answers_400()
    {
        using var content = new StringContent("account=a%00b&password=x", Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await _host.Gql.Http.PostAsync($"/login/password?app_id={_appId}", content);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task An_authorization_request_with_an_encoded_nul_is_refused_as_invalid_request()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseUri };
        var response = await http.GetAsync(
            $"/oidc/auth?client_id={_appId}&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}&response_type=code&scope=openid&state=a%00b");
        // The client and redirect URI are valid, so RFC 6749 §4.1.2.1 sends the error back to the registered URI.
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(OidcHost.Callback + "?", location, StringComparison.Ordinal);
        Assert.Contains("error=invalid_request", location, StringComparison.Ordinal);
    }
}
