using System.Net.Http.Headers;
using GenAuth.Core.Pools;

namespace GenAuth.Tests.Codes;

public sealed class ContactTests(CodesServer server) : IClassFixture<CodesServer>
{
    private const string UserFields = "id phone phoneVerified email emailVerified";
    private const string BindPhone = "mutation($phone: String!, $code: String!) { bindPhone(phone: $phone, phoneCode: $code) { " + UserFields + " } }";
    private const string UnbindPhone = "mutation { unbindPhone { " + UserFields + " } }";
    private const string UpdatePhone = "mutation($phone: String!, $code: String!, $oldPhone: String, $oldCode: String) { updatePhone(phone: $phone, phoneCode: $code, oldPhone: $oldPhone, oldPhoneCode: $oldCode) { " + UserFields + " } }";
    private const string BindEmail = "mutation($email: String!, $code: String!) { bindEmail(email: $email, emailCode: $code) { " + UserFields + " } }";
    private const string UnbindEmail = "mutation { unbindEmail { " + UserFields + " } }";
    private const string UpdateEmail = "mutation($email: String!, $code: String!, $oldEmail: String, $oldCode: String) { updateEmail(email: $email, emailCode: $code, oldEmail: $oldEmail, oldEmailCode: $oldCode) { " + UserFields + " } }";
    private const string SecurityLevel = "{ getSecurityLevel { score email phone password passwordSecurityLevel mfa } }";

    private async Task<string> SmsCodeAsync(string phone)
    {
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(200, (await server.GqlAsync("mutation($p: String!) { sendSmsCode(phone: $p) { code } }", new { p = phone })).Code());
        return server.Sms!.LastCodeFor("+86" + phone);
    }

    private async Task<string> EmailCodeAsync(string email, string scene)
    {
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var sent = await server.GqlAsync("mutation($e: String!, $s: EmailScene!) { sendEmail(email: $e, scene: $s) { code } }",
            new { e = email, s = scene });
        Assert.Equal(200, sent.Code());
        return server.Smtp!.LastCode(email);
    }

