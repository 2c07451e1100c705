using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Mfa;

/// <summary>The login challenge: 1635 with an mfaToken, then the TOTP or a recovery code; drift, replay, expiry, limits.</summary>
public sealed class MfaLoginTests : IDisposable
{
    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task EveryPasswordLoginOfAUserWithAFactorStopsAt1635WithAnMfaToken()
    {
        var (token, _, _, _) = await _h.EnrollOtpAsync("gate@example.com");
        var id = GraphQLClient.Success(await _h.Client.PostAsync(Ops.UpdateUser, new { input = new { username = "gate" } }, token), "updateUser")["id"]!.GetValue<string>();
        var admin = await _h.Client.ManagementTokenAsync(_h.App.Secret);
        GraphQLClient.Success(await _h.Client.PostAsync(Ops.UpdateUser, new { id, input = new { phone = "13700000042" } }, admin), "updateUser");
        var sessionsBefore = await _h.App.QueryDbAsync(db => db.Sessions.CountAsync());

        var results = new (string Field, JsonNode Result)[]
        {
            ("loginByEmail", await _h.Client.LoginByEmailAsync("gate@example.com")),
            ("loginByUsername", await _h.Client.PostAsync(Ops.LoginByUsername, new { input = new { username = "gate", password = GraphQLClient.Password } })),
            ("loginByAccount", await _h.Client.PostAsync(Ops.LoginByAccount, new { account = "gate@example.com", password = GraphQLClient.Password })),
            ("loginByAccount", await _h.Client.PostAsync(Ops.LoginByAccount, new { account = "13700000042", password = GraphQLClient.Password })),
            ("loginByPhonePassword", await _h.Client.PostAsync(Ops.LoginByPhonePassword, new { input = new { phone = "13700000042", password = GraphQLClient.Password } })),
        };

        foreach (var (field, result) in results)
        {
            Assert.Equal(1635, GraphQLClient.ErrorCode(result));
            Assert.Null(result["data"]![field]);
            var data = result["errors"]![0]!["extensions"]!["data"]!;
            Assert.False(string.IsNullOrEmpty(data["mfaToken"]!.GetValue<string>()));
            Assert.Equal(["OTP"], data["enrolledFactors"]!.AsArray().Select(f => f!.GetValue<string>()));
            Assert.True(data["totpMfaEnabled"]!.GetValue<bool>());
        }
        Assert.Equal(sessionsBefore, await _h.App.QueryDbAsync(db => db.Sessions.CountAsync()));
    }

    [Fact]
    public async Task SdkRequestsGetTheLegacyShapeOf1635()
    {
        await _h.EnrollOtpAsync("legacy@example.com");

        var result = await _h.Client.LoginByEmailAsync("legacy@example.com",
            headers: new Dictionary<string, string> { ["x-authing-sdk-version"] = "js:4.23.55" });

        var message = result["errors"]![0]!["message"]!;
        Assert.Equal(1635, message["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(message["data"]!["mfaToken"]!.GetValue<string>()));
        Assert.Equal("OTP", message["data"]!["applicationMfa"]![0]!["mfaPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task TotpCompletesTheLoginWithASession()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("totp@example.com");
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var mfaToken = await _h.MfaTokenAsync("totp@example.com");

        var user = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) }),
            "verifyTotpMfa");

        Assert.Equal("totp@example.com", user["email"]!.GetValue<string>());
        var me = await _h.Client.PostAsync(Ops.User, token: user["token"]!.GetValue<string>());
        Assert.Equal("totp@example.com", GraphQLClient.Success(me, "user")["email"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public async Task OneStepOfDriftIsAcceptedTwoAreNot(int steps, bool accepted)
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("drift@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        var mfaToken = await _h.MfaTokenAsync("drift@example.com");

        var result = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now, steps) });

        if (accepted)
            GraphQLClient.Success(result, "verifyTotpMfa");
        else
            Assert.Equal(1637, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task AnAcceptedCodeIsRefusedWithinItsWindowAndSoIsAnOlderOne()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("replay@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        var code = Rfc6238.Code(secret, _h.Now);
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("replay@example.com"), c = code }), "verifyTotpMfa");

