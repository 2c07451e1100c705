namespace GenAuth.Tests.Codes;

public sealed class EmailCodeTests(CodesServer server) : IClassFixture<CodesServer>
{
    private const string SendEmail = "mutation($email: String!, $scene: EmailScene!) { sendEmail(email: $email, scene: $scene) { code message } }";
    private const string LoginByEmail = "mutation($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token emailVerified } }";
    private const string RegisterByEmail = "mutation($input: RegisterByEmailInput!) { registerByEmail(input: $input) { id emailVerified } }";
    private const string ResetPassword = "mutation($phone: String, $email: String, $code: String!, $newPassword: String!) { resetPassword(phone: $phone, email: $email, code: $code, newPassword: $newPassword) { code message } }";
    private const string Me = "{ user { id email } }";

    private async Task<string> SendAsync(string email, string scene, string lang = "en-US")
    {
        var result = await server.GqlAsync(SendEmail, new { email, scene }, lang: lang);
        Assert.Equal(200, result.Data("sendEmail").GetProperty("code").GetInt32());
        return server.Smtp!.LastCode(email);
    }

    private async Task<string> RegisterWithCodeAsync(string email)
    {
        var code = await SendAsync(email, "VERIFY_CODE");
        var registered = await server.RestAsync(HttpMethod.Post, "/api/v2/register/email-code",
            new { email, code, profile = new { nickname = "Bob" }, generateToken = true });
        Assert.Equal(200, registered.GetProperty("code").GetInt32());
        return registered.GetProperty("data").GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task RegisterByEmailCode_and_loginByEmailCode_use_codes_received_by_a_real_smtp_server()
    {
        var email = GqlResult.Email("reg");
        var code = await SendAsync(email, "VERIFY_CODE");
        var mail = server.Smtp!.MessagesTo(email).Last();
        Assert.Equal("no-reply@genauth.test", mail.From.Mailboxes.Single().Address);
        Assert.Contains("verification code", mail.Subject);
        Assert.Contains(code, mail.HtmlBody);

        var registered = await server.RestAsync(HttpMethod.Post, "/api/v2/register/email-code",
            new { email, code, profile = new { nickname = "Bob" } });
        Assert.Equal(200, registered.GetProperty("code").GetInt32());
        Assert.True(registered.GetProperty("data").GetProperty("emailVerified").GetBoolean());
        Assert.Equal("Bob", registered.GetProperty("data").GetProperty("nickname").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var loginCode = await SendAsync(email, "VERIFY_CODE");
        var login = await server.RestAsync(HttpMethod.Post, "/api/v2/login/email-code", new { email, code = loginCode });
        Assert.Equal(200, login.GetProperty("code").GetInt32());
        var token = login.GetProperty("data").GetProperty("token").GetString();
        Assert.Equal(email, (await server.GqlAsync(Me, token: token)).Data("user").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Invalid_addresses_answer_1020017_on_send_and_2003_on_register()
    {
        Assert.Equal(1020017, (await server.GqlAsync(SendEmail, new { email = "not-an-email", scene = "VERIFY_CODE" })).Code());
        var register = await server.RestAsync(HttpMethod.Post, "/api/v2/register/email-code", new { email = "nope", code = "123456" });
        Assert.Equal(2003, register.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Templates_follow_the_callers_language()
    {
        var email = GqlResult.Email("zh");
        await server.GqlAsync(SendEmail, new { email, scene = "RESET_PASSWORD" }, lang: "zh-CN"); // unknown account: nothing sent
        Assert.Empty(server.Smtp!.MessagesTo(email));
        // The unknown address's send counts for the resend interval like a known one's (no enumeration by 2060).
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await RegisterWithCodeAsync(email);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await SendAsync(email, "RESET_PASSWORD", "zh-CN");
        var mail = server.Smtp!.MessagesTo(email).Last();
        Assert.Contains("重置密码", mail.Subject);
        Assert.Contains("验证码", mail.TextBody);
    }

    [Fact]
    public async Task Resetting_by_email_code_changes_the_password_and_ends_every_session()
    {
        var email = GqlResult.Email("reset");
        var token = await RegisterWithCodeAsync(email);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var code = await SendAsync(email, "RESET_PASSWORD");

        var wrong = await server.GqlAsync(ResetPassword, new { email, code = code == "111111" ? "222222" : "111111", newPassword = "a new long passphrase" });
        Assert.Equal(2001, wrong.Code());
        var reset = await server.GqlAsync(ResetPassword, new { email, code, newPassword = "a new long passphrase" });
        Assert.Equal(200, reset.Data("resetPassword").GetProperty("code").GetInt32());

        Assert.Equal(1010001, (await server.GqlAsync(Me, token: token)).Code());
        (await server.GqlAsync(LoginByEmail, new { input = new { email, password = "a new long passphrase" } })).Data("loginByEmail");
    }

    [Fact]
    public async Task Reset_for_an_unknown_account_answers_like_a_known_one_until_a_valid_code_is_shown()
    {
        var email = GqlResult.Email("ghost");
        var sent = await server.GqlAsync(SendEmail, new { email, scene = "RESET_PASSWORD" });
        Assert.Equal(200, sent.Data("sendEmail").GetProperty("code").GetInt32());
        Assert.Empty(server.Smtp!.MessagesTo(email));
        Assert.Equal(2001, (await server.GqlAsync(ResetPassword, new { email, code = "123456", newPassword = "a new long passphrase" })).Code());

        // By phone the code is delivered (sendSmsCode has no scene); with it, seed 002's 2004 user-not-found.
        var phone = GqlResult.Phone();
        await server.GqlAsync("mutation($p: String!) { sendSmsCode(phone: $p) { code } }", new { p = phone });
        var code = server.Sms!.LastCodeFor("+86" + phone);
        Assert.Equal(2004, (await server.GqlAsync(ResetPassword, new { phone, code, newPassword = "a new long passphrase" })).Code());
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_before_the_code_is_spent()
    {
        var email = GqlResult.Email("weak");
        await RegisterWithCodeAsync(email);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var code = await SendAsync(email, "RESET_PASSWORD");
        Assert.Equal(2040, (await server.GqlAsync(ResetPassword, new { email, code, newPassword = "short" })).Code());
        Assert.Equal(200, (await server.GqlAsync(ResetPassword, new { email, code, newPassword = "a new long passphrase" })).Code());
    }

    [Fact]
    public async Task Password_registration_sends_a_verify_link_that_verifies_the_address_and_a_welcome_mail_when_enabled()
    {
        await server.UpdatePoolAsync(p => p.SendWelcomeEmail = true);
        try
        {
            var email = GqlResult.Email("link");
            var user = (await server.GqlAsync(RegisterByEmail, new { input = new { email, password = "correct horse battery" } }))
                .Data("registerByEmail");
            Assert.False(user.GetProperty("emailVerified").GetBoolean());
            var mails = server.Smtp!.MessagesTo(email);
            Assert.Contains(mails, m => m.Subject!.StartsWith("Welcome"));
            var verify = mails.Single(m => m.Subject!.StartsWith("Verify"));
            var link = System.Text.RegularExpressions.Regex.Match(verify.TextBody!, @"http://genauth\.test(\S+)").Groups[1].Value;

            using var response = await server.CreateClient().GetAsync(link);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var login = (await server.GqlAsync(LoginByEmail, new { input = new { email, password = "correct horse battery" } }))
                .Data("loginByEmail");
            Assert.True(login.GetProperty("emailVerified").GetBoolean());

            using var reused = await server.CreateClient().GetAsync(link);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, reused.StatusCode);
        }
        finally
        {
            await server.UpdatePoolAsync(p => p.SendWelcomeEmail = false);
        }
    }
}