    /// <summary>A user who signed up by phone code: phone only, no password.</summary>
    private async Task<(string Phone, string Token)> PhoneUserAsync()
    {
        var phone = GqlResult.Phone();
        var code = await SmsCodeAsync(phone);
        var user = (await server.GqlAsync("mutation($i: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $i) { token } }",
            new { i = new { phone, code } })).Data("loginByPhoneCode");
        return (phone, user.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task Phone_only_users_bind_an_email_then_may_unbind_the_phone_but_not_the_last_method()
    {
        var (phone, token) = await PhoneUserAsync();
        Assert.Equal(1320005, (await server.GqlAsync(UnbindPhone, token: token)).Code());
        Assert.Equal(1320005, (await server.GqlAsync(UnbindEmail, token: token)).Code());

        var email = GqlResult.Email("bind");
        var code = await EmailCodeAsync(email, "CHANGE_EMAIL");
        var bound = (await server.GqlAsync(BindEmail, new { email, code }, token)).Data("bindEmail");
        Assert.Equal(email, bound.GetProperty("email").GetString());
        Assert.True(bound.GetProperty("emailVerified").GetBoolean());

        var unbound = (await server.GqlAsync(UnbindPhone, token: token)).Data("unbindPhone");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unbound.GetProperty("phone").ValueKind);
        Assert.Equal(1320005, (await server.GqlAsync(UnbindEmail, token: token)).Code());

        var again = await SmsCodeAsync(phone);
        (await server.GqlAsync(BindPhone, new { phone, code = again }, token)).Data("bindPhone");
        (await server.GqlAsync(UnbindEmail, token: token)).Data("unbindEmail");
    }

    [Fact]
    public async Task Binding_needs_a_code_for_that_target_and_a_free_number()
    {
        var (_, token) = await PhoneUserAsync();
        var (takenPhone, _) = await PhoneUserAsync();
        var email = GqlResult.Email("other");
        Assert.Equal(2001, (await server.GqlAsync(BindEmail, new { email, code = "123456" }, token)).Code());
        Assert.Equal(1320003, (await server.GqlAsync(BindPhone, new { phone = takenPhone, code = "123456" }, token)).Code());
        Assert.Equal(2020, (await server.GqlAsync(BindEmail, new { email, code = "123456" })).Code());
    }

    [Fact]
    public async Task Binding_with_a_code_sent_to_another_target_is_refused()
    {
        var email = GqlResult.Email("pw");
        (await server.GqlAsync("mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { id } }",
            new { i = new { email, password = "correct horse battery" } })).Data("registerByEmail");
        var token = (await server.GqlAsync("mutation($i: LoginByEmailInput!) { loginByEmail(input: $i) { token } }",
            new { i = new { email, password = "correct horse battery" } })).Data("loginByEmail").GetProperty("token").GetString()!;
        var (takenPhone, _) = await PhoneUserAsync();

        var phone = GqlResult.Phone();
        var codeForOtherPhone = await SmsCodeAsync(GqlResult.Phone());
        Assert.Equal(2001, (await server.GqlAsync(BindPhone, new { phone, code = codeForOtherPhone }, token)).Code());
        var codeForTaken = await SmsCodeAsync(takenPhone);
        Assert.Equal(2026, (await server.GqlAsync(BindPhone, new { phone = takenPhone, code = codeForTaken }, token)).Code());
        var bound = (await server.GqlAsync(BindPhone, new { phone, code = await SmsCodeAsync(phone) }, token)).Data("bindPhone");
        Assert.Equal(phone, bound.GetProperty("phone").GetString());

        var (_, phoneUser) = await PhoneUserAsync();
        var other = GqlResult.Email("bind-other");
        var codeForOtherEmail = await EmailCodeAsync(GqlResult.Email("bind-elsewhere"), "CHANGE_EMAIL");
        Assert.Equal(2001, (await server.GqlAsync(BindEmail, new { email = other, code = codeForOtherEmail }, phoneUser)).Code());
        var codeForItsOwnEmail = await EmailCodeAsync(email, "CHANGE_EMAIL");
        Assert.Equal(2026, (await server.GqlAsync(BindEmail, new { email, code = codeForItsOwnEmail }, phoneUser)).Code());
    }

    [Fact]
    public async Task UpdatePhone_needs_the_old_numbers_code_only_when_the_pool_says_so()
    {
        var (phone, token) = await PhoneUserAsync();
        var second = GqlResult.Phone();
        var code = await SmsCodeAsync(second);
        var updated = (await server.GqlAsync(UpdatePhone, new { phone = second, code }, token)).Data("updatePhone");
        Assert.Equal(second, updated.GetProperty("phone").GetString());

        await server.UpdatePoolAsync(p => p.ChangePhoneVerifyOld = true);
        try
        {
            var pool = await server.GqlAsync("{ userpool { changePhoneStrategy { verifyOldPhone } } }", token: await server.AdminTokenAsync());
            Assert.True(pool.Data("userpool").GetProperty("changePhoneStrategy").GetProperty("verifyOldPhone").GetBoolean());

            var third = GqlResult.Phone();
            var newCode = await SmsCodeAsync(third);
            Assert.Equal(2001, (await server.GqlAsync(UpdatePhone, new { phone = third, code = newCode, oldPhone = second, oldCode = "000000" }, token)).Code());
            var oldCode = await SmsCodeAsync(second);
            Assert.Equal(1320007, (await server.GqlAsync(UpdatePhone, new { phone = third, code = newCode, oldPhone = phone, oldCode }, token)).Code());
            var done = (await server.GqlAsync(UpdatePhone, new { phone = third, code = newCode, oldPhone = second, oldCode }, token)).Data("updatePhone");
            Assert.Equal(third, done.GetProperty("phone").GetString());
        }
        finally
        {
            await server.UpdatePoolAsync(p => p.ChangePhoneVerifyOld = false);
        }
    }

    [Fact]
    public async Task UpdateEmail_moves_the_address_with_codes_to_the_new_and_when_required_the_old_one()
    {
        var (_, token) = await PhoneUserAsync();
        var first = GqlResult.Email("first");
        (await server.GqlAsync(BindEmail, new { email = first, code = await EmailCodeAsync(first, "CHANGE_EMAIL") }, token)).Data("bindEmail");
        Assert.Equal(1320004, (await server.GqlAsync(BindEmail, new { email = first, code = "1" }, token)).Code());

        await server.UpdatePoolAsync(p => p.ChangeEmailVerifyOld = true);
        try
        {
            var second = GqlResult.Email("second");
            var newCode = await EmailCodeAsync(second, "CHANGE_EMAIL");
            Assert.Equal(2003, (await server.GqlAsync(UpdateEmail, new { email = second, code = newCode }, token)).Code());
            Assert.Equal(2001, (await server.GqlAsync(UpdateEmail, new { email = second, code = newCode, oldEmail = first, oldCode = "000000" }, token)).Code());
            var oldCode = await EmailCodeAsync(first, "CHANGE_EMAIL");
            Assert.Equal(1320008, (await server.GqlAsync(UpdateEmail, new { email = second, code = newCode, oldEmail = GqlResult.Email("stranger"), oldCode }, token)).Code());
            var updated = (await server.GqlAsync(UpdateEmail, new { email = second, code = newCode, oldEmail = first, oldCode }, token))
                .Data("updateEmail");
            Assert.Equal(second, updated.GetProperty("email").GetString());
            Assert.True(updated.GetProperty("emailVerified").GetBoolean());
        }
        finally
        {
            await server.UpdatePoolAsync(p => p.ChangeEmailVerifyOld = false);
        }
    }

    [Fact]
    public async Task Security_level_reflects_what_protects_the_account_over_graphql_and_rest()
    {
        var (_, token) = await PhoneUserAsync();
        var level = (await server.GqlAsync(SecurityLevel, token: token)).Data("getSecurityLevel");
        Assert.True(level.GetProperty("phone").GetBoolean());
        Assert.False(level.GetProperty("password").GetBoolean());
        Assert.False(level.GetProperty("email").GetBoolean());
        Assert.Equal(20, level.GetProperty("score").GetInt32());

        await server.GqlAsync("mutation($p: String!) { updatePassword(newPassword: $p) { id } }", new { p = "Correct-Horse-42-Battery" }, token);
        var rest = await server.RestAsync(HttpMethod.Get, "/api/v2/users/me/security-level", token: token);
        Assert.Equal(200, rest.GetProperty("code").GetInt32());
        var data = rest.GetProperty("data");
        Assert.True(data.GetProperty("password").GetBoolean());
        Assert.Equal(3, data.GetProperty("passwordSecurityLevel").GetInt32());
        Assert.Equal(60, data.GetProperty("score").GetInt32());
        Assert.Equal(2020, (await server.RestAsync(HttpMethod.Get, "/api/v2/users/me/security-level")).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Avatar_upload_checks_the_bytes_stores_under_the_data_dir_and_sets_the_photo()
    {
        var (_, token) = await PhoneUserAsync();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var result = await UploadAsync(png, "me.png", token);
        Assert.Equal(200, result.GetProperty("code").GetInt32());
        var url = result.GetProperty("data").GetProperty("url").GetString()!;
        Assert.StartsWith("http://genauth.test/uploads/avatar/", url);
        var me = (await server.GqlAsync("{ user { photo } }", token: token)).Data("user");
        Assert.Equal(url, me.GetProperty("photo").GetString());
        using var served = await server.CreateClient().GetAsync(new Uri(url).AbsolutePath);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());

        var files = Directory.GetFiles(Path.Combine(server.DataDir, "uploads", "avatar")).Length;
        var gif = await UploadAsync("GIF89a...."u8.ToArray(), "x.png", token);
        Assert.Equal(2070, gif.GetProperty("code").GetInt32());
        var big = new byte[2 * 1024 * 1024 + 1];
        png.CopyTo(big, 0);
        Assert.Equal(2070, (await UploadAsync(big, "big.png", token)).GetProperty("code").GetInt32());
        Assert.Equal(files, Directory.GetFiles(Path.Combine(server.DataDir, "uploads", "avatar")).Length);
    }

    [Fact]
    public async Task Registration_switch_and_whitelist_gate_code_registration_but_not_existing_users()
    {
        var (existing, _) = await PhoneUserAsync();
        await server.UpdatePoolAsync(p => p.WhitelistPhoneEnabled = true);
        var listed = GqlResult.Phone();
        await server.WithDbAsync(async db =>
        {
            db.WhitelistEntries.Add(new WhitelistEntry { Id = Core.Common.Ids.New(), UserPoolId = server.PoolId, Type = WhitelistEntry.Phone, Value = listed });
            await db.SaveChangesAsync();
        });
        try
        {
            var pool = await server.GqlAsync("{ userpool { whitelist { phoneEnabled } verifyCodeLength verifyCodeMaxAttempts } }",
                token: await server.AdminTokenAsync());
            Assert.Equal(6, pool.Data("userpool").GetProperty("verifyCodeLength").GetInt32());
            Assert.True(pool.Data("userpool").GetProperty("whitelist").GetProperty("phoneEnabled").GetBoolean());

            var stranger = GqlResult.Phone();
            var code = await SmsCodeAsync(stranger);
            Assert.Equal(2063, (await server.GqlAsync("mutation($i: RegisterByPhoneCodeInput!) { registerByPhoneCode(input: $i) { id } }",
                new { i = new { phone = stranger, code } })).Code());
            await PhoneLoginAsync(listed);

            await server.UpdatePoolAsync(p => p.RegisterDisabled = true);
            var another = GqlResult.Phone();
            var c2 = await SmsCodeAsync(another);
            Assert.Equal(2004, (await server.GqlAsync("mutation($i: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $i) { id } }",
                new { i = new { phone = another, code = c2 } })).Code());
            await PhoneLoginAsync(existing);
        }
        finally
        {
            await server.UpdatePoolAsync(p => { p.WhitelistPhoneEnabled = false; p.RegisterDisabled = false; });
        }
    }

    private async Task<System.Text.Json.JsonElement> PhoneLoginAsync(string phone)
    {
        var code = await SmsCodeAsync(phone);
        return (await server.GqlAsync("mutation($i: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $i) { token } }",
            new { i = new { phone, code } })).Data("loginByPhoneCode");
    }

    private async Task<System.Text.Json.JsonElement> UploadAsync(byte[] bytes, string name, string token)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/upload?folder=avatar") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.CreateClient().SendAsync(request);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
