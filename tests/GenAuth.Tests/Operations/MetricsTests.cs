using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Operations;

/// <summary>/metrics (Prometheus, OpenTelemetry): off by default, restricted when on, and the sign-in pipeline's traces.</summary>
public sealed class MetricsTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(GenAuthApp.RoomyQuotas) { ["GenAuth:Metrics:Enabled"] = "true" };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    private static async Task<(HttpStatusCode Status, string Body)> ScrapeAsync(GenAuthApp app, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await app.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sample lines of a metric whose labels include all of <paramref name="labels"/>.</summary>
    private static string[] Samples(string body, string metric, params string[] labels) =>
        body.Split('\n').Where(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(l.Contains)).ToArray();

    [Fact]
    public async Task OffByDefault()
    {
        await using var app = new GenAuthApp();
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(app)).Status);
    }

    [Fact]
    public async Task SignInsCodesTokensHashesDatabaseAndOperationsAreCounted()
    {
        await using var app = new GenAuthApp(settings: Settings());
        var client = app.CreateGraphQLClient();
        var email = $"m{Guid.NewGuid():N}@example.com";
        await client.RegisterByEmailAsync(email);
        GraphQLClient.Success(await client.LoginByEmailAsync(email), "loginByEmail");
        Assert.Equal(2333, GraphQLClient.ErrorCode(await client.LoginByEmailAsync(email, "Wrong-Horse-12345")));
        GraphQLClient.Success(await client.PostAsync("mutation { sendSmsCode(phone: \"13800138077\") { code } }"), "sendSmsCode");
        using (var named = client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath))
        {
            named.Content = new StringContent("""{"query":"query CheckOp { __typename }","operationName":"CheckOp"}""",
                System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var answered = await client.Http.SendAsync(named);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var (status, body) = await ScrapeAsync(app);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(Samples(body, "genauth_signins_total", "method=\"password:email\"", "outcome=\"success\""));
        Assert.NotEmpty(Samples(body, "genauth_signins_total", "method=\"password:email\"", "outcome=\"refused\""));
        Assert.NotEmpty(Samples(body, "genauth_registrations_total"));
        Assert.NotEmpty(Samples(body, "genauth_codes_sent_total", "channel=\"sms\"", "outcome=\"sent\""));
        Assert.NotEmpty(Samples(body, "genauth_tokens_issued_total", "type=\"id\""));
        Assert.NotEmpty(Samples(body, "genauth_hash_queue_wait_seconds_bucket", "lane=\"login\""));
        Assert.NotEmpty(Samples(body, "genauth_hash_queue_length", "lane=\"login\""));
        Assert.NotEmpty(Samples(body, "genauth_websocket_connections"));
        Assert.NotEmpty(Samples(body, "genauth_websocket_operations"));
        Assert.NotEmpty(Samples(body, "genauth_db_command_duration_seconds_bucket", "kind=\"reader\""));
        Assert.NotEmpty(Samples(body, "genauth_graphql_request_duration_seconds_bucket", "operation=\"CheckOp\""));
        Assert.NotEmpty(Samples(body, "genauth_graphql_request_duration_seconds_bucket", "operation=\"_anonymous\""));
    }

    [Fact]
    public async Task TokenVerificationsAreCountedByOutcome()
    {
        await using var app = new GenAuthApp(settings: Settings());
        var client = app.CreateGraphQLClient();
        var (_, token) = await client.RegisterAndLoginAsync($"v{Guid.NewGuid():N}@example.com");
        GraphQLClient.Success(await client.PostAsync(Ops.User, token: token), "user");
        await client.PostAsync(Ops.User, token: token[..^4] + "AAAA");
        var body = (await ScrapeAsync(app)).Body;
        Assert.NotEmpty(Samples(body, "genauth_tokens_verified_total", "outcome=\"valid\""));
        Assert.NotEmpty(Samples(body, "genauth_tokens_verified_total", "outcome=\"invalid\""));
    }

    [Fact]
    public async Task OutsideTheAllowedNetworksOnlyTheBearerKeyOpensIt()
    {
        await using var app = new GenAuthApp(settings: Settings(
            ("GenAuth:Metrics:AllowedNetworks:0", "10.0.0.0/8"),
            ("GenAuth:Metrics:BearerKey", "scrape-key-0123456789")));
        // Note: the tests call from 127.0.0.1, which is not in the list now.
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(app)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(app, "Bearer scrape-key-01234567890")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(app, "Bearer scrape-key")).Status);
        var (status, body) = await ScrapeAsync(app, "Bearer scrape-key-0123456789");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("genauth_", body);
    }

    [Fact]
    public async Task AMalformedNetworkStopsTheStart()
    {
        await using var app = new GenAuthApp(settings: Settings(("GenAuth:Metrics:AllowedNetworks:0", "not-a-network")));
        var e = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("GenAuth:Metrics:AllowedNetworks", e.ToString());
    }

    [Fact]
    public async Task TheSignInPipelineIsTraced()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "GenAuth.SignIn" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        var email = $"t{Guid.NewGuid():N}@example.com";
        await client.RegisterByEmailAsync(email);

        async Task<ActivityTraceId> LoginAsync(string password)
        {
            var traceId = ActivityTraceId.CreateRandom();
            var headers = new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" };
            await client.PostAsync(Ops.LoginByEmail, new { input = new { email, password } }, headers: headers);
            return traceId;
        }

        var good = await LoginAsync(GraphQLClient.Password);
        var bad = await LoginAsync("Wrong-Horse-12345");
        var signIn = Assert.Single(stopped, a => a.TraceId == good && a.OperationName == "signin");
        Assert.Equal("password:email", signIn.GetTagItem("genauth.signin.method"));
        Assert.Equal("success", signIn.GetTagItem("genauth.signin.outcome"));
        Assert.Single(stopped, a => a.TraceId == good && a.OperationName == "signin.credential" && a.ParentSpanId == signIn.SpanId);
        var refused = Assert.Single(stopped, a => a.TraceId == bad && a.OperationName == "signin");
        Assert.Equal("refused", refused.GetTagItem("genauth.signin.outcome"));
        Assert.Equal(2333, refused.GetTagItem("genauth.error.code"));
        // Note: nothing that identifies the credential is a tag.
        Assert.DoesNotContain(stopped.Where(a => a.TraceId == good || a.TraceId == bad).SelectMany(a => a.Tags),
            t => t.Value?.Contains(GraphQLClient.Password) == true || t.Value?.Contains(email) == true);
    }
}
