using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Mfa;

/// <summary>
/// SMS and email factors over the code-sending seam (IMfaCodeSender). The verification-code service itself is issue 3's;
/// here a stand-in records the codes, so these tests are about enrolment and the login challenge.
/// </summary>
public sealed class CodeFactorTests : IDisposable
{
    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task SmsFactorEnrolsWithTheSentCodeAndAnswersTheChallenge()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("sms@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll,
            new { factorType = "SMS", profile = new { phoneNumber = "188 0000 8888", phoneCountryCode = "+86" } }, token), "sendEnrollFactorRequest");
        Assert.Null(request["otpData"]);
        var factor = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = _h.Codes.CodeFor("+8618800008888"),
        }, token), "enrollFactor");
        Assert.Equal("18800008888", factor["profile"]!["phoneNumber"]!.GetValue<string>());

        var challenge = await _h.ChallengeAsync("sms@example.com");
        Assert.Equal("18800008888", challenge["phone"]!.GetValue<string>());
        var code = _h.Codes.Issue("+8618800008888");
        var elsewhere = await _h.Client.PostAsync(MfaOps.VerifySms, new { t = challenge["mfaToken"]!.GetValue<string>(), p = "13900000000", c = code });
        var user = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.VerifySms,
            new { t = challenge["mfaToken"]!.GetValue<string>(), p = "18800008888", c = code }), "verifySmsMfa");

        Assert.Equal(1646, GraphQLClient.ErrorCode(elsewhere));
        Assert.Equal("sms@example.com", user["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemovingAnSmsFactorTakesACodeSentToThatFactor()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("unbind@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll,
            new { factorType = "SMS", profile = new { phoneNumber = "188 0000 7777", phoneCountryCode = "+86" } }, token), "sendEnrollFactorRequest");
        var factorId = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = _h.Codes.CodeFor("+8618800007777"),
        }, token), "enrollFactor")["factorId"]!.GetValue<string>();
        const string reset = "mutation($id: String!, $c: String) { resetFactor(factorId: $id, passCode: $c) { code } }";

        // A session alone (stolen, or left open) can't strip the factor: no code, or a code to another phone, removes nothing.
        var bare = await _h.Client.PostAsync(reset, new { id = factorId }, token);
        var elsewhere = await _h.Client.PostAsync(reset, new { id = factorId, c = _h.Codes.Issue("+8613900000000") }, token);
        var guessed = await _h.Client.PostAsync(reset, new { id = factorId, c = "000000" }, token);
        Assert.Equal(2001, GraphQLClient.ErrorCode(bare));
        Assert.Equal(2001, GraphQLClient.ErrorCode(elsewhere));
        Assert.Equal(2001, GraphQLClient.ErrorCode(guessed));
        Assert.Equal(1, await _h.App.QueryDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.MfaFactors)));

        // The code sent to the factor's own phone removes it, once.
        var sent = _h.Codes.Sent;
        GraphQLClient.Success(await _h.Client.PostAsync(reset, new { id = factorId, c = _h.Codes.Issue("+8618800007777") }, token), "resetFactor");
        Assert.Equal(0, await _h.App.QueryDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.MfaFactors)));
        Assert.Equal(sent, _h.Codes.Sent);
    }

    [Fact]
    public async Task EmailFactorEnrolsAndAWrongCodeCountsAgainstTheMfaToken()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("mail@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll,
            new { factorType = "EMAIL", profile = new { email = "Second@Example.com" } }, token), "sendEnrollFactorRequest");
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = _h.Codes.CodeFor("second@example.com"),
        }, token), "enrollFactor");

        var mfaToken = await _h.MfaTokenAsync("mail@example.com");
        for (var i = 0; i < 5; i++)
        {
            _h.Codes.Issue("second@example.com");
            Assert.Equal(2001, GraphQLClient.ErrorCode(await _h.Client.PostAsync(MfaOps.VerifyEmail,
                new { t = mfaToken, e = "second@example.com", c = "x" })));
            _h.Clock.Advance(TimeSpan.FromSeconds(10)); // past the user's backoff (2 s, 4 s, …): this is about the mfaToken's own limit
        }
        var late = await _h.Client.PostAsync(MfaOps.VerifyEmail,
            new { t = mfaToken, e = "second@example.com", c = _h.Codes.Issue("second@example.com") });
        var fresh = await _h.Client.PostAsync(MfaOps.VerifyEmail,
            new { t = await _h.MfaTokenAsync("mail@example.com"), e = "second@example.com", c = _h.Codes.CodeFor("second@example.com") });

        Assert.Equal(1636, GraphQLClient.ErrorCode(late));
        Assert.Equal("mail@example.com", GraphQLClient.Success(fresh, "verifyEmailMfa")["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEnrolledSmsFactorIsNoLongerOfferedAndTotpCannotAnswerForIt()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("only-sms@example.com");
        var request = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.SendEnroll,
            new { factorType = "SMS", profile = new { phoneNumber = "13700000001" } }, token), "sendEnrollFactorRequest");
        GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = _h.Codes.CodeFor("+8613700000001"),
        }, token), "enrollFactor");

        var toEnroll = GraphQLClient.Success(await _h.Client.PostAsync(MfaOps.ListToEnroll, token: token), "listFactorsToEnroll");
        var totp = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = await _h.MfaTokenAsync("only-sms@example.com"), c = "123456" });

        Assert.Equal(["OTP", "EMAIL"], toEnroll.AsArray().Select(f => f!["factorType"]!.GetValue<string>()));
        Assert.Equal(1643, GraphQLClient.ErrorCode(totp));
    }
}
