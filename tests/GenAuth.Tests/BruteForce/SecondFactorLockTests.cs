using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Mfa;

namespace GenAuth.Tests.BruteForce;

/// <summary>
/// Issue 10, hole 2: the 5-try limit was per mfaToken and a right password reset the account's failures, so fresh
/// mfaTokens gave unlimited TOTP guesses. Failures now count per user across every mfaToken, with backoff and a lock.
/// </summary>
public sealed class SecondFactorLockTests : IDisposable
{
    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static int RetryAfter(JsonNode result) =>
        result["errors"]![0]!["extensions"]!["data"]!["retryAfter"]!.GetValue<int>();

    private string[] Outbox() =>
        File.Exists(Path.Combine(_h.App.DataDirectory, "outbox.jsonl"))
            ? File.ReadAllLines(Path.Combine(_h.App.DataDirectory, "outbox.jsonl"))
            : [];

    [Fact]
    public async Task TenFreshMfaTokensWithFiveGuessesEachLockTheSecondFactorAfterTenWrongCodes()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("victim@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));

        var wrongAnswers = 0;
        var refusedLocked = 0;
        for (var t = 0; t < 10; t++)
        {
            var mfaToken = await _h.MfaTokenAsync("victim@example.com");
            for (var g = 0; g < 5; g++)
            {
                var result = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = MfaHarness.WrongCode(secret, _h.Now) });
                var code = GraphQLClient.ErrorCode(result);
                if (code == 1648 && RetryAfter(result) <= 120)
                {
                    // Backoff: the attacker waits it out and guesses again (the wait is not a guess).
                    _h.Clock.Advance(TimeSpan.FromSeconds(RetryAfter(result)));
                    result = await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = MfaHarness.WrongCode(secret, _h.Now) });
                    code = GraphQLClient.ErrorCode(result);
                }
                if (code == 1637)
                    wrongAnswers++;
                else if (code == 1648)
                    refusedLocked++;
                else
                    Assert.Equal(1636, code); // this mfaToken had its 5 tries
            }
        }

        Assert.Equal(10, wrongAnswers);
        Assert.True(refusedLocked >= 35, $"only {refusedLocked} guesses were refused by the lock");

        // Locked: the right code is refused too, on a fresh mfaToken.
        var right = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("victim@example.com"), c = Rfc6238.Code(secret, _h.Now) });
        Assert.Equal(1648, GraphQLClient.ErrorCode(right));
        Assert.InRange(RetryAfter(right), 1, 900);

        // The user was told once, without any code.
        var notices = Outbox().Where(l => l.Contains("MFA_LOCKED")).ToList();
        var notice = Assert.Single(notices);
        var mail = JsonDocument.Parse(notice).RootElement;
        Assert.Equal("victim@example.com", mail.GetProperty("to").GetString());
        Assert.DoesNotContain(Rfc6238.Code(secret, _h.Now), mail.GetProperty("text").GetString());

        // The lock lifts after its time: the right code works again.
        _h.Clock.Advance(TimeSpan.FromSeconds(901));
        var after = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("victim@example.com"), c = Rfc6238.Code(secret, _h.Now) });
        Assert.Equal("victim@example.com", GraphQLClient.Success(after, "verifyTotpMfa")["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongRecoveryCodesAndWrongTotpCodesShareOneCount()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("mixed@example.com");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 10; i++)
        {
            var mfaToken = await _h.MfaTokenAsync("mixed@example.com");
            var result = i % 2 == 0
                ? await _h.Client.PostAsync(MfaOps.VerifyRecovery, new { t = mfaToken, c = "not-the-recovery-code" })
                : await _h.Client.PostAsync(MfaOps.VerifyTotp, new { t = mfaToken, c = MfaHarness.WrongCode(secret, _h.Now) });
            Assert.Equal(1637, GraphQLClient.ErrorCode(result));
            _h.Clock.Advance(TimeSpan.FromSeconds(70)); // past any backoff wait, well within the 15-minute window
        }

        var right = await _h.Client.PostAsync(MfaOps.VerifyTotp,
            new { t = await _h.MfaTokenAsync("mixed@example.com"), c = Rfc6238.Code(secret, _h.Now) });
        Assert.Equal(1648, GraphQLClient.ErrorCode(right));
    }

    [Fact]
    public async Task ARightPasswordWhileTheSecondFactorIsOpenDoesNotClearThePasswordFailures()
    {
        await _h.EnrollOtpAsync("pw@example.com");
        for (var i = 0; i < 5; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await _h.Client.LoginByEmailAsync("pw@example.com", "wrong-password-1")));
        await _h.ChallengeAsync("pw@example.com"); // right password: stops at the second factor (1635)

        // The sixth failure is past the allowance of five: had the right password cleared the count, it would be the first.
        Assert.Equal(2333, GraphQLClient.ErrorCode(await _h.Client.LoginByEmailAsync("pw@example.com", "wrong-password-1")));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await _h.Client.LoginByEmailAsync("pw@example.com")));
    }
}
