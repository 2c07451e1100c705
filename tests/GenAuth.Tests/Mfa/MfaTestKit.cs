using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.Mfa;
using GenAuth.Core.Pools;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Mfa;

/// <summary>RFC 6238 / RFC 4648 written out in the test, so codes don't come from the server's own library.</summary>
public static class Rfc6238
{
    public static string Code(byte[] key, DateTimeOffset at, int stepOffset = 0) => CodeAtStep(key, Step(at) + stepOffset);

    public static long Step(DateTimeOffset at) => at.ToUnixTimeSeconds() / 30;

    public static string CodeAtStep(byte[] key, long step)
    {
        var counter = new byte[8];
        for (var i = 7; i >= 0; i--, step >>= 8)
            counter[i] = (byte)step;
        var h = HMACSHA1.HashData(key, counter);
        var o = h[^1] & 0x0f;
        var binary = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
        return (binary % 1_000_000).ToString("D6");
    }

    public static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }

    /// <summary>The secret= parameter of an otpauth:// URI.</summary>
    public static byte[] SecretOf(string otpauthUri)
    {
        var query = new Uri(otpauthUri).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        return Base32Decode(query["secret"]);
    }
}

/// <summary>Stands in for the verification-code service: remembers the code "sent" to each target.</summary>
public sealed class FakeMfaCodeSender : IMfaCodeSender
{
    private readonly ConcurrentDictionary<string, string> _codes = new();

    public int Sent { get; private set; }

    public string CodeFor(string target) => _codes[target];

    /// <summary>Whether a code was "sent" to the target (and not spent yet).</summary>
    public bool HasCode(string target) => _codes.ContainsKey(target);

    /// <summary>What the codes service's sendSmsCode / sendEmail(MFA_VERIFY) would do during a login challenge.</summary>
    public string Issue(string target) => _codes[target] = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");

    public Task SendAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? lang, CancellationToken ct)
    {
        Sent++;
        Issue(target);
        return Task.CompletedTask;
    }

    public Task VerifyAsync(UserPool pool, string factorType, string target, string? phoneCountryCode, MfaCodePurpose purpose,
        string? code, CancellationToken ct)
    {
        if (!_codes.TryGetValue(target, out var expected) || expected != code || !_codes.TryRemove(target, out _))
            throw new GenAuthException(ErrorCodes.WrongCode);
        return Task.CompletedTask;
    }
}

public static class MfaOps
{
    public const string SendEnroll = """
        mutation($factorType: FactorType!, $profile: FactorProfileInput) {
          sendEnrollFactorRequest(factorType: $factorType, profile: $profile) {
            enrollmentToken otpData { qrCodeUri qrCodeDataUrl recoveryCode } } }
        """;
    public const string Enroll = """
        mutation($token: String!, $passCode: String) {
          enrollFactor(enrollmentToken: $token, enrollmentData: { passCode: $passCode }) {
            factorId factorType createdAt profile { phoneNumber phoneCountryCode email } } }
        """;
    public const string ResetFactor = "mutation($id: String!) { resetFactor(factorId: $id) { code message } }";
    public const string ListEnrolled = "{ listEnrolledFactors { factorId factorType profile { phoneNumber email } } }";
    public const string ListToEnroll = "{ listFactorsToEnroll { factorType } }";
    public const string GetFactor = "query($id: String!) { getFactor(factorId: $id) { factorId factorType } }";
    public const string VerifyTotp = "mutation($t: String!, $c: String!) { verifyTotpMfa(mfaToken: $t, totp: $c) { " + Ops.UserFields + " } }";
    public const string VerifySms = "mutation($t: String!, $p: String, $c: String!) { verifySmsMfa(mfaToken: $t, phone: $p, code: $c) { " + Ops.UserFields + " } }";
    public const string VerifyEmail = "mutation($t: String!, $e: String, $c: String!) { verifyEmailMfa(mfaToken: $t, email: $e, code: $c) { " + Ops.UserFields + " } }";
    public const string VerifyRecovery = "mutation($t: String!, $c: String!) { verifyRecoveryCode(mfaToken: $t, recoveryCode: $c) { recoveryCode user { " + Ops.UserFields + " } } }";
}

/// <summary>An app with a clock the test moves, the fake code sender, and the enrolment steps the tests share.</summary>
public sealed class MfaHarness : IDisposable
{
    public MfaHarness()
    {
        // Start a few seconds into a 30 s step, so "one step later" is never ambiguous.
        Clock = new TestClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 * 30 + 5));
        App = new GenAuthApp(services: s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddSingleton(Codes);
            s.AddScoped<IMfaCodeSender>(sp => sp.GetRequiredService<FakeMfaCodeSender>());
        });
        Client = App.CreateGraphQLClient();
    }

    public TestClock Clock { get; }
    public FakeMfaCodeSender Codes { get; } = new();
    public GenAuthApp App { get; }
    public GraphQLClient Client { get; }

    public void Dispose() => App.Dispose();

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Registers and logs in a user, enrols OTP with a code computed here; returns the secret and recovery code.</summary>
    public async Task<(string Token, byte[] Secret, string Recovery, JsonNode OtpData)> EnrollOtpAsync(string email)
    {
        var (_, token) = await Client.RegisterAndLoginAsync(email);
        var request = GraphQLClient.Success(await Client.PostAsync(MfaOps.SendEnroll, new { factorType = "OTP" }, token),
            "sendEnrollFactorRequest");
        var otp = request["otpData"]!;
        var secret = Rfc6238.SecretOf(otp["qrCodeUri"]!.GetValue<string>());
        GraphQLClient.Success(await Client.PostAsync(MfaOps.Enroll, new
        {
            token = request["enrollmentToken"]!.GetValue<string>(), passCode = Rfc6238.Code(secret, Now),
        }, token), "enrollFactor");
        return (token, secret, otp["recoveryCode"]!.GetValue<string>(), otp);
    }

    /// <summary>A password login that must stop at MFA: the 1635 error's data.</summary>
    public async Task<JsonNode> ChallengeAsync(string email)
    {
        var result = await Client.LoginByEmailAsync(email);
        Assert.Equal(1635, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["loginByEmail"]);
        return result["errors"]![0]!["extensions"]!["data"]!;
    }

    /// <summary>Six digits that are no valid code within three steps of now.</summary>
    public static string WrongCode(byte[] secret, DateTimeOffset now)
    {
        var near = Enumerable.Range(-3, 7).Select(i => Rfc6238.Code(secret, now, i)).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6")).First(c => !near.Contains(c));
    }

    public async Task<string> MfaTokenAsync(string email) =>
        (await ChallengeAsync(email))["mfaToken"]!.GetValue<string>();
}
