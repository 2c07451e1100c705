using System.Text;
using GenAuth.Tests.Codes;

namespace GenAuth.Tests.Mfa;

/// <summary>
/// Abuse: removing an SMS or email factor needs a code sent to it. One GraphQL document with many aliased
/// <c>resetFactor</c> fields (each a guess) must not give more guesses than separate requests would: the code's tries
/// are counted on the code itself, atomically, so the right code after the limit is refused and the factor stays.
/// </summary>
public sealed class AliasedFactorRemovalTests(CodesServer server) : IClassFixture<CodesServer>
{
    private const string SendEnroll = """
        mutation($p: FactorProfileInput) { sendEnrollFactorRequest(factorType: EMAIL, profile: $p) { enrollmentToken } }
        """;
    private const string Enroll = """
        mutation($t: String!, $c: String!) { enrollFactor(enrollmentToken: $t, enrollmentData: { passCode: $c }) { factorId } }
        """;
    private const string SendEmail = "mutation($email: String!) { sendEmail(email: $email, scene: MFA_VERIFY) { code } }";

    [Fact]
    public async Task Aliased_resetFactor_guesses_in_one_document_share_the_codes_tries_and_remove_nothing()
    {
        var email = GqlResult.Email("alias");
        var second = GqlResult.Email("second");
        var sent = await server.GqlAsync("mutation($email: String!) { sendEmail(email: $email, scene: VERIFY_CODE) { code } }", new { email });
        Assert.Equal(200, sent.Data("sendEmail").GetProperty("code").GetInt32());
        var registered = await server.RestAsync(HttpMethod.Post, "/api/v2/register/email-code",
            new { email, code = server.Smtp!.LastCode(email), generateToken = true });
        var token = registered.GetProperty("data").GetProperty("token").GetString()!;

        var enrollment = (await server.GqlAsync(SendEnroll, new { p = new { email = second } }, token))
            .Data("sendEnrollFactorRequest").GetProperty("enrollmentToken").GetString();
        var factorId = (await server.GqlAsync(Enroll, new { t = enrollment, c = server.Smtp.LastCode(second) }, token))
            .Data("enrollFactor").GetProperty("factorId").GetString()!;

        // A removal code is sent to the factor's address; the attacker holds only the session.
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(200, (await server.GqlAsync(SendEmail, new { email = second })).Data("sendEmail").GetProperty("code").GetInt32());
        var right = server.Smtp.LastCode(second);

        // Nine guesses and, last, the right code, as aliases of one mutation document (executed in order).
        var document = new StringBuilder("mutation($id: String!) {");
        for (var i = 0; i < 9; i++)
            document.Append($" g{i}: resetFactor(factorId: $id, passCode: \"{(int.Parse(right) + 1 + i) % 1_000_000:D6}\") {{ code }}");
        document.Append($" last: resetFactor(factorId: $id, passCode: \"{right}\") {{ code }} }}");
        var result = await server.GqlAsync(document.ToString(), new { id = factorId }, token);

        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(10, errors.Count);
        Assert.All(errors, e => Assert.Equal(2001, e.GetProperty("extensions").GetProperty("code").GetInt32()));
        var last = errors.Single(e => e.GetProperty("path")[0].GetString() == "last");
        Assert.Contains("Too many", last.GetProperty("message").GetString());

        // The factor stays, and the right code is spent for good: alone, in its own request, it is refused too.
        var again = await server.GqlAsync("mutation($id: String!, $c: String) { resetFactor(factorId: $id, passCode: $c) { code } }",
            new { id = factorId, c = right }, token);
        Assert.Equal(2001, again.Code());
        var factors = await server.GqlAsync("{ user { id } }", token: token);
        Assert.Equal(200, factors.Code());
        var count = 0;
        await server.WithDbAsync(async db => count = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.MfaFactors, f => f.Id == factorId));
        Assert.Equal(1, count);
    }
}
