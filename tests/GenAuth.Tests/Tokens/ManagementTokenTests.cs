using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Tokens;

/// <summary>refreshAccessToken: a management token buys a fresh one for its own pool; nobody else gets one.</summary>
public sealed class ManagementTokenTests : IDisposable
{
    private const string Refresh = "mutation($t: String) { refreshAccessToken(accessToken: $t) { accessToken exp iat } }";

    private readonly TestClock _clock = new();
    private readonly GenAuthApp _app;
    private readonly GraphQLClient _client;

    public ManagementTokenTests()
    {
        _app = new GenAuthApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _client = _app.CreateGraphQLClient();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task RefreshAccessTokenIssuesANewTokenForTheCallersPool()
    {
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        var first = Jwt.Payload(admin);
        _clock.Advance(TimeSpan.FromMinutes(30));

        var refreshed = GraphQLClient.Success(await _client.PostAsync(Refresh, new { t = admin }, admin), "refreshAccessToken");

        var token = refreshed["accessToken"]!.GetValue<string>();
        Assert.NotEqual(admin, token);
        var exp = refreshed["exp"]!.GetValue<long>();
        Assert.Equal(first["exp"]!.GetValue<long>() + 1800, exp);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), refreshed["iat"]!.GetValue<long>());
        Assert.Equal(exp, Jwt.Payload(token)["exp"]!.GetValue<long>());
        var pool = GraphQLClient.Success(await _client.PostAsync("{ userpool { id } }", token: token), "userpool");
        Assert.Equal(_app.UserPoolId, pool["id"]!.GetValue<string>());

        // Past the first token's expiry, only the refreshed one still works.
        _clock.Advance(TimeSpan.FromSeconds(first["exp"]!.GetValue<long>() - _clock.GetUtcNow().ToUnixTimeSeconds() + 1));
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _client.PostAsync("{ userpool { id } }", token: admin)));
        GraphQLClient.Success(await _client.PostAsync("{ userpool { id } }", token: token), "userpool");
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _client.PostAsync(Refresh, new { t = admin }, admin)));
    }

    [Fact]
    public async Task OnlyAManagementTokenOfThePoolIsRefreshed()
    {
        var (_, user) = await _client.RegisterAndLoginAsync("not-admin@example.com");
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);

        Assert.Equal(2020, GraphQLClient.ErrorCode(await _client.PostAsync(Refresh)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _client.PostAsync(Refresh, new { t = user }, user)));
        var foreign = await _client.PostAsync(Refresh, new { t = adminOfB }, adminOfB);
        Assert.Contains(GraphQLClient.ErrorCode(foreign), new[] { 2020, 1010001 });
        Assert.Null(foreign["data"]!["refreshAccessToken"]);
    }
}
