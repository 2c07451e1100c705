using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Mfa;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.QrLogin;

/// <summary>
/// A QR sign-in and the scanner's second factor: a code confirmed from an app session that passed one signs the browser
/// in as multi-factor; otherwise the browser gets 1635 and the ticket stays unspent until the MFA step spends it.
/// </summary>
public sealed class QrSecondFactorTests : IDisposable
{
    private const string UpdateStrategy =
        "mutation($input: UpdateUserpoolInput!) { updateUserpool(input: $input) { qrcodeLoginStrategy { returnFullUserInfo } } }";

    private readonly MfaHarness _h = new();
    private readonly QrClient _qr;

    public QrSecondFactorTests() => _qr = new QrClient(_h.App);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task ACodeConfirmedFromAnAppSessionThatPassedASecondFactorSignsTheBrowserInAsMultiFactor()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("mfa-app@example.com");
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var mfaToken = await _h.MfaTokenAsync("mfa-app@example.com");
        var appUser = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) }), "verifyTotpMfa");
        var userId = appUser["id"]!.GetValue<string>();
        var (random, ticket) = await ConfirmedAsync(appUser["token"]!.GetValue<string>());
        var before = await SessionIdsAsync(userId);

        var user = QrClient.Ok(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, await AdminAsync()));

        Assert.Equal(userId, user["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(user["token"]!.GetValue<string>()));
        var browserSession = Assert.Single(await _h.App.QueryDbAsync(db => db.Sessions
            .Where(s => s.UserId == userId && !before.Contains(s.Id)).ToListAsync()));
        Assert.NotNull(browserSession.SecondFactorAt);
        Assert.NotNull(await TicketUsedAtAsync(random));
        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, await AdminAsync())));
    }

    [Fact]
    public async Task ASingleFactorAppSessionLeavesTheBrowserAtTheSecondFactorWithTheTicketUnspent()
    {
        // The session EnrollOtpAsync signs in with predates the factor: it passed no second factor.
        var (appToken, secret, _, _) = await _h.EnrollOtpAsync("sf-app@example.com");
        var userId = GraphQLClient.Success(await _h.Client.PostAsync(Ops.User, null, appToken), "user")["id"]!.GetValue<string>();
        var (random, ticket) = await ConfirmedAsync(appToken);
        var admin = await AdminAsync();
        var sessionsBefore = await SessionIdsAsync(userId);

        var first = await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, admin);
        var second = await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, admin);

        Assert.Equal(1635, QrClient.Code(first));
        Assert.Equal(userId, first["data"]!["userId"]!.GetValue<string>());
        Assert.Equal(["OTP"], first["data"]!["enrolledFactors"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Null(await TicketUsedAtAsync(random));
        Assert.Equal(1635, QrClient.Code(second)); // still unspent: asked again, not 2246
        Assert.Equal(sessionsBefore, await SessionIdsAsync(userId));

        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var user = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = first["data"]!["mfaToken"]!.GetValue<string>(), c = Rfc6238.Code(secret, _h.Now) }), "verifyTotpMfa");

        Assert.Equal(userId, user["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(user["token"]!.GetValue<string>()));
        Assert.NotNull(await TicketUsedAtAsync(random));
        var browserSession = Assert.Single(await _h.App.QueryDbAsync(db => db.Sessions
            .Where(s => s.UserId == userId && !sessionsBefore.Contains(s.Id)).ToListAsync()));
        Assert.NotNull(browserSession.SecondFactorAt);
        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, admin)));

        // The other challenge of the same ticket can't sign in again: its ticket is spent.
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var again = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = second["data"]!["mfaToken"]!.GetValue<string>(), c = Rfc6238.Code(secret, _h.Now) });
        Assert.Equal(2246, GraphQLClient.ErrorCode(again));
        Assert.Single(await _h.App.QueryDbAsync(db => db.Sessions
            .Where(s => s.UserId == userId && !sessionsBefore.Contains(s.Id)).ToListAsync()));
    }

    [Fact]
    public async Task WithFullUserInfoTheBrowsersCheckGets1635AndTheTicketStaysUnspentUntilTheMfaStep()
    {
        GraphQLClient.Success(await _qr.GraphQL.PostAsync(UpdateStrategy,
            new { input = new { qrcodeLoginStrategy = new { returnFullUserInfo = true } } }, await AdminAsync()), "updateUserpool");
        var (appToken, secret, _, _) = await _h.EnrollOtpAsync("check-app@example.com");
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, appToken));
        QrClient.Ok(await _qr.ConfirmAsync(random, appToken));

        var check = await _qr.GetAsync($"/api/v2/qrcode/check?random={random}");

        Assert.Equal(1635, QrClient.Code(check));
        Assert.Null(await TicketUsedAtAsync(random));
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var user = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = check["data"]!["mfaToken"]!.GetValue<string>(), c = Rfc6238.Code(secret, _h.Now) }), "verifyTotpMfa");
        Assert.False(string.IsNullOrEmpty(user["token"]!.GetValue<string>()));
        Assert.NotNull(await TicketUsedAtAsync(random));
        // Later checks answer the state only: the ticket was redeemed by the MFA step.
        var later = await _qr.CheckAsync(random);
        Assert.Equal(2, later["status"]!.GetValue<int>());
        Assert.Null(later["userInfo"]!["token"]);
    }

    [Fact]
    public async Task PollingAConfirmedCodeOfAnMfaUserOpensAtMostThreeChallenges()
    {
        GraphQLClient.Success(await _qr.GraphQL.PostAsync(UpdateStrategy,
            new { input = new { qrcodeLoginStrategy = new { returnFullUserInfo = true } } }, await AdminAsync()), "updateUserpool");
        var (appToken, secret, _, _) = await _h.EnrollOtpAsync("poll-app@example.com");
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, appToken));
        QrClient.Ok(await _qr.ConfirmAsync(random, appToken));

        var checks = new List<JsonNode>();
        for (var i = 0; i < 8; i++)
            checks.Add(await _qr.GetAsync($"/api/v2/qrcode/check?random={random}"));

        Assert.All(checks.Take(3), c => Assert.Equal(1635, QrClient.Code(c)));
        Assert.All(checks.Skip(3), c =>
        {
            Assert.Equal(200, QrClient.Code(c));
            Assert.Equal(2, c["data"]!["status"]!.GetValue<int>());
        });
        Assert.Equal(3, await _h.App.QueryDbAsync(db => db.MfaChallenges.CountAsync(c => c.QrCodeId == random)));
        Assert.Null(await TicketUsedAtAsync(random));
        // One of the three challenges still completes the sign-in and spends the ticket.
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var user = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = checks[2]["data"]!["mfaToken"]!.GetValue<string>(), c = Rfc6238.Code(secret, _h.Now) }), "verifyTotpMfa");
        Assert.False(string.IsNullOrEmpty(user["token"]!.GetValue<string>()));
        Assert.NotNull(await TicketUsedAtAsync(random));
    }

    private Task<string> AdminAsync() => _qr.GraphQL.ManagementTokenAsync(_h.App.Secret);

    private async Task<(string Random, string Ticket)> ConfirmedAsync(string appToken)
    {
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, appToken));
        QrClient.Ok(await _qr.ConfirmAsync(random, appToken));
        return (random, (await _qr.CheckAsync(random))["ticket"]!.GetValue<string>());
    }

    private Task<DateTime?> TicketUsedAtAsync(string random) =>
        _h.App.QueryDbAsync(db => db.QrCodes.Where(q => q.Id == random).Select(q => q.TicketUsedAt).SingleAsync());

    private async Task<HashSet<string>> SessionIdsAsync(string userId) =>
        (await _h.App.QueryDbAsync(db => db.Sessions.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync())).ToHashSet();
}
