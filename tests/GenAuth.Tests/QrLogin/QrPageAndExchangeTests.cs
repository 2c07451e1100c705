using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.QrLogin;

/// <summary>The hosted page's open-redirect guard, and who may exchange a ticket (server secret, or the browser when the pool allows).</summary>
public sealed class QrPageAndExchangeTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly QrClient _qr;

    public QrPageAndExchangeTests() => _qr = new QrClient(_app);

    public void Dispose() => _app.Dispose();

    private async Task<HttpResponseMessage> PageAsync(string appId, string? redirectUri) =>
        await _qr.Http.GetAsync("/login/qrcode?app_id=" + Uri.EscapeDataString(appId)
                                + (redirectUri is null ? "" : "&redirect_uri=" + Uri.EscapeDataString(redirectUri)));

    [Fact]
    public async Task HostedPageSendsTicketsOnlyToARegisteredRedirectUri()
    {
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        var appId = GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "mutation { createApplication(name: \"Web\", identifier: \"web\", redirectUris: [\"https://a.example/cb\"]) { id } }", null, admin),
            "createApplication")["id"]!.GetValue<string>();

        using var registered = await PageAsync(appId, "https://a.example/cb");
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("text/html", registered.Content.Headers.ContentType?.MediaType);
        Assert.Contains("https://a.example/cb", await registered.Content.ReadAsStringAsync());
        using var none = await PageAsync(appId, null);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);

        foreach (var evil in new[]
                 {
                     "https://evil.example/cb", "https://a.example/cb/../steal", "https://a.example/cb?next=https://evil.example",
                     "https://a.example/cb.evil.example", "https://A.example/cb", "//evil.example", "javascript:alert(1)",
                 })
        {
            using var refused = await PageAsync(appId, evil);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{evil}: {(int)refused.StatusCode}");
            Assert.DoesNotContain(evil, await refused.Content.ReadAsStringAsync());
        }
        // Another app's registered URI is not this app's.
        using var otherApp = await PageAsync(_app.AppId, "https://a.example/cb");
        Assert.Equal(HttpStatusCode.BadRequest, otherApp.StatusCode);
        using var unknownApp = await PageAsync("5f00000000000000000000ff", null);
        Assert.Equal(HttpStatusCode.NotFound, unknownApp.StatusCode);
    }

    private async Task<string> TicketAsync(string token)
    {
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        return (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>();
    }

    private async Task<JsonNode> ExchangeAsync(string ticket, string? secretHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/qrcode/userinfo")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { ticket }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-userpool-id", _app.UserPoolId);
        if (secretHeader is not null)
            request.Headers.Add("x-authing-userpool-secret", secretHeader);
        using var response = await _qr.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task ThePoolSecretHeaderExchangesATicket()
    {
        var (userId, token) = await _qr.AppUserAsync("Ada");
        var ticket = await TicketAsync(token);

        Assert.Equal(2020, QrClient.Code(await ExchangeAsync(ticket)));
        Assert.Equal(2020, QrClient.Code(await ExchangeAsync(ticket, "not-the-secret")));
        var user = QrClient.Ok(await ExchangeAsync(ticket, _app.Secret));

        Assert.Equal(userId, user["id"]!.GetValue<string>());
        var me = GraphQLClient.Success(await _qr.GraphQL.PostAsync(Ops.User, token: user["token"]!.GetValue<string>()), "user");
        Assert.Equal(userId, me["id"]!.GetValue<string>());
        Assert.Equal(2246, QrClient.Code(await ExchangeAsync(ticket, _app.Secret)));
    }

    [Fact]
    public async Task TheBrowserExchangesATicketOnlyWhenThePoolAllowsIt()
    {
        var (userId, token) = await _qr.AppUserAsync("Ada");
        var refusedTicket = await TicketAsync(token);
        Assert.Equal(2020, QrClient.Code(await ExchangeAsync(refusedTicket)));

        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "mutation { updateUserpool(input: { qrcodeLoginStrategy: { allowExchangeUserInfoFromBrowser: true } }) { id } }", null, admin), "updateUserpool");
        var user = QrClient.Ok(await ExchangeAsync(await TicketAsync(token)));

        Assert.Equal(userId, user["id"]!.GetValue<string>());
        var me = GraphQLClient.Success(await _qr.GraphQL.PostAsync(Ops.User, token: user["token"]!.GetValue<string>()), "user");
        Assert.Equal(userId, me["id"]!.GetValue<string>());
        // The ticket refused earlier was not spent by the refusal.
        Assert.Equal(userId, QrClient.Ok(await ExchangeAsync(refusedTicket))["id"]!.GetValue<string>());
        Assert.Equal(2246, QrClient.Code(await ExchangeAsync(refusedTicket)));
    }
}
