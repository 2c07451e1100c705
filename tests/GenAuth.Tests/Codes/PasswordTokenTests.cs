using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Codes;

/// <summary>First-login and force-reset tokens, and the pool's "email must be verified to log in".</summary>
public sealed class PasswordTokenTests(CodesServer server) : IClassFixture<CodesServer>
{
    private const string Password = "correct horse battery";
    private const string LoginByEmail = "mutation($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }";

    private async Task<string> RegisterAsync(string email)
    {
        var user = (await server.GqlAsync("mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { id } }",
            new { i = new { email, password = Password } })).Data("registerByEmail");
        return user.GetProperty("id").GetString()!;
    }

    private Task SetUserAsync(string id, Action<Core.Users.User> change) => server.WithDbAsync(async db =>
    {
        change(await db.Users.SingleAsync(u => u.Id == id));
        await db.SaveChangesAsync();
    });

    private static string TokenOf(JsonElement result) =>
        result.GetProperty("errors")[0].GetProperty("extensions").GetProperty("data").GetProperty("token").GetString()!;

    [Fact]
    public async Task A_user_created_with_reset_on_first_login_gets_a_token_instead_of_a_session_and_sets_a_password_with_it()
    {
        var email = GqlResult.Email("first");
        var id = await RegisterAsync(email);
        await SetUserAsync(id, u => u.ResetPasswordOnFirstLogin = true);

        var first = await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } });
        Assert.Equal(1639, first.Code());
        var token = TokenOf(first);

        Assert.Equal(2040, (await server.GqlAsync("mutation($t: String!, $p: String!) { resetPasswordByFirstLoginToken(token: $t, password: $p) { code } }",
            new { t = token, p = "short" })).Code());
        var reset = await server.GqlAsync("mutation($t: String!, $p: String!) { resetPasswordByFirstLoginToken(token: $t, password: $p) { code message } }",
            new { t = token, p = "a brand new passphrase" });
        Assert.Equal(200, reset.Data("resetPasswordByFirstLoginToken").GetProperty("code").GetInt32());
        Assert.Equal(2065, (await server.GqlAsync("mutation($t: String!, $p: String!) { resetPasswordByFirstLoginToken(token: $t, password: $p) { code } }",
            new { t = token, p = "another new passphrase" })).Code());

        (await server.GqlAsync(LoginByEmail, new { input = new { email, password = "a brand new passphrase" } })).Data("loginByEmail");
    }

    [Fact]
    public async Task A_force_reset_token_needs_the_old_password_and_expires()
    {
        var email = GqlResult.Email("force");
        var id = await RegisterAsync(email);
        await SetUserAsync(id, u => u.ForcePasswordReset = true);
        const string Reset = "mutation($t: String!, $o: String!, $n: String!) { resetPasswordByForceResetToken(token: $t, oldPassword: $o, newPassword: $n) { code } }";

        var expired = await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } });
        Assert.Equal(2080, expired.Code());
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(2065, (await server.GqlAsync(Reset, new { t = TokenOf(expired), o = Password, n = "a brand new passphrase" })).Code());

        var guessed = await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } });
        Assert.Equal(1320011, (await server.GqlAsync(Reset, new { t = TokenOf(guessed), o = "not the old password", n = "a brand new passphrase" })).Code());
        Assert.Equal(2333, (await server.GqlAsync(LoginByEmail, new { input = new { email, password = "a brand new passphrase" } })).Code());
        // Note: the token is spent by any attempt, a wrong old password included; logging in again gives a new one.
        Assert.Equal(2065, (await server.GqlAsync(Reset, new { t = TokenOf(guessed), o = Password, n = "a brand new passphrase" })).Code());

        var login = await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } });
        var ok = await server.GqlAsync(Reset, new { t = TokenOf(login), o = Password, n = "a brand new passphrase" });
        Assert.Equal(200, ok.Data("resetPasswordByForceResetToken").GetProperty("code").GetInt32());
        (await server.GqlAsync(LoginByEmail, new { input = new { email, password = "a brand new passphrase" } })).Data("loginByEmail");
    }

    [Fact]
    public async Task A_pool_requiring_verified_emails_refuses_unverified_logins_until_an_email_code_proves_the_address()
    {
        var email = GqlResult.Email("verify");
        await RegisterAsync(email);
        await server.UpdatePoolAsync(p => p.LoginRequireEmailVerified = true);
        try
        {
            Assert.Equal(2062, (await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } })).Code());
            server.Clock.Advance(TimeSpan.FromSeconds(61));
            await server.GqlAsync("mutation($e: String!) { sendEmail(email: $e, scene: VERIFY_CODE) { code } }", new { e = email });
            var login = await server.RestAsync(HttpMethod.Post, "/api/v2/login/email-code", new { email, code = server.Smtp!.LastCode(email) });
            Assert.Equal(200, login.GetProperty("code").GetInt32());
            Assert.True(login.GetProperty("data").GetProperty("emailVerified").GetBoolean());
            (await server.GqlAsync(LoginByEmail, new { input = new { email, password = Password } })).Data("loginByEmail");
        }
        finally
        {
            await server.UpdatePoolAsync(p => p.LoginRequireEmailVerified = false);
        }
    }
}

/// <summary>With no mail server and no SMS gateway configured, every message lands in data/outbox.jsonl.</summary>
public sealed class OutboxTests(OutboxServer server) : IClassFixture<OutboxServer>
{
    [Fact]
    public async Task Codes_are_appended_to_the_outbox_and_finish_the_flow()
    {
        var phone = GqlResult.Phone();
        var email = GqlResult.Email("outbox");
        Assert.Equal(200, (await server.GqlAsync("mutation($p: String!) { sendSmsCode(phone: $p) { code } }", new { p = phone })).Code());
        Assert.Equal(200, (await server.GqlAsync("mutation($e: String!) { sendEmail(email: $e, scene: VERIFY_CODE) { code } }",
            new { e = email }, lang: "zh-CN")).Code());

        var lines = (await File.ReadAllLinesAsync(Path.Combine(server.DataDir, "outbox.jsonl")))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var sms = lines.Single(l => l.GetProperty("to").GetString() == "+86" + phone);
        Assert.Equal("sms", sms.GetProperty("channel").GetString());
        Assert.Equal("any", sms.GetProperty("scene").GetString());
        var mail = lines.Single(l => l.GetProperty("to").GetString() == email);
        Assert.Equal("email", mail.GetProperty("channel").GetString());
        Assert.Contains("验证码", mail.GetProperty("subject").GetString());
        Assert.True(DateTimeOffset.TryParse(mail.GetProperty("time").GetString(), out _));

        var smsCode = SmtpSink.CodePattern().Match(sms.GetProperty("text").GetString()!).Value;
        (await server.GqlAsync("mutation($i: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $i) { id } }",
            new { i = new { phone, code = smsCode } })).Data("loginByPhoneCode");
        var emailCode = SmtpSink.CodePattern().Match(mail.GetProperty("text").GetString()!).Value;
        var registered = await server.RestAsync(HttpMethod.Post, "/api/v2/register/email-code", new { email, code = emailCode });
        Assert.Equal(200, registered.GetProperty("code").GetInt32());

        // The outbox is announced in the log, without the recipient or the code.
        Assert.Contains(server.Logs.Lines, l => l.Contains("outbox.jsonl"));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(phone) || l.Contains(email) || l.Contains(smsCode) || l.Contains(emailCode));
    }
}
