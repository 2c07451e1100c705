using System.Net;
using GenAuth.Core.Webhooks;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Webhooks;

/// <summary>Webhooks never reach inside addresses unless the server allows them, checked at save time and at connect time.</summary>
public sealed class WebhookSsrfTests
{
    private const string Secret = "whsec-0123456789abcdef-ssrf";

    [Theory]
    [InlineData("127.0.0.1", WebhookAddresses.Kind.Loopback)]
    [InlineData("127.8.9.10", WebhookAddresses.Kind.Loopback)]
    [InlineData("::1", WebhookAddresses.Kind.Loopback)]
    [InlineData("::ffff:127.0.0.1", WebhookAddresses.Kind.Loopback)]
    [InlineData("10.1.2.3", WebhookAddresses.Kind.Private)]
    [InlineData("172.16.0.1", WebhookAddresses.Kind.Private)]
    [InlineData("172.31.255.255", WebhookAddresses.Kind.Private)]
    [InlineData("192.168.1.1", WebhookAddresses.Kind.Private)]
    [InlineData("::ffff:192.168.1.1", WebhookAddresses.Kind.Private)]
    [InlineData("169.254.1.1", WebhookAddresses.Kind.Private)]
    [InlineData("100.64.0.1", WebhookAddresses.Kind.Private)]
    [InlineData("fd12:3456::1", WebhookAddresses.Kind.Private)]
    [InlineData("fe80::1", WebhookAddresses.Kind.Private)]
    [InlineData("169.254.169.254", WebhookAddresses.Kind.Forbidden)]
    [InlineData("100.100.100.200", WebhookAddresses.Kind.Forbidden)]
    [InlineData("fd00:ec2::254", WebhookAddresses.Kind.Forbidden)]
    [InlineData("64:ff9b::a9fe:a9fe", WebhookAddresses.Kind.Forbidden)]
    [InlineData("64:ff9b::7f00:1", WebhookAddresses.Kind.Loopback)]
    [InlineData("2002:7f00:1::1", WebhookAddresses.Kind.Forbidden)]
    [InlineData("0.0.0.0", WebhookAddresses.Kind.Forbidden)]
    [InlineData("::", WebhookAddresses.Kind.Forbidden)]
    [InlineData("224.0.0.1", WebhookAddresses.Kind.Forbidden)]
    [InlineData("255.255.255.255", WebhookAddresses.Kind.Forbidden)]
    [InlineData("8.8.8.8", WebhookAddresses.Kind.Public)]
    [InlineData("172.32.0.1", WebhookAddresses.Kind.Public)]
    [InlineData("2606:4700::1111", WebhookAddresses.Kind.Public)]
    public void AddressesAreClassified(string address, WebhookAddresses.Kind kind) =>
        Assert.Equal(kind, WebhookAddresses.Classify(IPAddress.Parse(address)));

