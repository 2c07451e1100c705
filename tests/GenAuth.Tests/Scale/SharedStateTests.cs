using System.Net;
using System.Net.Http.Json;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.Scale;

/// <summary>
/// What one instance spends or changes, the other sees at once: an external-IdP state or link ticket spent on A is
/// refused on B, and a pipeline function created, or disabled, on A runs, or stops running, on B.
/// </summary>
[Collection(nameof(MultiInstanceCollection))]
public sealed class SharedStateTests(TwoInstancesFixture fixture) : IClassFixture<TwoInstancesFixture>
{
    private GenAuthCluster Cluster => fixture.Cluster;

    // Nothing listens there: a code exchange fails, which is what tells a spent state from a replayed one below.
    private const string DeadEndpoint = "http://127.0.0.1:9";

    private async Task<string> AdminAsync() => await Cluster.Client(Cluster[0]).ManagementTokenAsync(GenAuthCluster.Secret);

    private async Task<string> SocialConnectionAsync()
    {
        var identifier = "gh" + Guid.NewGuid().ToString("N")[..8];
        var admin = await AdminAsync();
        using var http = new HttpClient { BaseAddress = Cluster[0].Address };
        var gql = new GraphQLClient(http, GenAuthCluster.UserPoolId);
        using var request = gql.NewRequest(HttpMethod.Post, "/api/v2/extIdp", admin);
        request.Content = JsonContent.Create(new
        {
            name = "Cluster " + identifier, type = "github",
            connections = new object[]
            {
                new
                {
                    type = "github", identifier, displayName = "GitHub",
                    fields = new
                    {
                        clientId = "gh-client", clientSecret = "gh-secret-0123456789",
                        authorizationEndpoint = DeadEndpoint + "/login/oauth/authorize",
                        tokenEndpoint = DeadEndpoint + "/login/oauth/access_token",
                        userInfoEndpoint = DeadEndpoint + "/user",
                    },
                },
            },
        });
        using var response = await http.SendAsync(request);
        var created = await GraphQLClient.ReadJsonAsync(response);
        Assert.True(created["code"]!.GetValue<int>() == 200, created.ToJsonString());
        return identifier;
    }

    [Fact]
    public async Task AStateSpentOnAIsRefusedOnBEvenWithACopyOfTheFlowCookie()
    {
        var identifier = await SocialConnectionAsync();
        // Note: cookies are per host, not per port: the browser's flow cookie from A goes to B as well.
        var browser = new Browser(Cluster[0].Address);
        var start = await browser.Http.GetAsync(new Uri(Cluster[0].Address, $"/connections/social/{identifier}?app_id={GenAuthCluster.AppId}&return_url=/after"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var cookie = start.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("ga_ext_", StringComparison.Ordinal));
        var state = Browser.Query(start.Headers.Location!)["state"];
        var callback = $"/connections/social/{identifier}/callback?code=x&state={Uri.EscapeDataString(state)}";

        // On A: the state is spent, then the code exchange fails (nothing listens at the token endpoint).
        var first = await browser.Http.GetAsync(new Uri(Cluster[0].Address, callback));
        var firstBody = WebUtility.HtmlDecode(await first.Content.ReadAsStringAsync());
        Assert.DoesNotContain(ErrorCodes.ExtStateInvalid.ZhCn, firstBody);

        // On B, with the flow cookie put back: refused as spent before any exchange is tried.
        browser.SetSsoCookie(cookie);
        var replay = await browser.Http.GetAsync(new Uri(Cluster[1].Address, callback));
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains(ErrorCodes.ExtStateInvalid.ZhCn, WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ALinkTicketSpentOnAIsRefusedOnB()
    {
        var identifier = await SocialConnectionAsync();
        var (_, token) = await Cluster.Client(Cluster[0]).RegisterAndLoginAsync($"{Guid.NewGuid():N}@example.com");
        var browser = new Browser(Cluster[0].Address);
        var gql = new GraphQLClient(browser.Http, GenAuthCluster.UserPoolId);
        using var ask = gql.NewRequest(HttpMethod.Get, $"/api/v3/generate-link-extidp-url?ext_idp_conn_identifier={identifier}&id_token={token}", token);
        using var asked = await browser.Http.SendAsync(ask);
        var answer = await GraphQLClient.ReadJsonAsync(asked);
        Assert.True(answer["code"]!.GetValue<int>() == 200, answer.ToJsonString());
        var url = new Uri(answer["data"]!.GetValue<string>()).PathAndQuery;

        var onA = await browser.Http.GetAsync(new Uri(Cluster[0].Address, url));
        Assert.Equal(HttpStatusCode.Redirect, onA.StatusCode);
        Assert.StartsWith(DeadEndpoint, onA.Headers.Location!.ToString(), StringComparison.Ordinal);

        var onB = await browser.Http.GetAsync(new Uri(Cluster[1].Address, url));
        Assert.Equal(HttpStatusCode.BadRequest, onB.StatusCode);
        Assert.Contains(ErrorCodes.ExtStateInvalid.ZhCn, WebUtility.HtmlDecode(await onB.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task APipelineFunctionCreatedOrDisabledOnATakesEffectOnBAtOnce()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var onA = Cluster.Client(Cluster[0]);
        var onB = Cluster.Client(Cluster[1]);
        GraphQLClient.Success(await onA.RegisterByEmailAsync(email), "registerByEmail");
        // B signs in first: it caches the pool's functions (none) for GenAuth:Pipelines:CacheSeconds (10 s).
        GraphQLClient.Success(await onB.LoginByEmailAsync(email), "loginByEmail");

        var admin = await AdminAsync();
        var source = "async function pipe(user, context, callback) { if (user.email === '" + email
            + "') { return callback(new Error('Not today.')); } callback(null, user, context); }";
        var created = await onA.PostAsync(
            "mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id } }",
            new { input = new { name = "cluster-" + Guid.NewGuid().ToString("N")[..8], sourceCode = source, trigger = "POST_AUTHENTICATION" } }, admin);
        var id = GraphQLClient.Success(created, "createFunction")["id"]!.GetValue<string>();
        try
        {
            var changed = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(2962, await CodeWithinAsync(onB, email, expectRefused: true, changed));

            GraphQLClient.Success(await onA.PostAsync("mutation($input: UpdateFunctionInput!) { updateFunction(input: $input) { id enabled } }",
                new { input = new { id, enabled = false } }, admin), "updateFunction");
            changed.Restart();
            Assert.Equal(0, await CodeWithinAsync(onB, email, expectRefused: false, changed));
        }
        finally
        {
            await onA.PostAsync("mutation($input: UpdateFunctionInput!) { updateFunction(input: $input) { id enabled } }",
                new { input = new { id, enabled = false } }, admin);
        }
    }

    // The sign-in's error code (0: signed in) once it is the expected one; the change travels through Redis pub/sub, so
    // B may answer the old way for a moment, never for the 10 s an entry would otherwise stay cached.
    private static async Task<int> CodeWithinAsync(GraphQLClient client, string email, bool expectRefused, System.Diagnostics.Stopwatch since)
    {
        while (true)
        {
            var result = await client.LoginByEmailAsync(email);
            var code = result["errors"] is null ? 0 : GraphQLClient.ErrorCode(result);
            if ((code != 0) == expectRefused)
                return code;
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(1), $"B still answered the old way {since.ElapsedMilliseconds} ms after the change on A");
            await Task.Delay(50);
        }
    }
}
