using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.QrLogin;

/// <summary>qrcodeLoginStrategy's lifetimes, set through updateUserpool, are the ones the codes and tickets live by (a hand-moved clock).</summary>
public sealed class QrStrategyClockTests : IDisposable
{
    private readonly TestClock _clock = new();
    private readonly GenAuthApp _app;
    private readonly QrClient _qr;

    public QrStrategyClockTests()
    {
        _app = new GenAuthApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _qr = new QrClient(_app);
    }

    public void Dispose() => _app.Dispose();

    private async Task SetStrategyAsync(int qrcodeExpiresAfter, int ticketExpiresAfter)
    {
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        GraphQLClient.Success(await _qr.GraphQL.PostAsync(
            "mutation($input: UpdateUserpoolInput!) { updateUserpool(input: $input) { qrcodeLoginStrategy { qrcodeExpiresAfter } } }",
            new { input = new { qrcodeLoginStrategy = new { qrcodeExpiresAfter, ticketExpiresAfter } } }, admin), "updateUserpool");
    }

    private async Task<string> TicketAsync(string token)
    {
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, token));
        QrClient.Ok(await _qr.ConfirmAsync(random, token));
        return (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>();
    }

    [Fact]
    public async Task QrcodeExpiresAfterIsTheCodesLifetime()
    {
        await SetStrategyAsync(qrcodeExpiresAfter: 60, ticketExpiresAfter: 300);
        var (_, token) = await _qr.AppUserAsync();
        var random = await _qr.GeneAsync();

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, (await _qr.CheckAsync(random))["status"]!.GetValue<int>());
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(-1, (await _qr.CheckAsync(random))["status"]!.GetValue<int>());
        Assert.Equal(2242, QrClient.Code(await _qr.ScannedAsync(random, token)));
    }

    [Fact]
    public async Task TicketExpiresAfterIsTheTicketsLifetime()
    {
        await SetStrategyAsync(qrcodeExpiresAfter: 120, ticketExpiresAfter: 90);
        var (userId, token) = await _qr.AppUserAsync();
        var early = await TicketAsync(token);
        var late = await TicketAsync(token);

        _clock.Advance(TimeSpan.FromSeconds(89));
        var exchanged = QrClient.Ok(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket = early, secret = _app.Secret }));
        Assert.Equal(userId, exchanged["id"]!.GetValue<string>());
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket = late, secret = _app.Secret })));
    }
}
