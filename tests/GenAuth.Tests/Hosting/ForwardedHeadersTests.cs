using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// GenAuth:Http:TrustedProxies: behind a trusted proxy the client's address comes from X-Forwarded-For (so per-IP limits
/// and login records see users, not the proxy); without it, or from an untrusted peer, the header is ignored.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static Dictionary<string, string> From(string forwardedFor) => new() { ["X-Forwarded-For"] = forwardedFor };

    private static async Task<string?> LastIpAfterLoginAsync(GenAuthApp app, string email, string forwardedFor)
    {
        var client = app.CreateGraphQLClient();
        GraphQLClient.Success(await client.RegisterByEmailAsync(email), "registerByEmail");
        var login = await client.PostAsync(Ops.LoginByEmail,
            new { input = new { email, password = GraphQLClient.Password } }, headers: From(forwardedFor));
        return GraphQLClient.Success(login, "loginByEmail")["lastIP"]?.GetValue<string>();
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forwarded_address_is_ignored()
    {
        await using var app = new GenAuthApp();
        Assert.Equal("127.0.0.1", await LastIpAfterLoginAsync(app, "plain@x.test", "203.0.113.7"));
    }

    [Fact]
    public async Task A_trusted_proxy_forwards_the_client_address()
    {
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Http:TrustedProxies:0"] = "127.0.0.1" });
        Assert.Equal("203.0.113.7", await LastIpAfterLoginAsync(app, "proxied@x.test", "203.0.113.7"));
    }

    [Fact]
    public async Task A_client_cannot_prepend_its_own_choice_to_the_chain()
    {
        // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw. Only the proxy's entry counts.
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Http:TrustedProxies:0"] = "127.0.0.0/8" });
        Assert.Equal("198.51.100.20", await LastIpAfterLoginAsync(app, "chain@x.test", "6.6.6.6, 198.51.100.20"));
    }

    [Fact]
    public async Task An_untrusted_peer_cannot_choose_its_address()
    {
        // Trusting another network than the one the request comes from: the header is not believed.
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Http:TrustedProxies:0"] = "10.0.0.0/8" });
        Assert.Equal("127.0.0.1", await LastIpAfterLoginAsync(app, "untrusted@x.test", "203.0.113.7"));
    }

    [Fact]
    public async Task Per_ip_quotas_count_the_forwarded_client_not_the_proxy()
    {
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?>
        {
            ["GenAuth:Http:TrustedProxies:0"] = "127.0.0.1",
            ["GenAuth:Quotas:Registration:PerIpPerHour"] = "1",
        });
        var client = app.CreateGraphQLClient();
        async Task<System.Text.Json.Nodes.JsonNode> RegisterAsync(string email, string ip) =>
            await client.PostAsync(Ops.RegisterByEmail,
                new { input = new { email, password = GraphQLClient.Password } }, headers: From(ip));

        GraphQLClient.Success(await RegisterAsync("q1@x.test", "203.0.113.1"), "registerByEmail");
        Assert.Equal(2092, GraphQLClient.ErrorCode(await RegisterAsync("q2@x.test", "203.0.113.1")));
        // Another user behind the same proxy has their own allowance.
        GraphQLClient.Success(await RegisterAsync("q3@x.test", "203.0.113.2"), "registerByEmail");
    }

    [Fact]
    public void A_malformed_trusted_proxy_stops_the_server_at_start()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Http:TrustedProxies:0"] = "not-an-ip" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("TrustedProxies", error.ToString());
    }
}