        var replay = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = await _h.MfaTokenAsync("replay@example.com"), c = code });
        var older = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("replay@example.com"), c = Rfc6238.Code(secret, _h.Now, -1) });

        Assert.Equal(1637, GraphQLClient.ErrorCode(replay));
        Assert.Equal(1637, GraphQLClient.ErrorCode(older));
        Assert.Contains("already been used", GraphQLClient.ErrorMessage(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("replay@example.com"), c = code }, headers: English)));
    }

    [Fact]
    public async Task EnrollingCodeCannotBeReplayedToPassTheChallenge()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("enrolcode@example.com");

        var result = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("enrolcode@example.com"), c = Rfc6238.Code(secret, _h.Now) });

        Assert.Equal(1637, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task MfaTokenIsSingleUse()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("single@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var mfaToken = await _h.MfaTokenAsync("single@example.com");
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) }),
            "verifyTotpMfa");

        var again = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now, 1) });

        Assert.Equal(1636, GraphQLClient.ErrorCode(again));
    }

    [Fact]
    public async Task MfaTokenExpiresAfterFiveMinutes()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("expiry@example.com");
        var mfaToken = await _h.MfaTokenAsync("expiry@example.com");

        _h.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var result = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) });

        Assert.Equal(1636, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task MfaTokenDiesAfterFiveWrongCodes()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("limit@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var mfaToken = await _h.MfaTokenAsync("limit@example.com");
        var wrong = MfaHarness.WrongCode(secret, _h.Now);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1637, GraphQLClient.ErrorCode(await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = wrong })));
            _h.Clock.Advance(TimeSpan.FromSeconds(10)); // past the user's backoff (2 s, 4 s, …): this is about the mfaToken's own limit
        }
        var right = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) });

        Assert.Equal(1636, GraphQLClient.ErrorCode(right));
    }

    [Fact]
    public async Task ForgedOrForeignMfaTokensAreRefused()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("forged@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var mfaToken = await _h.MfaTokenAsync("forged@example.com");
        var other = await _h.App.CreatePoolAsync();
        var code = Rfc6238.Code(secret, _h.Now);

        var tampered = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken[..^2] + "xx", c = code });
        var garbage = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = "not-a-token", c = code });
        var otherPool = await _h.App.CreateGraphQLClient(other.Pool.Id).PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = code });

        Assert.Equal(1636, GraphQLClient.ErrorCode(tampered));
        Assert.Equal(1636, GraphQLClient.ErrorCode(garbage));
        Assert.Equal(1636, GraphQLClient.ErrorCode(otherPool));
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = code }), "verifyTotpMfa");
    }

    [Fact]
    public async Task RecoveryCodeWorksOnceAndIsReplacedByTheOneReturned()
    {
        var (_, _, recovery, _) = await _h.EnrollOtpAsync("recover@example.com");

        var first = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyRecovery,
            new { t = await _h.MfaTokenAsync("recover@example.com"), c = recovery.ToUpperInvariant() }), "verifyRecoveryCode");
        var next = first["recoveryCode"]!.GetValue<string>();
        var reused = await _h.Client.PostAsync(MfaOps.VerifyRecovery, new { t = await _h.MfaTokenAsync("recover@example.com"), c = recovery });
        var second = await _h.Client.PostAsync(MfaOps.VerifyRecovery, new { t = await _h.MfaTokenAsync("recover@example.com"), c = next });

        Assert.False(string.IsNullOrEmpty(first["user"]!["token"]!.GetValue<string>()));
        Assert.NotEqual(recovery, next);
        Assert.Equal(1637, GraphQLClient.ErrorCode(reused));
        Assert.NotEqual(next, GraphQLClient.Success(second, "verifyRecoveryCode")["recoveryCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task UsersWithoutFactorsLogInAsBefore()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("plain@example.com");

        Assert.False(string.IsNullOrEmpty(token));
    }

    private static readonly Dictionary<string, string> English = new() { ["x-authing-lang"] = "en-US" };
}
