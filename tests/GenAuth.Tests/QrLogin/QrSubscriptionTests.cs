using System.Net.Http.Json;
using System.Text.Json;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.QrLogin;

/// <summary>qrCodeStatusChanged over every transport: current status first, each transition pushed, then complete.</summary>
public sealed class QrSubscriptionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly GenAuthApp _app;
    private readonly QrClient _qr;

    public QrSubscriptionTests()
    {
        _app = new GenAuthApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _qr = new QrClient(_app);
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task GraphQLTransportWsPushesScannedThenConfirmedThenCompletes()
    {
        var (_, token) = await _qr.AppUserAsync("Grace");
        var random = await _qr.GeneAsync();
        using var ws = await _qr.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);

        var first = await QrClient.NextEventAsync(ws);
        Assert.Equal(0, first.GetProperty("status").GetInt32());
        Assert.Equal(random, first.GetProperty("random").GetString());

        QrClient.Ok(await _qr.ScannedAsync(random, token));
        var scanned = await QrClient.NextEventAsync(ws);
        Assert.Equal(1, scanned.GetProperty("status").GetInt32());
        Assert.Equal("Grace", scanned.GetProperty("userInfo").GetProperty("nickname").GetString());
        Assert.Equal(JsonValueKind.Null, scanned.GetProperty("ticket").ValueKind);

        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        var confirmed = await QrClient.NextEventAsync(ws);
        Assert.Equal(2, confirmed.GetProperty("status").GetInt32());
        Assert.Equal((await _qr.CheckAsync(random))["ticket"]!.GetValue<string>(), confirmed.GetProperty("ticket").GetString());

        var complete = await ws.ReceiveAsync("ping", "pong");
        Assert.Equal("complete", complete.GetProperty("type").GetString());
    }

    [Fact]
    public async Task LegacyGraphQLWsPushesCancel()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        using var ws = await _qr.ConnectAsync("graphql-ws");
        await ws.SendAsync(new { id = "1", type = "start", payload = new { query = QrClient.Subscription, variables = new { random } } });

        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        Assert.Equal(1, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
        QrClient.Ok(await _qr.CancelAsync(random, token));
        Assert.Equal(3, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
        Assert.Equal("complete", (await ws.ReceiveAsync("ka")).GetProperty("type").GetString());
    }

    [Fact]
    public async Task SubscribingAfterAScanStartsFromTheCurrentStatus()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        using var ws = await _qr.ConnectAsync();

        await QrClient.SubscribeAsync(ws, random);

        Assert.Equal(1, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ExpiryIsPushedByTheServerWhenTheClockPassesTheDeadline()
    {
        var random = await _qr.GeneAsync();
        using var ws = await _qr.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());

        _clock.Advance(TimeSpan.FromSeconds(119));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var expired = await QrClient.NextEventAsync(ws);
        Assert.Equal(-1, expired.GetProperty("status").GetInt32());
        Assert.Equal("complete", (await ws.ReceiveAsync("ping", "pong")).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AScannedCodeStillExpiresAndCannotBeConfirmedAfter()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));

        _clock.Advance(TimeSpan.FromSeconds(121));

        Assert.Equal(2242, QrClient.Code(await _qr.ConfirmAsync(random, token)));
        Assert.Equal(-1, (await _qr.CheckAsync(random))["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task TicketDiesAfterItsLifetime()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        var ticket = (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>();

        _clock.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket, secret = _app.Secret })));
    }

    [Fact]
    public async Task UnknownAndForeignCodesAreRefused()
    {
        var other = await _app.CreatePoolAsync();
        var foreign = QrClient.Ok(await _qr.PostAsync("/api/qrcode/gene", new { scene = "APP_AUTH" }, poolId: other.Pool.Id))["random"]!.GetValue<string>();
        using var ws = await _qr.ConnectAsync();

        foreach (var (id, random) in new[] { ("1", "0123456789abcdef0123456789abcdef"), ("2", foreign) })
        {
            await QrClient.SubscribeAsync(ws, random, id);
            var message = await ws.ReceiveAsync("ping", "pong");
            Assert.True(message.TryGetProperty("payload", out _), message.ToString());
            var errors = message.GetProperty("type").GetString() == "error"
                ? message.GetProperty("payload")
                : message.GetProperty("payload").GetProperty("errors");
            Assert.Equal(2241, errors[0].GetProperty("extensions").GetProperty("code").GetInt32());
            if (message.GetProperty("type").GetString() == "next")
                Assert.Equal("complete", (await ws.ReceiveAsync("ping", "pong")).GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task ServerSentEventsCarryTheSameEvents()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, GenAuthApp.GraphQLPath)
        {
            Content = JsonContent.Create(new { query = QrClient.Subscription, variables = new { random } }),
        };
        request.Headers.Add("x-authing-userpool-id", _app.UserPoolId);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _qr.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal(0, (await NextSseEventAsync(reader)).GetProperty("status").GetInt32());
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        Assert.Equal(1, (await NextSseEventAsync(reader)).GetProperty("status").GetInt32());
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        var confirmed = await NextSseEventAsync(reader);
        Assert.Equal(2, confirmed.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(confirmed.GetProperty("ticket").GetString()));
        Assert.Equal("complete", (await NextSseBlockAsync(reader)).Event);
    }

    [Fact]
    public async Task GraphQLOperationsMirrorTheRestFlow()
    {
        var (userId, token) = await _qr.AppUserAsync("Linus");
        var gene = GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "mutation { geneQrCode(customData: \"{\\\"a\\\":1}\") { random expiresIn url customData } }"), "geneQrCode");
        var random = gene["random"]!.GetValue<string>();
        Assert.EndsWith($"/api/v2/qrcode/image/{random}.png", gene["url"]!.GetValue<string>());
        Assert.Equal("{\"a\":1}", gene["customData"]!.GetValue<string>());

        const string Transition = "mutation($r: String!) { F(random: $r) { status } }";
        foreach (var (field, status) in new[] { ("markQrCodeScanned", 1), ("confirmQrCode", 2) })
        {
            var result = GraphQLClient.Success(await _qr.GraphQL.PostAsync(Transition.Replace("F", field), new { r = random }, token), field);
            Assert.Equal(status, result["status"]!.GetValue<int>());
        }
        var status2 = GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "query($r: String!) { qrCodeStatus(random: $r) { status ticket scannedUserId userInfo { nickname } } }", new { r = random }), "qrCodeStatus");
        Assert.Equal(userId, status2["scannedUserId"]!.GetValue<string>());
        Assert.Equal("Linus", status2["userInfo"]!["nickname"]!.GetValue<string>());

        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        var exchange = "mutation($t: String!) { exchangeQrCodeTicket(ticket: $t) { id token } }";
        var t = status2["ticket"]!.GetValue<string>();
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _qr.GraphQL.PostAsync(exchange, new { t })));
        var user = GraphQLClient.Success(await _qr.GraphQL.PostAsync(exchange, new { t }, admin), "exchangeQrCodeTicket");
        Assert.Equal(userId, user["id"]!.GetValue<string>());
        Assert.Equal(2246, GraphQLClient.ErrorCode(await _qr.GraphQL.PostAsync(exchange, new { t }, admin)));
    }

    private static async Task<JsonElement> NextSseEventAsync(StreamReader reader)
    {
        var (name, data) = await NextSseBlockAsync(reader);
        Assert.Equal("next", name);
        return JsonDocument.Parse(data).RootElement.GetProperty("data").GetProperty("qrCodeStatusChanged").Clone();
    }

    private static async Task<(string Event, string Data)> NextSseBlockAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        string name = "message", data = "";
        while (true)
        {
            var line = await reader.ReadLineAsync(cts.Token) ?? throw new Xunit.Sdk.XunitException("The event stream ended");
            if (line.Length == 0 && (data.Length > 0 || name != "message"))
                return (name, data);
            if (line.StartsWith("event:"))
                name = line[6..].Trim();
            else if (line.StartsWith("data:"))
                data += line[5..].TrimStart();
        }
    }
}
