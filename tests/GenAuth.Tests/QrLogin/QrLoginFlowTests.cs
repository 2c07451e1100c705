using GenAuth.Core.QrLogin;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.QrLogin;

/// <summary>The REST flow the SDK and the app use: every transition, every refusal, and the ticket exchange.</summary>
public sealed class QrLoginFlowTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly QrClient _qr;

    public QrLoginFlowTests() => _qr = new QrClient(_app);

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/api/qrcode")]
    [InlineData("/api/v2/qrcode")]
    public async Task GeneReturnsAnUnguessableRandomAndAPngUrl(string prefix)
    {
        var data = QrClient.Ok(await _qr.PostAsync(prefix + "/gene", new { scene = "APP_AUTH", customData = new { hello = "world" } }));

        var random = data["random"]!.GetValue<string>();
        Assert.Equal(32, random.Length); // 128 bits, hex
        Assert.Equal(120, data["expiresIn"]!.GetValue<int>());
        var png = await _qr.Http.GetByteArrayAsync(data["url"]!.GetValue<string>());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var status = await _qr.CheckAsync(random, prefix);
        Assert.Equal(0, status["status"]!.GetValue<int>());
        Assert.Null(status["ticket"]);
    }

    [Fact]
    public async Task ImagePayloadIsTheSeedsJson()
    {
        var data = QrClient.Ok(await _qr.PostAsync("/api/v2/qrcode/gene", new { scene = "APP_AUTH", customData = new { hello = "world" } }));
        var random = data["random"]!.GetValue<string>();

        // Read the image as the app's scanner does: decode the QR code in the PNG the url serves.
        var text = QrImage.Decode(await _qr.Http.GetByteArrayAsync(data["url"]!.GetValue<string>()));

        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Assert.Equal("APP_AUTH", json["scene"]!.GetValue<string>());
        Assert.Equal(random, json["random"]!.GetValue<string>());
        Assert.Equal(_app.UserPoolId, json["userPoolId"]!.GetValue<string>());
        Assert.Equal("world", json["customData"]!["hello"]!.GetValue<string>());
        var createdAt = DateTimeOffset.Parse(json["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expireAt = DateTimeOffset.Parse(json["expireAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(120), expireAt - createdAt);
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task UnsupportedSceneIsRefused()
    {
        Assert.Equal(2247, QrClient.Code(await _qr.PostAsync("/api/qrcode/gene", new { scene = "SOMETHING" })));
    }

    [Fact]
    public async Task ScannedThenConfirmIssuesATicketThatBuysOneSession()
    {
        var (userId, token) = await _qr.AppUserAsync("Ada");
        var random = await _qr.GeneAsync();

        Assert.Equal(1, QrClient.Ok(await _qr.ScannedAsync(random, token))["status"]!.GetValue<int>());
        var scanned = await _qr.CheckAsync(random);
        Assert.Equal(1, scanned["status"]!.GetValue<int>());
        Assert.Equal("Ada", scanned["userInfo"]!["nickname"]!.GetValue<string>());
        Assert.Equal("https://example.com/a.png", scanned["userInfo"]!["photo"]!.GetValue<string>());
        Assert.Null(scanned["userInfo"]!["email"]);
        Assert.Null(scanned["ticket"]);

        Assert.Equal(2, QrClient.Ok(await _qr.ConfirmAsync(random, token))["status"]!.GetValue<int>());
        var confirmed = await _qr.CheckAsync(random);
        Assert.Equal(2, confirmed["status"]!.GetValue<int>());
        Assert.Equal(userId, confirmed["scannedUserId"]!.GetValue<string>());
        var ticket = confirmed["ticket"]!.GetValue<string>();

        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        var user = QrClient.Ok(await _qr.PostAsync("/api/v2/qrcode/userinfo", new { ticket }, admin));
        Assert.Equal(userId, user["id"]!.GetValue<string>());
        var newToken = user["token"]!.GetValue<string>();
        Assert.NotEqual(token, newToken);
        var me = GraphQLClient.Success(await _qr.GraphQL.PostAsync(Ops.User, null, newToken), "user");
        Assert.Equal(userId, me["id"]!.GetValue<string>());

        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/v2/qrcode/userinfo", new { ticket }, admin)));
    }

    [Fact]
    public async Task TicketExchangeNeedsTheServerSide()
    {
        var (_, token) = await _qr.AppUserAsync();
        var ticket = await ConfirmedTicketAsync(token);

        Assert.Equal(2020, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket })));
        Assert.Equal(403, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, token)));
        Assert.Equal(2020, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket, secret = "wrong" })));
        QrClient.Ok(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket, secret = _app.Secret }));
    }

    [Fact]
    public async Task CancelEndsTheCode()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));

        Assert.Equal(3, QrClient.Ok(await _qr.CancelAsync(random, token))["status"]!.GetValue<int>());

        Assert.Equal(3, (await _qr.CheckAsync(random))["status"]!.GetValue<int>());
        Assert.Equal(2245, QrClient.Code(await _qr.ConfirmAsync(random, token)));
        Assert.Equal(2245, QrClient.Code(await _qr.CancelAsync(random, token)));
    }

    [Fact]
    public async Task IllegalTransitionsAreRefusedWithClearCodes()
    {
        var (_, scanner) = await _qr.AppUserAsync();
        var (_, other) = await _qr.AppUserAsync("Other");
        var random = await _qr.GeneAsync();

        Assert.Equal(2243, QrClient.Code(await _qr.ConfirmAsync(random, scanner)));
        Assert.Equal(2243, QrClient.Code(await _qr.CancelAsync(random, scanner)));
        Assert.Equal(2020, QrClient.Code(await _qr.ScannedAsync(random, token: null!)));
        Assert.Equal(2241, QrClient.Code(await _qr.ScannedAsync("0123456789abcdef0123456789abcdef", scanner)));
        Assert.Equal(2241, QrClient.Code(await _qr.GetAsync("/api/qrcode/check?random=nope")));

        QrClient.Ok(await _qr.ScannedAsync(random, scanner));
        QrClient.Ok(await _qr.ScannedAsync(random, scanner)); // the app retried: same answer
        Assert.Equal(2244, QrClient.Code(await _qr.ScannedAsync(random, other)));
        Assert.Equal(2244, QrClient.Code(await _qr.ConfirmAsync(random, other)));
        Assert.Equal(2244, QrClient.Code(await _qr.CancelAsync(random, other)));

        QrClient.Ok(await _qr.ConfirmAsync(random, scanner));
        Assert.Equal(2245, QrClient.Code(await _qr.ConfirmAsync(random, scanner)));
        Assert.Equal(2245, QrClient.Code(await _qr.ScannedAsync(random, scanner)));
    }

    [Fact]
    public async Task AnotherPoolsCodeIsInvisible()
    {
        var other = await _app.CreatePoolAsync();
        var otherClient = new GraphQLClient(_app.CreateClient(), other.Pool.Id);
        var (_, otherToken) = await otherClient.RegisterAndLoginAsync("foreign@example.com");
        var random = await _qr.GeneAsync();

        Assert.Equal(2241, QrClient.Code(await _qr.PostAsync("/api/qrcode/scanned", new { random }, otherToken, other.Pool.Id)));
        Assert.Equal(2241, QrClient.Code(await _qr.GetAsync($"/api/qrcode/check?random={random}", other.Pool.Id)));
        // The foreign token sent with this pool's header is not a user of this pool at all.
        Assert.Equal(1010001, QrClient.Code(await _qr.ScannedAsync(random, otherToken)));
    }

    [Fact]
    public async Task ConcurrentConfirmsYieldExactlyOneTicket()
    {
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _qr.ConfirmAsync(random, token)));

        Assert.Equal(1, results.Count(r => QrClient.Code(r) == 200));
        Assert.All(results.Where(r => QrClient.Code(r) != 200), r => Assert.Equal(2245, QrClient.Code(r)));
        var tickets = await _app.QueryDbAsync(db => db.QrCodes.Where(q => q.Id == random && q.TicketHash != null).CountAsync());
        Assert.Equal(1, tickets);
    }

    [Fact]
    public async Task ConcurrentExchangesOfOneTicketOpenOneSession()
    {
        var (_, token) = await _qr.AppUserAsync();
        var ticket = await ConfirmedTicketAsync(token);
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, admin)));

        Assert.Equal(1, results.Count(r => QrClient.Code(r) == 200));
        Assert.All(results.Where(r => QrClient.Code(r) != 200), r => Assert.Equal(2246, QrClient.Code(r)));
    }

    [Fact]
    public async Task CheckExpiresACodeWhoseTimerNeverFired()
    {
        // As after a restart: the deadline passed while no timer of this process knew about the code.
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();
        await _app.QueryDbAsync(db => db.QrCodes.Where(q => q.Id == random)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));

        Assert.Equal(-1, (await _qr.CheckAsync(random))["status"]!.GetValue<int>());
        Assert.Equal(2242, QrClient.Code(await _qr.ScannedAsync(random, token)));
        Assert.Equal(QrCodeStatus.Expired, await _app.QueryDbAsync(db => db.QrCodes.Where(q => q.Id == random).Select(q => q.Status).FirstAsync()));
    }

    [Fact]
    public async Task PoolSettingsDriveExpiryAndAreSurfacedInQrcodeLoginStrategy()
    {
        await _app.QueryDbAsync(db => db.UserPools.Where(p => p.Id == _app.UserPoolId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.QrCodeExpiresAfter, 60).SetProperty(p => p.QrTicketExpiresAfter, 90)));
        _app.Services.GetRequiredService<GenAuth.Core.Pools.PoolDirectory>().Forget(_app.UserPoolId);

        var data = QrClient.Ok(await _qr.PostAsync("/api/qrcode/gene", new { scene = "APP_AUTH" }));
        Assert.Equal(60, data["expiresIn"]!.GetValue<int>());

        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        var pool = GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "{ userpool { qrcodeLoginStrategy { qrcodeExpiresAfter ticketExpiresAfter returnFullUserInfo allowExchangeUserInfoFromBrowser } } }",
            null, admin), "userpool");
        Assert.Equal(60, pool["qrcodeLoginStrategy"]!["qrcodeExpiresAfter"]!.GetValue<int>());
        Assert.Equal(90, pool["qrcodeLoginStrategy"]!["ticketExpiresAfter"]!.GetValue<int>());
        Assert.False(pool["qrcodeLoginStrategy"]!["allowExchangeUserInfoFromBrowser"]!.GetValue<bool>());
    }

    private async Task<string> ConfirmedTicketAsync(string token)
    {
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        return (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>();
    }
}
