using Duende.IdentityModel.OidcClient;
using GenAuth.Core.Pipelines;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Pipelines;

/// <summary>
/// PRE_OIDC_TOKEN_ISSUED functions run when the authorization endpoint is about to give an app a code: their addToken
/// claims land in the id token, a refusal answers access_denied with the function's message and issues nothing.
/// </summary>
public sealed class PipelineOidcTokenTests : IAsyncLifetime
{
    private const string Create = "mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id } }";
    private const string Update = "mutation($input: UpdateFunctionInput!) { updateFunction(input: $input) { id enabled } }";

    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> CreateFunctionAsync(string source, string trigger = PipelineTriggers.PreOidcTokenIssued) =>
        GraphQLClient.Success(await _host.AdminGqlAsync(Create,
            new { input = new { name = "f-" + Guid.NewGuid().ToString("N")[..8], sourceCode = source, trigger } }),
            "createFunction")["id"]!.GetValue<string>();

    private OidcClient Client(Browser browser, string id, string secret) => new(new OidcClientOptions
    {
        Authority = _host.BaseUri.ToString().TrimEnd('/') + "/oidc",
        ClientId = id,
        ClientSecret = secret,
        TokenClientCredentialStyle = Duende.IdentityModel.Client.ClientCredentialStyle.AuthorizationHeader,
        RedirectUri = OidcHost.Callback,
        Scope = "openid profile email",
        Browser = new RedirectBrowser(browser),
        Policy = { Discovery = { RequireHttps = false } },
    });

    private static string AuthorizeUrl(string id) =>
        $"/oidc/auth?client_id={id}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}"
        + "&state=st&nonce=n1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    [Fact]
    public async Task AddTokenClaimsReachTheIdTokenAndOnlyThisTriggersFunctionsRun()
    {
        var (id, secret) = await _host.CreateClientAsync();
        var email = $"pre-oidc-{Guid.NewGuid():N}@example.com";
        await _host.RegisterAsync(email);
        // A POST_REGISTER function's claim must not show: only PRE_OIDC_TOKEN_ISSUED runs at the authorization endpoint.
        await CreateFunctionAsync("async function pipe(user, context, callback) { user.addToken('wrong', 'trigger'); callback(null, user, context) }",
            PipelineTriggers.PostRegister);
        await CreateFunctionAsync("""
            async function pipe(user, context, callback) {
              user.addToken('tier', 'gold');
              user.addToken('mail', user.email);
              user.addToken('sub', 'evil');
              callback(null, user, context);
            }
            """);

        var login = await Client(await _host.SignedInBrowserAsync(email, id), id, secret!).LoginAsync();
        Assert.False(login.IsError, login.Error);
        var claims = Jwt.Payload(login.IdentityToken);
        Assert.Equal("gold", claims["tier"]!.GetValue<string>());
        Assert.Equal(email, claims["mail"]!.GetValue<string>());
        Assert.False(claims.ContainsKey("wrong"));
        // Pipeline claims don't override the protocol's own.
        Assert.NotEqual("evil", claims["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARefusalOrAFailingFunctionAnswersAccessDeniedAndIssuesNoCode()
    {
        var (id, _) = await _host.CreateClientAsync();
        var email = $"pre-oidc-no-{Guid.NewGuid():N}@example.com";
        await _host.RegisterAsync(email);
        var refusing = await CreateFunctionAsync("""
            async function pipe(user, context, callback) { callback(new Error("No tokens for this account.")) }
            """);
        var tokensBefore = await _host.App.QueryDbAsync(db => db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().CountAsync());

        var browser = await _host.SignedInBrowserAsync(email, id);
        var (_, url) = await browser.FollowAsync(AuthorizeUrl(id));
        var query = Browser.Query(url);
        Assert.StartsWith(OidcHost.Callback, url.ToString());
        Assert.Equal("access_denied", query["error"]);
        Assert.Contains("No tokens for this account.", query["error_description"]);
        Assert.Equal("st", query["state"]);
        Assert.False(query.ContainsKey("code"));

        // A function that throws fails closed as well (PRE trigger): same answer, no code.
        GraphQLClient.Success(await _host.AdminGqlAsync(Update, new { input = new { id = refusing, enabled = false } }), "updateFunction");
        await CreateFunctionAsync("async function pipe(user, context, callback) { throw new Error('boom') }");
        var (_, url2) = await browser.FollowAsync(AuthorizeUrl(id));
        var query2 = Browser.Query(url2);
        Assert.Equal("access_denied", query2["error"]);
        Assert.False(query2.ContainsKey("code"));
        Assert.Equal(tokensBefore,
            await _host.App.QueryDbAsync(db => db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().CountAsync()));
    }
}
