using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.QrLogin;

/// <summary>
/// qrcodeLoginStrategy.returnFullUserInfo: when on, check of a confirmed code answers the scanner's full profile with a
/// token (a new session) instead of only the ticket, once; the ticket it consumed can't also be exchanged.
/// </summary>
public sealed class QrFullUserInfoTests : IDisposable
{
    private const string UpdateStrategy =
        "mutation($input: UpdateUserpoolInput!) { updateUserpool(input: $input) { qrcodeLoginStrategy { qrcodeExpiresAfter ticketExpiresAfter returnFullUserInfo allowExchangeUserInfoFromBrowser } } }";

    private const string StatusQuery = "query($random: String!) { qrCodeStatus(random: $random) { status ticket userInfo { nickname } user { id token } } }";

    private readonly GenAuthApp _app = new();
    private readonly QrClient _qr;

    public QrFullUserInfoTests() => _qr = new QrClient(_app);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task UpdateUserpoolChangesTheQrcodeLoginStrategy()
    {
        var strategy = await SetStrategyAsync(new { returnFullUserInfo = true, qrcodeExpiresAfter = 60, ticketExpiresAfter = 90, allowExchangeUserInfoFromBrowser = true });

        Assert.True(strategy["returnFullUserInfo"]!.GetValue<bool>());
        Assert.True(strategy["allowExchangeUserInfoFromBrowser"]!.GetValue<bool>());
        Assert.Equal(60, strategy["qrcodeExpiresAfter"]!.GetValue<int>());
        Assert.Equal(90, strategy["ticketExpiresAfter"]!.GetValue<int>());
        Assert.Equal(60, QrClient.Ok(await _qr.PostAsync("/api/qrcode/gene", new { scene = "APP_AUTH" }))["expiresIn"]!.GetValue<int>());

        // Fields left out keep their value.
        strategy = await SetStrategyAsync(new { returnFullUserInfo = false });
        Assert.False(strategy["returnFullUserInfo"]!.GetValue<bool>());
        Assert.Equal(90, strategy["ticketExpiresAfter"]!.GetValue<int>());
    }

    [Fact]
    public async Task OutOfRangeExpiriesAreRefused()
    {
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        var result = await _qr.GraphQL.PostAsync(UpdateStrategy, new { input = new { qrcodeLoginStrategy = new { ticketExpiresAfter = 1 } } }, admin);
        Assert.Equal(400, GraphQLClient.ErrorCode(result));
        result = await _qr.GraphQL.PostAsync(UpdateStrategy, new { input = new { qrcodeLoginStrategy = new { qrcodeExpiresAfter = 100_000 } } }, admin);
        Assert.Equal(400, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task SettingOffCheckAnswersNicknamePhotoAndTicketOnly()
    {
        var (_, token) = await _qr.AppUserAsync("Ada");
        var random = await ConfirmedAsync(token);

        var first = await _qr.CheckAsync(random);
        var again = await _qr.CheckAsync(random);

        Assert.Equal(2, first["status"]!.GetValue<int>());
        Assert.Equal("Ada", first["userInfo"]!["nickname"]!.GetValue<string>());
        Assert.Null(first["userInfo"]!["token"]);
        Assert.Null(first["userInfo"]!["email"]);
        Assert.Equal(first["ticket"]!.GetValue<string>(), again["ticket"]!.GetValue<string>());
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        QrClient.Ok(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket = first["ticket"]!.GetValue<string>() }, admin));
    }