    [Fact]
    public void OnlyTheSettingsOpenLoopbackAndPrivateNetworksAndNothingOpensMetadata()
    {
        var closed = new WebhookOptions();
        var loopback = new WebhookOptions { AllowLoopback = true };
        var both = new WebhookOptions { AllowLoopback = true, AllowPrivateNetworks = true };
        Assert.NotNull(WebhookAddresses.Refusal(IPAddress.Loopback, closed));
        Assert.Null(WebhookAddresses.Refusal(IPAddress.Loopback, loopback));
        Assert.NotNull(WebhookAddresses.Refusal(IPAddress.Parse("10.0.0.1"), loopback));
        Assert.Null(WebhookAddresses.Refusal(IPAddress.Parse("10.0.0.1"), both));
        Assert.NotNull(WebhookAddresses.Refusal(IPAddress.Parse("169.254.169.254"), both));
        Assert.Null(WebhookAddresses.Refusal(IPAddress.Parse("8.8.8.8"), closed));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", 2552)]
    [InlineData("http://localhost/hook", 2552)]
    [InlineData("http://api.localhost/hook", 2552)]
    [InlineData("http://[::1]/hook", 2552)]
    [InlineData("http://10.0.0.5/hook", 2552)]
    [InlineData("http://192.168.0.10/hook", 2552)]
    [InlineData("http://169.254.169.254/latest/meta-data", 2552)]
    [InlineData("http://[fe80::1]/hook", 2552)]
    [InlineData("http://0.0.0.0/hook", 2552)]
    [InlineData("ftp://example.com/hook", 2553)]
    [InlineData("file:///etc/passwd", 2553)]
    [InlineData("https://user:pw@example.com/hook", 2553)]
    [InlineData("not a url", 2553)]
    public async Task AddWebhookRefusesInsideAndMalformedUrlsByDefault(string url, int code)
    {
        using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var r = await client.PostAsync("mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }",
            new { i = new { url, events = new[] { "login" }, secret = Secret } }, admin);
        Assert.Equal(code, GraphQLClient.ErrorCode(r));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Webhooks.CountAsync()));
    }

    [Fact]
    public async Task WithLoopbackAllowedPrivateNetworksAreStillRefused()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Webhooks:AllowLoopback"] = "true" });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        const string add = "mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }";
        GraphQLClient.Success(await client.PostAsync(add, new { i = new { url = "http://127.0.0.1:9/hook", events = new[] { "*" }, secret = Secret } }, admin),
            "addWebhook");
        Assert.Equal(2552, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://10.0.0.5/hook", events = new[] { "*" }, secret = Secret } }, admin)));
        Assert.Equal(2552, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://169.254.169.254/", events = new[] { "*" }, secret = Secret } }, admin)));
    }

    [Fact]
    public async Task AHostNameResolvingToLoopbackIsRefusedWhenConnecting()
    {
        // The machine's own name resolves (hosts file) to a loopback or private address: it passes the save-time check,
        // which doesn't resolve names, and must be stopped where the connection is made (as a rebinding name would be).
        var host = await InsideHostNameAsync();
        Assert.True(host is not null, "precondition: a host name (hosts file) that resolves to loopback or private addresses only");
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.BaseUrl).Port;

        using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var r = await client.PostAsync("mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }",
            new { i = new { url = $"http://{host}:{port}/rebind", events = new[] { "*" }, secret = Secret } }, admin);
        var id = GraphQLClient.Success(r, "addWebhook")["id"]!.GetValue<string>();

        var d = GraphQLClient.Success(await client.PostAsync("mutation($id: String!) { testWebhook(id: $id) { status responseStatus error } }",
            new { id }, admin), "testWebhook");
        Assert.Equal("failed", d["status"]!.GetValue<string>());
        Assert.Null(d["responseStatus"]);
        Assert.StartsWith("refused:", d["error"]!.GetValue<string>());
        Assert.Empty(receiver.Requests);
    }

    /// <summary>A name from the hosts file (not localhost, which the save-time check knows) resolving to inside addresses only.</summary>
    private static async Task<string?> InsideHostNameAsync()
    {
        var names = File.Exists("/etc/hosts")
            ? File.ReadAllLines("/etc/hosts").Select(l => l.Split('#')[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 1 && IPAddress.TryParse(f[0], out var a) && IPAddress.IsLoopback(a)).SelectMany(f => f.Skip(1))
            : [];
        foreach (var name in names.Where(n => !n.Contains("localhost", StringComparison.OrdinalIgnoreCase)).Append(Dns.GetHostName()))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(name);
                if (addresses.Length > 0 && addresses.All(a => WebhookAddresses.Classify(a) != WebhookAddresses.Kind.Public))
                    return name;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Not resolvable here; try the next.
            }
        }
        return null;
    }

    [Fact]
    public async Task SecretsAreSealedAndNeverReadBack()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Webhooks:AllowLoopback"] = "true" });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var r = await client.PostAsync("mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }",
            new { i = new { url = "http://127.0.0.1:9/hook", events = new[] { "login" }, secret = Secret } }, admin);
        GraphQLClient.Success(r, "addWebhook");
        var list = await client.PostAsync("{ webhooks { id url events contentType enabled } }", null, admin);
        Assert.DoesNotContain(Secret, list.ToJsonString());
        var schema = await client.PostAsync("{ __type(name: \"Webhook\") { fields { name } } }", null, admin);
        Assert.DoesNotContain("secret", schema.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var stored = await app.QueryDbAsync(db => db.Webhooks.AsNoTracking().SingleAsync());
        Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(stored.SealedSecret));
        // The event of addWebhook names the fields, never the secret's value.
        var events = await app.QueryDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Type == "addWebhook").ToListAsync());
        Assert.DoesNotContain(Secret, Assert.Single(events).Detail ?? "");
    }

    [Fact]
    public async Task BadSettingsGetGenAuthCodes()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Webhooks:AllowLoopback"] = "true" });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        const string add = "mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }";
        Assert.Equal(2553, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://127.0.0.1:9/", events = new[] { "login" }, secret = "short" } }, admin)));
        Assert.Equal(2553, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://127.0.0.1:9/", events = Array.Empty<string>(), secret = Secret } }, admin)));
        Assert.Equal(2553, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://127.0.0.1:9/", events = new[] { "bad name!" }, secret = Secret } }, admin)));
        Assert.Equal(2553, GraphQLClient.ErrorCode(await client.PostAsync(add,
            new { i = new { url = "http://127.0.0.1:9/", events = new[] { "login" }, secret = Secret, contentType = "text/xml" } }, admin)));
        Assert.Equal(2550, GraphQLClient.ErrorCode(await client.PostAsync("mutation { deleteWebhook(id: \"nope\") { code } }", null, admin)));
        Assert.Equal(2551, GraphQLClient.ErrorCode(await client.PostAsync("mutation { resendWebhookDelivery(id: \"12345\") { id } }", null, admin)));
        Assert.Equal(400, GraphQLClient.ErrorCode(await client.PostAsync("mutation { resendWebhookDelivery(id: \"-1\") { id } }", null, admin)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Webhooks.CountAsync()));

        // Another pool's admin sees and touches nothing of this pool's webhooks.
        var id = GraphQLClient.Success(await client.PostAsync(add,
            new { i = new { url = "http://127.0.0.1:9/", events = new[] { "login" }, secret = Secret } }, admin), "addWebhook")["id"]!.GetValue<string>();
        var other = await app.CreatePoolAsync();
        var otherClient = app.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherClient.ManagementTokenAsync(other.Secret, other.Pool.Id);
        Assert.Empty(GraphQLClient.Success(await otherClient.PostAsync("{ webhooks { id } }", null, otherAdmin), "webhooks").AsArray());
        Assert.Equal(2550, GraphQLClient.ErrorCode(await otherClient.PostAsync("mutation($id: String!) { deleteWebhook(id: $id) { code } }",
            new { id }, otherAdmin)));
        // A user's token is not an admin's.
        var (_, userToken) = await client.RegisterAndLoginAsync("wh-user@example.com");
        Assert.Equal(403, GraphQLClient.ErrorCode(await client.PostAsync("{ webhooks { id } }", null, userToken)));
    }
}
