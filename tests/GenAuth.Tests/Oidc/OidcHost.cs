using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GenAuth.Server.Sso;
using GenAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// A GenAuth server for OIDC tests, with helpers: apps as clients, users, a "browser" (cookie jar, manual redirects)
/// that holds an SSO session minted the way the hosted login page does (a GraphQL login for the app, then SsoCookie).
/// </summary>
public sealed class OidcHost : IAsyncDisposable
{
    public const string Callback = "https://rp.example/callback";
    public const string LoggedOut = "https://rp.example/logged-out";

    /// <param name="dataDirectory">Reuse a data directory (restart tests); see <see cref="GenAuthApp.KeepDataDirectory"/>.</param>
    public OidcHost(Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null, string? dataDirectory = null) =>
        App = new GenAuthApp(dataDirectory, settings: settings, services: services);

    public GenAuthApp App { get; }
    public GraphQLClient Gql => _gql ??= App.CreateGraphQLClient();
    private GraphQLClient? _gql;
    private string? _admin;

    /// <summary>The real loopback address Kestrel listens on (known once a client was created).</summary>
    public Uri BaseUri => Gql.Http.BaseAddress!;

    public async Task<string> AdminAsync() => _admin ??= await Gql.ManagementTokenAsync(App.Secret);

    public async Task<JsonNode> AdminGqlAsync(string query, object? variables = null)
    {
        var result = await Gql.PostAsync(query, variables, await AdminAsync());
        return result;
    }

    /// <summary>Creates an app (client) with the given extra GraphQL arguments; returns its id and one-time secret.</summary>
    public async Task<(string Id, string? Secret)> CreateClientAsync(string extraArgs = "", string name = "RP")
    {
        var result = await AdminGqlAsync(
            $"mutation {{ createApplication(name: \"{name}\", redirectUris: [\"{Callback}\"], postLogoutRedirectUris: [\"{LoggedOut}\"] {extraArgs}) {{ id secret }} }}");
        var app = GraphQLClient.Success(result, "createApplication");
        return (app["id"]!.GetValue<string>(), app["secret"]?.GetValue<string>());
    }

    public async Task<string> RegisterAsync(string email)
    {
        var user = GraphQLClient.Success(await Gql.RegisterByEmailAsync(email), "registerByEmail");
        return user["id"]!.GetValue<string>();
    }

    /// <summary>A browser signed in to the pool for the app: the SSO cookie names a session opened by a real login.</summary>
    public async Task<Browser> SignedInBrowserAsync(string email, string appId)
    {
        var login = GraphQLClient.Success(await Gql.LoginByEmailAsync(email, headers: new Dictionary<string, string> { ["x-authing-app-id"] = appId }),
            "loginByEmail");
        var sid = Jwt.Payload(login["token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        var browser = NewBrowser();
        browser.SetSsoCookie(MintSsoCookie(sid, DateTimeOffset.UtcNow));
        return browser;
    }

    public Browser NewBrowser() => new(BaseUri);

    /// <summary>The Set-Cookie value the hosted login page would write for this session.</summary>
    public string MintSsoCookie(string sessionId, DateTimeOffset authTime)
    {
        var http = new DefaultHttpContext { RequestServices = App.Services };
        App.Services.GetRequiredService<SsoCookie>().Write(http, App.UserPoolId, sessionId, authTime);
        return http.Response.Headers.SetCookie.ToString();
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>A browser: cookies kept, redirects followed by hand until the relying party's callback.</summary>
public sealed class Browser
{
    private readonly CookieContainer _cookies = new();
    private readonly Uri _base;

    public Browser(Uri baseUri)
    {
        _base = baseUri;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = baseUri };
    }

    public HttpClient Http { get; }

    public void SetSsoCookie(string setCookie) => _cookies.SetCookies(_base, setCookie);

    public void ClearCookies()
    {
        foreach (Cookie c in _cookies.GetAllCookies())
            c.Expired = true;
    }

    /// <summary>GETs the URL and follows redirects on this server; returns the first response that is not a local redirect.</summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> FollowAsync(string url, int maxHops = 10)
    {
        var current = new Uri(_base, url);
        for (var i = 0; i < maxHops; i++)
        {
            var response = await Http.GetAsync(current);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
                return (response, current);
            var next = new Uri(current, response.Headers.Location);
            if (next.Authority != _base.Authority)
                return (response, next);
            current = next;
        }
        throw new InvalidOperationException("Too many redirects");
    }

    public static Dictionary<string, string> Query(Uri url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).ToDictionary(k => k.Key, k => k.Value.ToString());
}

public static class Basic
{
    public static AuthenticationHeaderValue Of(string id, string secret) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));
}
