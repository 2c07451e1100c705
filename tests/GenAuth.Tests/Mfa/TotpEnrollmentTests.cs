using GenAuth.Core.Mfa;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Mfa;

/// <summary>Enrolling an authenticator app: the QR data, the enrolment token's rules, listing and removing factors.</summary>
public sealed class TotpEnrollmentTests : IDisposable
{
    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task OtpRequestAnswersTheOtpauthUriAPngQrCodeAndARecoveryCode()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("qr@example.com");

        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token),
            "sendEnrollFactorRequest");

        var otp = request["otpData"]!;
        var uri = otp["qrCodeUri"]!.GetValue<string>();
        Assert.Matches(@"^otpauth://totp/Default:qr%40example\.com\?secret=[A-Z2-7]{32}&period=30&digits=6&algorithm=SHA1&issuer=Default$", uri);
        var dataUrl = otp["qrCodeDataUrl"]!.GetValue<string>();
        Assert.StartsWith("data:image/png;base64,", dataUrl);
        var png = Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Matches("^([0-9a-f]{4}-){5}[0-9a-f]{4}$", otp["recoveryCode"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(request["enrollmentToken"]!.GetValue<string>()));
    }

    [Fact]
    public async Task EnrolledOtpIsListedAndNoLongerOfferedAndTheSecretIsSealedAtRest()
    {
        var (token, secret, recovery, _) = await _h.EnrollOtpAsync("list@example.com");

        var listed = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListEnrolled, token: token), "listEnrolledFactors");
        var toEnroll = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListToEnroll, token: token), "listFactorsToEnroll");
        var id = listed[0]!["factorId"]!.GetValue<string>();
        var one = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.GetFactor, new { id }, token), "getFactor");

        Assert.Equal("OTP", Assert.Single(listed.AsArray())!["factorType"]!.GetValue<string>());
        Assert.Equal(["SMS", "EMAIL"], toEnroll.AsArray().Select(f => f!["factorType"]!.GetValue<string>()));
        Assert.Equal(id, one["factorId"]!.GetValue<string>());
        var row = await _h.App.QueryDbAsync(db => db.MfaFactors.SingleAsync());
        Assert.Equal(12 + 16 + secret.Length, row.SecretSealed!.Length);
        Assert.False(row.SecretSealed.AsSpan().IndexOf(secret) >= 0, "the TOTP secret is stored in the clear");
        Assert.DoesNotContain(recovery, System.Text.Encoding.UTF8.GetString(row.RecoveryCodeHash!));
        Assert.True(await _h.App.QueryDbAsync(db => MfaGate.HasEnrolledFactorAsync(db, row.UserId, default)));
    }

    [Fact]
    public async Task AWrongCodeLeavesTheEnrollmentAFewTriesAndTheRightCodeSpendsIt()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("once@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token),
            "sendEnrollFactorRequest");
        var secret = Rfc6238.SecretOf(request["otpData"]!["qrCodeUri"]!.GetValue<string>());
        var enrollmentToken = request["enrollmentToken"]!.GetValue<string>();

        var wrong = await _h.Client.PostAsync(MfaOps.Enroll, new { token = enrollmentToken, passCode = MfaHarness.WrongCode(secret, _h.Now) }, token);
        var retry = await _h.Client.PostAsync(MfaOps.Enroll, new { token = enrollmentToken, passCode = Rfc6238.Code(secret, _h.Now) }, token);
        var again = await _h.Client.PostAsync(MfaOps.Enroll, new { token = enrollmentToken, passCode = Rfc6238.Code(secret, _h.Now) }, token);

        Assert.Equal(1637, GraphQLClient.ErrorCode(wrong));
        Assert.Equal("OTP", GraphQLClient.Success(retry, "enrollFactor")["factorType"]!.GetValue<string>());
        Assert.Equal(1644, GraphQLClient.ErrorCode(again));
        Assert.Single(GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListEnrolled, token: token), "listEnrolledFactors").AsArray());
    }

    [Fact]
    public async Task FiveWrongCodesKillTheEnrollmentEvenWhenSentAtOnce()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("five@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token),
            "sendEnrollFactorRequest");
        var secret = Rfc6238.SecretOf(request["otpData"]!["qrCodeUri"]!.GetValue<string>());
        var enrollmentToken = request["enrollmentToken"]!.GetValue<string>();
        var wrongCode = MfaHarness.WrongCode(secret, _h.Now);

        var wrongs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _h.Client.PostAsync(MfaOps.Enroll, new { token = enrollmentToken, passCode = wrongCode }, token)));
        var right = await _h.Client.PostAsync(MfaOps.Enroll, new { token = enrollmentToken, passCode = Rfc6238.Code(secret, _h.Now) }, token);

        // At most five were checked as codes; the rest found the enrolment dead.
        Assert.Equal(5, wrongs.Count(w => GraphQLClient.ErrorCode(w) == 1637));
        Assert.All(wrongs, w => Assert.Contains(GraphQLClient.ErrorCode(w), new[] { 1637, 1644 }));
        Assert.Equal(1644, GraphQLClient.ErrorCode(right));
        Assert.Empty(GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListEnrolled, token: token), "listEnrolledFactors").AsArray());
    }

    [Fact]
    public async Task EnrollmentTokenExpiresAfterSixtySeconds()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("late@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token),
            "sendEnrollFactorRequest");
        var secret = Rfc6238.SecretOf(request["otpData"]!["qrCodeUri"]!.GetValue<string>());

        _h.Clock.Advance(TimeSpan.FromSeconds(61));
        var result = await _h.Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = Rfc6238.Code(secret, _h.Now),
        }, token);

        Assert.Equal(1644, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task FaceIsRefusedAsNotSupported()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("face@example.com");

        var result = await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "FACE" }, token);

        Assert.Equal(1641, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task EnrollingNeedsALoggedInUser()
    {
        var result = await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" });

        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task ASecondOtpFactorIsRefused()
    {
        var (token, _, _, _) = await _h.EnrollOtpAsync("twice@example.com");

        var result = await _h.Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token);

        Assert.Equal(1642, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task ResetFactorNeedsALoginOfTheLastFiveMinutes()
    {
        var (token, secret, _, _) = await _h.EnrollOtpAsync("reset@example.com");
        var id = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListEnrolled, token: token), "listEnrolledFactors")[0]!
            ["factorId"]!.GetValue<string>();

        _h.Clock.Advance(TimeSpan.FromMinutes(6));
        var stale = await _h.Client.PostAsync(MfaOps.ResetFactor, new { id }, token);
        var mfaToken = await _h.MfaTokenAsync("reset@example.com");
        var fresh = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = mfaToken, c = Rfc6238.Code(secret, _h.Now) }), "verifyTotpMfa");

        Assert.Equal(1645, GraphQLClient.ErrorCode(stale));
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ResetFactor, new { id }, fresh["token"]!.GetValue<string>()), "resetFactor");
        GraphQLClient.Success(await _h.Client.LoginByEmailAsync("reset@example.com"), "loginByEmail");
    }
}
