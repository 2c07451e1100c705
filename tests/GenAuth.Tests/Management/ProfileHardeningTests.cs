using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

/// <summary>
/// Issue 10, "Also": custom fields users may edit, photo URLs, GenAuth's passwordStrength levels, and pool settings that
/// used to be accepted and ignored.
/// </summary>
public sealed class ProfileHardeningTests : ManagementTestBase
{
    private const string SetUdv = "mutation($id: String!, $k: String!, $v: String!) { setUdv(targetType: USER, targetId: $id, key: $k, value: $v) { key value } }";

    private async Task<JsonNode> UpdatePoolAsync(string input) => await AdminAsync($"mutation {{ updateUserpool(input: {input}) {{ name passwordStrength verifyCodeMaxAttempts verifyCodeLength changeEmailStrategy {{ verifyOldEmail }} }} }}");

    [Fact]
    public async Task AUserCantSetAnAdminDefinedField()
    {
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"salary\", dataType: NUMBER, label: \"Salary\") { key userEditable } }"), "setUdf");
        var (id, token) = await Client.RegisterAndLoginAsync("worker@example.com");

        var self = await Client.PostAsync(SetUdv, new { id, k = "salary", v = "999999" }, token);
        var batch = await Client.PostAsync("mutation($id: String!) { setUdvBatch(targetType: USER, targetId: $id, udvList: [{ key: \"salary\", value: \"999999\" }]) { key } }", new { id }, token);
        var byAdmin = await AdminAsync(SetUdv, new { id, k = "salary", v = "5000" });
        var removeBySelf = await Client.PostAsync("mutation($id: String!) { removeUdv(targetType: USER, targetId: $id, key: \"salary\") { key } }", new { id }, token);
        var values = GraphQLClient.Success(await AdminAsync("query($id: String!) { udv(targetType: USER, targetId: $id) { key value } }", new { id }), "udv");

        Assert.Equal(403, Code(self));
        Assert.Contains("salary", self["errors"]![0]!.ToJsonString());
        Assert.Equal(403, Code(batch));
        Assert.Equal(403, Code(removeBySelf));
        GraphQLClient.Success(byAdmin, "setUdv");
        Assert.Equal("5000", values[0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFieldMarkedUserEditableCanBeSetByTheUser()
    {
        var field = GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"motto\", dataType: STRING, label: \"Motto\", userEditable: true) { userEditable } }"), "setUdf");
        var (id, token) = await Client.RegisterAndLoginAsync("motto@example.com");

        Assert.True(field["userEditable"]!.GetValue<bool>());
        GraphQLClient.Success(await Client.PostAsync(SetUdv, new { id, k = "motto", v = "\"carpe diem\"" }, token), "setUdv");
        // Updating the definition without the flag keeps it; turning it off locks the field again.
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"motto\", dataType: STRING, label: \"Motto 2\") { key } }"), "setUdf");
        GraphQLClient.Success(await Client.PostAsync(SetUdv, new { id, k = "motto", v = "\"still\"" }, token), "setUdv");
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"motto\", dataType: STRING, label: \"Motto\", userEditable: false) { key } }"), "setUdf");
        Assert.Equal(403, Code(await Client.PostAsync(SetUdv, new { id, k = "motto", v = "\"no\"" }, token)));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(document.cookie)")]
    [InlineData("data:image/svg+xml,<svg onload=alert(1)>")]
    [InlineData("vbscript:msgbox")]
    [InlineData("file:///etc/passwd")]
    [InlineData("//evil.example/a.png")]
    [InlineData("https://user:pw@evil.example/a.png")]
    [InlineData(" javascript:alert(1)")]
    [InlineData("/uploads/../genauth.db")]
    [InlineData("https:/\\evil.example")]
    public async Task PhotoRefusesScriptAndOddUrlsEverywhere(string photo)
    {
        var (id, token) = await Client.RegisterAndLoginAsync("pic@example.com");

        var self = await Client.PostAsync(Ops.UpdateUser, new { id, input = new { photo } }, token);
        var admin = await AdminAsync(Ops.UpdateUser, new { id, input = new { photo } });
        var created = await AdminAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }", new { u = new { username = "p1", photo } });
        var registered = await Client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "p2@example.com", password = GraphQLClient.Password, profile = new { photo } } });

        Assert.Equal(400, Code(self));
        Assert.Equal(400, Code(admin));
        Assert.Equal(400, Code(created));
        Assert.Equal(400, Code(registered));
    }

    [Theory]
    [InlineData("https://cdn.example.com/avatars/a.png")]
    [InlineData("http://files.example.com/a.jpg?size=64")]
    [InlineData("/uploads/avatar/0123456789abcdef0123456789abcdef.png")]
    [InlineData("")]
    public async Task PhotoAcceptsHttpUrlsAndOurUploads(string photo)
    {
        var (id, token) = await Client.RegisterAndLoginAsync("ok@example.com");

        GraphQLClient.Success(await Client.PostAsync(Ops.UpdateUser, new { id, input = new { photo } }, token), "updateUser");
    }

    [Theory]
    [InlineData(2, "lettersonlyhere", "letters-only-here")]
    [InlineData(3, "letters-only-here", "letters-0nly-here")]
    [InlineData(3, "lettersandd1g1ts", "l3tters&digits")]
    [InlineData(4, "sh0rt-but-k", "l0nger-and-fine")]
    public async Task PasswordStrengthIsEnforcedOnEveryPasswordSet(int level, string weak, string strong)
    {
        var pool = GraphQLClient.Success(await UpdatePoolAsync($"{{ passwordStrength: {level} }}"), "updateUserpool");
        var (id, token) = await Client.RegisterAndLoginAsync("before@example.com", "Correct-Horse-91!");

        var register = await Client.RegisterByEmailAsync("weak@example.com", weak);
        var change = await Client.PostAsync("mutation($n: String!, $o: String) { updatePassword(newPassword: $n, oldPassword: $o) { id } }",
            new { n = weak, o = "Correct-Horse-91!" }, token);
        var admin = await AdminAsync(Ops.UpdateUser, new { id, input = new { password = weak } });
        var created = await AdminAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }", new { u = new { username = "weakling", password = weak } });

        Assert.Equal(level, pool["passwordStrength"]!.GetValue<int>());
        Assert.Equal(2040, GraphQLClient.ErrorCode(register));
        Assert.Equal(2040, GraphQLClient.ErrorCode(change));
        Assert.Equal(2040, GraphQLClient.ErrorCode(admin));
        Assert.Equal(2040, GraphQLClient.ErrorCode(created));
        GraphQLClient.Success(await Client.RegisterByEmailAsync("strong@example.com", strong), "registerByEmail");
        var check = GraphQLClient.Success(await Client.PostAsync("query($p: String!) { checkPasswordStrength(password: $p) { valid } }", new { p = weak }), "checkPasswordStrength");
        Assert.False(check["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PasswordStrengthOutOfRangeIsRefused()
    {
        Assert.Equal(400, Code(await UpdatePoolAsync("{ passwordStrength: 5 }")));
        Assert.Equal(400, Code(await UpdatePoolAsync("{ passwordStrength: -1 }")));
    }

    [Theory]
    [InlineData("{ name: \"Changed\", passwordUpdatePolicy: { enabled: true, forcedCycle: 90 } }", "passwordUpdatePolicy")]
    [InlineData("{ name: \"Changed\", passwordUpdatePolicy: { differenceCycle: 3 } }", "passwordUpdatePolicy")]
    [InlineData("{ name: \"Changed\", app2WxappLoginStrategy: { ticketExpriresAfter: 300 } }", "app2WxappLoginStrategy")]
    public async Task SettingsWithoutTheirProtectionAreRefusedAndNothingIsStored(string input, string setting)
    {
        var refused = await UpdatePoolAsync(input);
        var pool = GraphQLClient.Success(await AdminAsync("{ userpool { name } }"), "userpool");

        Assert.Equal(2650, Code(refused));
        Assert.Contains(setting, refused["errors"]![0]!.ToJsonString());
        Assert.NotEqual("Changed", pool["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task TurningAnUnsupportedSettingOffIsAccepted()
    {
        var updated = await UpdatePoolAsync("{ name: \"Off\", passwordUpdatePolicy: { enabled: false, forcedCycle: 90 }, app2WxappLoginStrategy: {} }");

        Assert.Equal("Off", GraphQLClient.Success(updated, "updateUserpool")["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task VerificationCodeAndChangeStrategySettingsAreStored()
    {
        var updated = GraphQLClient.Success(await UpdatePoolAsync("{ verifyCodeLength: 8, verifyCodeMaxAttempts: 3, changeEmailStrategy: { verifyOldEmail: true } }"), "updateUserpool");

        Assert.Equal(8, updated["verifyCodeLength"]!.GetValue<int>());
        Assert.Equal(3, updated["verifyCodeMaxAttempts"]!.GetValue<int>());
        Assert.True(updated["changeEmailStrategy"]!["verifyOldEmail"]!.GetValue<bool>());
        Assert.Equal(400, Code(await UpdatePoolAsync("{ verifyCodeMaxAttempts: 0 }")));
        Assert.Equal(400, Code(await UpdatePoolAsync("{ verifyCodeLength: 12 }")));
    }
}
