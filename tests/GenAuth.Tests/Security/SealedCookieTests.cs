using System.Net;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.Security;

/// <summary>
/// The sealed values a browser carries back (the SSO cookie, an external sign-in's flow cookie, a link ticket, a CAS
/// ticket) are read by one opener: any value that is not ours (too short to hold a nonce and tag, not base64url,
/// another purpose's, altered) reads as absent — the page carries on as for a browser without it, never a 500.
/// </summary>
public sealed class SealedCookieTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();
    private string _appId = "";

    public async Task InitializeAsync() => (_appId, _) = await _host.CreateClientAsync(name: "sealed cookies");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // Shorter than AES-GCM's nonce + tag, not base64url at all, and a well-formed but foreign sealed value.
    public static TheoryData<string> Forgeries() => new()
    {
        "AAAA",
        "A",
        "%%%not-base64%%%",
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
    };

    // A plain client (no cookie container of its own, no redirects followed) so the Cookie header goes out as written.
    private async Task<HttpResponseMessage> GetAsync(string path, string? cookieName = null, string? value = null)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _host.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookieName is not null)
            request.Headers.Add("Cookie", $"{cookieName}={value}");
        return await http.SendAsync(request);
    }

    /// <summary>The response with the forged cookie is the one a browser without the cookie gets.</summary>
    private async Task AsWithoutAsync(string path, string cookieName, string value)
    {
        var without = await GetAsync(path);
        var with = await GetAsync(path, cookieName, value);
        Assert.True(without.StatusCode < HttpStatusCode.InternalServerError, $"{path} answered {(int)without.StatusCode} without a cookie");
        Assert.Equal(without.StatusCode, with.StatusCode);
        Assert.Equal(without.Headers.Location?.OriginalString.Split('?')[0], with.Headers.Location?.OriginalString.Split('?')[0]);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_sso_cookie_reads_as_no_session(string value)
    {
        var cookie = "ga_sso_" + _host.App.UserPoolId;
        await AsWithoutAsync($"/u?app_id={_appId}", cookie, value);
        await AsWithoutAsync($"/login?app_id={_appId}", cookie, value);
        await AsWithoutAsync(
            $"/oidc/auth?client_id={_appId}&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}&response_type=code&scope=openid"
            + "&state=s1&nonce=n1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
            cookie, value);
        await AsWithoutAsync("/cas/session", cookie, value);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_flow_cookie_is_refused_as_a_missing_one(string value)
    {
        const string state = "forged-state-0123456789";
        var name = "ga_ext_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(state)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_')[..16];
        await AsWithoutAsync($"/connections/oidc/some-idp/callback?state={state}&code=x", name, value);
    }
}