    [Fact]
    public async Task SettingOnFirstCheckAnswersTheFullUserWithANewSessionOnce()
    {
        await SetStrategyAsync(new { returnFullUserInfo = true });
        var (userId, appToken) = await _qr.AppUserAsync("Ada");
        var random = await ConfirmedAsync(appToken);

        var first = await _qr.CheckAsync(random);

        Assert.Equal(2, first["status"]!.GetValue<int>());
        var user = first["userInfo"]!;
        Assert.Equal(userId, user["id"]!.GetValue<string>());
        Assert.EndsWith("@example.com", user["email"]!.GetValue<string>());
        var token = user["token"]!.GetValue<string>();
        Assert.NotEqual(appToken, token);
        var me = GraphQLClient.Success(await _qr.GraphQL.PostAsync(Ops.User, null, token), "user");
        Assert.Equal(userId, me["id"]!.GetValue<string>());

        // Single use: the next check shows the profile summary only, and the consumed ticket buys nothing.
        var again = await _qr.CheckAsync(random);
        Assert.Equal(2, again["status"]!.GetValue<int>());
        Assert.Null(again["userInfo"]!["token"]);
        Assert.Equal("Ada", again["userInfo"]!["nickname"]!.GetValue<string>());
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        Assert.Equal(2246, QrClient.Code(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket = first["ticket"]!.GetValue<string>() }, admin)));
    }

    [Fact]
    public async Task SettingOnAnExchangedTicketIsNotAnsweredAgainByCheck()
    {
        await SetStrategyAsync(new { returnFullUserInfo = true });
        var (_, appToken) = await _qr.AppUserAsync();
        var random = await ConfirmedAsync(appToken);
        var ticket = (await _qr.GraphQL.PostAsync(StatusQuery.Replace(" user { id token }", ""), new { random }))["data"]!["qrCodeStatus"]!["ticket"]!.GetValue<string>();
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        QrClient.Ok(await _qr.PostAsync("/api/qrcode/userinfo", new { ticket }, admin));

        Assert.Null((await _qr.CheckAsync(random))["userInfo"]!["token"]);
    }

    [Fact]
    public async Task SettingOnConcurrentChecksOpenExactlyOneSession()
    {
        await SetStrategyAsync(new { returnFullUserInfo = true });
        var (_, appToken) = await _qr.AppUserAsync();
        var random = await ConfirmedAsync(appToken);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _qr.CheckAsync(random)));

        Assert.Equal(1, results.Count(r => r["userInfo"]!["token"] is not null));
        Assert.All(results, r => Assert.Equal(2, r["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task SettingOnGraphQLQrCodeStatusAnswersTheUserOnceAndOnlyWhenSelected()
    {
        await SetStrategyAsync(new { returnFullUserInfo = true });
        var (userId, appToken) = await _qr.AppUserAsync();
        var random = await ConfirmedAsync(appToken);

        // A query that doesn't ask for the user must not consume the ticket (its token would be lost).
        var withoutUser = GraphQLClient.Success(await _qr.GraphQL.PostAsync(StatusQuery.Replace(" user { id token }", ""), new { random }), "qrCodeStatus");
        Assert.Equal(2, withoutUser["status"]!.GetValue<int>());

        var first = GraphQLClient.Success(await _qr.GraphQL.PostAsync(StatusQuery, new { random }), "qrCodeStatus");
        Assert.Equal(userId, first["user"]!["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["user"]!["token"]!.GetValue<string>()));

        var again = GraphQLClient.Success(await _qr.GraphQL.PostAsync(StatusQuery, new { random }), "qrCodeStatus");
        Assert.Null(again["user"]);
    }

    private async Task<JsonNode> SetStrategyAsync(object strategy)
    {
        var admin = await _qr.GraphQL.ManagementTokenAsync(_app.Secret);
        return GraphQLClient.Success(await _qr.GraphQL.PostAsync(UpdateStrategy, new { input = new { qrcodeLoginStrategy = strategy } }, admin),
            "updateUserpool")["qrcodeLoginStrategy"]!;
    }

    private async Task<string> ConfirmedAsync(string appToken)
    {
        var random = await _qr.GeneAsync();
        QrClient.Ok(await _qr.ScannedAsync(random, appToken));
        QrClient.Ok(await _qr.ConfirmAsync(random, appToken));
        return random;
    }
}
