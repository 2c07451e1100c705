using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Mfa;

/// <summary>A pool or app that requires MFA: a user without a factor enrols one with the mfaToken, which ends the login.</summary>
public sealed class RequiredMfaTests : IDisposable
{
    private const string SendEnroll = """
        mutation($t: String, $factorType: FactorType!, $profile: FactorProfileInput) {
          sendEnrollFactorRequest(mfaToken: $t, factorType: $factorType, profile: $profile) {
            enrollmentToken otpData { qrCodeUri recoveryCode } } }
        """;
    private const string Enroll = """
        mutation($t: String, $token: String!, $passCode: String) {
          enrollFactor(mfaToken: $t, enrollmentToken: $token, enrollmentData: { passCode: $passCode }) {
            factorId factorType user { id email token } } }
        """;

    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task PoolRequiringMfaStopsAUserWithoutFactorsWithNeedEnroll()
    {
        await _h.Client.RegisterAndLoginAsync("need@example.com");
        await RequireAsync(pool: true);
        var sessionsBefore = await _h.App.QueryDbAsync(db => db.Sessions.CountAsync());

        var data = await _h.ChallengeAsync("need@example.com");

        Assert.False(string.IsNullOrEmpty(data["mfaToken"]!.GetValue<string>()));
        Assert.True(data["needEnroll"]!.GetValue<bool>());
        Assert.Empty(data["enrolledFactors"]!.AsArray());
        Assert.Equal(["OTP", "SMS", "EMAIL"], data["factorsToEnroll"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(sessionsBefore, await _h.App.QueryDbAsync(db => db.Sessions.CountAsync()));
    }

    [Fact]
    public async Task EnrollingOtpWithTheMfaTokenCompletesTheLogin()
    {
        var (userId, _) = await _h.Client.RegisterAndLoginAsync("otp@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("otp@example.com");

        var enrolled = await EnrollOtpAsync(mfaToken);

        Assert.Equal("OTP", enrolled["factorType"]!.GetValue<string>());
        var token = enrolled["user"]!["token"]!.GetValue<string>();
        var me = GraphQLClient.Success(await _h.Client.PostAsync("{ user { id } }", token: token), "user");
        Assert.Equal(userId, me["id"]!.GetValue<string>());
        // From now on the login asks for the enrolled factor, like any user with one.
        var next = await _h.ChallengeAsync("otp@example.com");
        Assert.False(next["needEnroll"]!.GetValue<bool>());
        Assert.Equal(["OTP"], next["enrolledFactors"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task TheMfaTokenCannotBeReusedAfterEnrolling()
    {
        await _h.Client.RegisterAndLoginAsync("reuse@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("reuse@example.com");
        await EnrollOtpAsync(mfaToken);

        var again = await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "EMAIL", profile = new { email = "reuse@example.com" } });
        var verify = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = "123456" });

        Assert.Equal(1636, GraphQLClient.ErrorCode(again));
        Assert.Equal(1636, GraphQLClient.ErrorCode(verify));
    }

    [Fact]
    public async Task EnrollingEmailWithTheMfaTokenCompletesTheLogin()
    {
        await _h.Client.RegisterAndLoginAsync("mail@example.com");
        await VerifyContactsAsync("mail@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("mail@example.com");

        var request = GraphQLClient.Success(await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "EMAIL", profile = new { email = "mail@example.com" } }), "sendEnrollFactorRequest");
        var enrolled = GraphQLClient.Success(await _h.Client.PostAsync(Enroll, new
        {
            t = mfaToken, token = request["enrollmentToken"]!.GetValue<string>(), passCode = _h.Codes.CodeFor("mail@example.com"),
        }), "enrollFactor");

        Assert.Equal("mail@example.com", enrolled["user"]!["email"]!.GetValue<string>());
        Assert.Equal(3, enrolled["user"]!["token"]!.GetValue<string>().Split('.').Length);
    }

    [Fact]
    public async Task AnEmailFactorEnrolledWithTheMfaTokenGoesOnlyToTheAccountsVerifiedEmail()
    {
        await _h.Client.RegisterAndLoginAsync("owner@example.com");
        await VerifyContactsAsync("owner@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("owner@example.com");

        // Only the password is known: the code must not reach an address the caller picks.
        var elsewhere = await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "EMAIL", profile = new { email = "attacker@example.com" } });
        Assert.Equal(1646, GraphQLClient.ErrorCode(elsewhere));
        Assert.False(_h.Codes.HasCode("attacker@example.com"));
        Assert.Equal(0, await _h.App.QueryDbAsync(db => db.MfaEnrollments.CountAsync()));

        // No address given: the account's own verified email; the same one written differently is that one too.
        var own = GraphQLClient.Success(await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "EMAIL" }),
            "sendEnrollFactorRequest");
        Assert.False(string.IsNullOrEmpty(own["enrollmentToken"]!.GetValue<string>()));
        Assert.True(_h.Codes.HasCode("owner@example.com"));
        Assert.Equal("owner@example.com", await _h.App.QueryDbAsync(db => db.MfaEnrollments.Select(e => e.Target).SingleAsync()));
    }

    [Fact]
    public async Task AnSmsOrEmailFactorNeedsAVerifiedTargetOnTheAccountWhenEnrolledWithTheMfaToken()
    {
        await _h.Client.RegisterAndLoginAsync("unverified@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("unverified@example.com");

        var email = await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "EMAIL", profile = new { email = "unverified@example.com" } });
        var sms = await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "SMS", profile = new { phoneNumber = "+8613800138000" } });

        // The account's email is not verified and it has no phone: neither factor can be enrolled this way (TOTP still can).
        Assert.Equal(1641, GraphQLClient.ErrorCode(email));
        Assert.Equal(1641, GraphQLClient.ErrorCode(sms));
        Assert.False(_h.Codes.HasCode("unverified@example.com"));
        Assert.False(_h.Codes.HasCode("+8613800138000"));
        Assert.NotNull(GraphQLClient.Success(await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "OTP" }),
            "sendEnrollFactorRequest")["otpData"]);
    }

    [Fact]
    public async Task AnSmsFactorEnrolledWithTheMfaTokenGoesOnlyToTheAccountsVerifiedPhone()
    {
        await _h.Client.RegisterAndLoginAsync("phone@example.com");
        await VerifyContactsAsync("phone@example.com", phone: "+8613800138000");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("phone@example.com");

        var elsewhere = await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "SMS", profile = new { phoneNumber = "+8613900139000" } });
        var own = await _h.Client.PostAsync(SendEnroll,
            new { t = mfaToken, factorType = "SMS", profile = new { phoneNumber = "+8613800138000" } });

        Assert.Equal(1646, GraphQLClient.ErrorCode(elsewhere));
        Assert.False(_h.Codes.HasCode("+8613900139000"));
        GraphQLClient.Success(own, "sendEnrollFactorRequest");
        Assert.True(_h.Codes.HasCode("+8613800138000"));
    }

    [Fact]
    public async Task WrongEnrolmentCodesCountTowardTheFiveFailureLimit()
    {
        await _h.Client.RegisterAndLoginAsync("limit@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("limit@example.com");

        for (var i = 0; i < 5; i++)
        {
            var (enrollmentToken, secret) = await RequestOtpAsync(mfaToken);
            var wrong = await _h.Client.PostAsync(Enroll, new { t = mfaToken, token = enrollmentToken, passCode = MfaHarness.WrongCode(secret, _h.Now) });
            Assert.Equal(1637, GraphQLClient.ErrorCode(wrong));
            _h.Clock.Advance(TimeSpan.FromSeconds(10)); // past the user's second-factor backoff (2 s, 4 s, …), within the mfaToken's life
        }
        var sixth = await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "OTP" });

        Assert.Equal(1636, GraphQLClient.ErrorCode(sixth));
        Assert.Equal(0, await _h.App.QueryDbAsync(db => db.MfaFactors.CountAsync()));
    }

    [Fact]
    public async Task AUserWithAFactorCannotEnrolAnotherWithTheMfaToken()
    {
        await _h.EnrollOtpAsync("has@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("has@example.com");

        var result = await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "EMAIL", profile = new { email = "has@example.com" } });

        Assert.Equal(1647, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task AnAppRequirementAppliesOnlyToLoginsThroughThatApp()
    {
        await _h.Client.RegisterAndLoginAsync("app@example.com");
        await RequireAsync(app: true);
        var viaApp = new Dictionary<string, string> { ["x-authing-app-id"] = _h.App.AppId };

        var poolLogin = await _h.Client.LoginByEmailAsync("app@example.com");
        var appLogin = await _h.Client.LoginByEmailAsync("app@example.com", headers: viaApp);

        Assert.False(string.IsNullOrEmpty(GraphQLClient.Success(poolLogin, "loginByEmail")["token"]!.GetValue<string>()));
        Assert.Equal(1635, GraphQLClient.ErrorCode(appLogin));
        var data = appLogin["errors"]![0]!["extensions"]!["data"]!;
        Assert.True(data["needEnroll"]!.GetValue<bool>());
        // The mfaToken is bound to the app's login: used without the app it is refused.
        var mfaToken = data["mfaToken"]!.GetValue<string>();
        Assert.Equal(1636, GraphQLClient.ErrorCode(await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "OTP" })));
        var request = GraphQLClient.Success(await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "OTP" }, headers: viaApp),
            "sendEnrollFactorRequest");
        Assert.NotNull(request["otpData"]);
    }

    [Fact]
    public async Task WithoutARequirementAUserWithoutFactorsLogsInAsBefore()
    {
        await _h.Client.RegisterByEmailAsync("plain@example.com");

        var user = GraphQLClient.Success(await _h.Client.LoginByEmailAsync("plain@example.com"), "loginByEmail");

        Assert.Equal(3, user["token"]!.GetValue<string>().Split('.').Length);
    }

    [Fact]
    public async Task SdkRestAssociateAndConfirmWithTheMfaTokenAnswerTheUserWithToken()
    {
        await _h.Client.RegisterAndLoginAsync("sdk@example.com");
        await RequireAsync(pool: true);
        var mfaToken = await _h.MfaTokenAsync("sdk@example.com");

        var association = await RestAsync("/api/v2/mfa/totp/associate", mfaToken, new { authenticator_type = "totp", source = "APPLICATION" });
        var secret = Rfc6238.SecretOf(association["data"]!["qrcode_uri"]!.GetValue<string>());
        var confirmed = await RestAsync("/api/v2/mfa/totp/associate/confirm", mfaToken,
            new { authenticator_type = "totp", totp = Rfc6238.Code(secret, _h.Now), source = "APPLICATION" });
        var reused = await RestAsync("/api/v2/mfa/totp/associate", mfaToken, new { authenticator_type = "totp", source = "APPLICATION" });

        Assert.True(confirmed["code"]!.GetValue<int>() == 200, confirmed.ToJsonString());
        Assert.Equal("sdk@example.com", confirmed["data"]!["email"]!.GetValue<string>());
        var me = await _h.Client.PostAsync("{ user { email } }", token: confirmed["data"]!["token"]!.GetValue<string>());
        Assert.Equal("sdk@example.com", GraphQLClient.Success(me, "user")["email"]!.GetValue<string>());
        Assert.Equal(1636, reused["code"]!.GetValue<int>());
    }

    private async Task VerifyContactsAsync(string email, string? phone = null)
    {
        await using var scope = _h.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        await db.Users.IgnoreQueryFilters().Where(u => u.Email == email).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailVerified, true)
            .SetProperty(u => u.Phone, u => phone ?? u.Phone).SetProperty(u => u.PhoneVerified, phone != null));
    }

    private async Task RequireAsync(bool pool = false, bool app = false)
    {
        await using var scope = _h.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        await db.UserPools.Where(p => p.Id == _h.App.UserPoolId).ExecuteUpdateAsync(s => s.SetProperty(p => p.MfaRequired, pool));
        await db.Applications.IgnoreQueryFilters().Where(a => a.Id == _h.App.AppId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.MfaRequired, app));
        var directory = scope.ServiceProvider.GetRequiredService<PoolDirectory>();
        directory.Forget(_h.App.UserPoolId);
        directory.ForgetApp(_h.App.AppId);
    }

    private async Task<(string EnrollmentToken, byte[] Secret)> RequestOtpAsync(string mfaToken)
    {
        var request = GraphQLClient.Success(await _h.Client.PostAsync(SendEnroll, new { t = mfaToken, factorType = "OTP" }),
            "sendEnrollFactorRequest");
        return (request["enrollmentToken"]!.GetValue<string>(), Rfc6238.SecretOf(request["otpData"]!["qrCodeUri"]!.GetValue<string>()));
    }

    private async Task<JsonNode> EnrollOtpAsync(string mfaToken)
    {
        var (enrollmentToken, secret) = await RequestOtpAsync(mfaToken);
        return GraphQLClient.Success(await _h.Client.PostAsync(Enroll,
            new { t = mfaToken, token = enrollmentToken, passCode = Rfc6238.Code(secret, _h.Now) }), "enrollFactor");
    }

    private async Task<JsonNode> RestAsync(string path, string bearer, object body)
    {
        using var request = _h.Client.NewRequest(HttpMethod.Post, path, bearer);
        request.Content = JsonContent.Create(body);
        using var response = await _h.Client.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }
}
