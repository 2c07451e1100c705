using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Events;
using GenAuth.Core.Security;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.QrLogin;

/// <summary>What a QR transition puts on the event bus (Redis when scaled out): the state, never the ticket in plain text.</summary>
public sealed class QrBusPayloadTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly QrClient _qr;

    public QrBusPayloadTests() => _qr = new QrClient(_app);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TheConfirmedStateCrossesTheBusWithTheTicketSealedAndSubscribersStillReceiveIt()
    {
        var (userId, token) = await _qr.AppUserAsync("Bus");
        var random = await _qr.GeneAsync();
        var published = new ConcurrentQueue<string>();
        using var probe = await _app.Services.GetRequiredService<IEventBus>()
            .SubscribeAsync(EventChannels.QrCode(random), published.Enqueue);
        using var ws = await _qr.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());

        QrClient.Ok(await _qr.ScannedAsync(random, token));
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        await QrClient.NextEventAsync(ws);
        var pushed = await QrClient.NextEventAsync(ws);
        var ticket = (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>();

        Assert.Equal(2, published.Count);
        Assert.All(published, p => Assert.DoesNotContain(ticket, p));
        var confirmed = JsonNode.Parse(published.Last())!;
        Assert.Equal(2, confirmed["status"]!.GetValue<int>());
        Assert.Equal(userId, confirmed["scannedUserId"]!.GetValue<string>());
        Assert.Equal("Bus", confirmed["userInfo"]!["nickname"]!.GetValue<string>());
        Assert.Null(confirmed["ticket"]);
        Assert.False(string.IsNullOrEmpty(confirmed["ticketSealed"]?.GetValue<string>()));
        // The subscriber's instance unseals it: the GraphQL event carries the ticket as before.
        Assert.Equal(ticket, pushed.GetProperty("ticket").GetString());
        Assert.Equal("Bus", pushed.GetProperty("userInfo").GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task ATransitionFromAnotherInstanceHasItsSealedTicketUnsealedForThisInstancesSubscribers()
    {
        var random = await _qr.GeneAsync();
        using var ws = await _qr.ConnectAsync();
        await QrClient.SubscribeAsync(ws, random);
        Assert.Equal(0, (await QrClient.NextEventAsync(ws)).GetProperty("status").GetInt32());
        var sealedTicket = _app.Services.GetRequiredService<SecretSealer>().Seal(Encoding.UTF8.GetBytes("ticket-from-elsewhere"));

        // What another instance's confirm puts on the shared bus (Redis when scaled out).
        await _app.Services.GetRequiredService<IEventBus>().PublishAsync(EventChannels.QrCode(random), JsonSerializer.Serialize(new
        {
            random, status = 2, scannedUserId = "5f00000000000000000000ff", userInfo = new { nickname = "Elsewhere" },
            expiresAt = DateTime.UtcNow.AddMinutes(1), ticketSealed = Convert.ToBase64String(sealedTicket),
        }));
        var pushed = await QrClient.NextEventAsync(ws);

        Assert.Equal(2, pushed.GetProperty("status").GetInt32());
        Assert.Equal("ticket-from-elsewhere", pushed.GetProperty("ticket").GetString());
        Assert.Equal("Elsewhere", pushed.GetProperty("userInfo").GetProperty("nickname").GetString());
    }
}
