using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

public sealed class PoolAdminTests : ManagementTestBase
{
    [Fact]
    public async Task UpdateUserpoolChangesSettingsAndUserpoolReadsThemBack()
    {
        var result = await AdminAsync("mutation { updateUserpool(input: { name: \"Renamed\", tokenExpiresAfter: 3600, passwordMinLength: 12, whitelist: { phoneEnabled: true } }) { name tokenExpiresAfter passwordMinLength whitelist { phoneEnabled emailEnabled } } }");

        var updated = GraphQLClient.Success(result, "updateUserpool");
        var readBack = GraphQLClient.Success(await AdminAsync("{ userpool { name tokenExpiresAfter passwordMinLength whitelist { phoneEnabled emailEnabled } } }"), "userpool");
        foreach (var pool in new[] { updated, readBack })
        {
            Assert.Equal("Renamed", pool["name"]!.GetValue<string>());
            Assert.Equal(3600, pool["tokenExpiresAfter"]!.GetValue<int>());
            Assert.Equal(12, pool["passwordMinLength"]!.GetValue<int>());
            Assert.True(pool["whitelist"]!["phoneEnabled"]!.GetValue<bool>());
            Assert.False(pool["whitelist"]!["emailEnabled"]!.GetValue<bool>());
        }
        Assert.Equal(2040, Code(await Client.RegisterByEmailAsync("short@example.com", "Eleven-Ch1")));
        var user = GraphQLClient.Success(await Client.RegisterByEmailAsync("long@example.com", "Twelve-Chars-1"), "registerByEmail");
        var login = GraphQLClient.Success(await Client.LoginByEmailAsync("long@example.com", "Twelve-Chars-1"), "loginByEmail");
        var exp = Jwt.Payload(login["token"]!.GetValue<string>());
        Assert.Equal(3600, exp["exp"]!.GetValue<long>() - exp["iat"]!.GetValue<long>());
        Assert.Equal("long@example.com", user["email"]!.GetValue<string>());
        Assert.Equal(400, Code(await AdminAsync("mutation { updateUserpool(input: { tokenExpiresAfter: 5 }) { id } }")));
    }

    [Fact]
    public async Task MfaRequiredSetThroughUpdateUserpoolStopsLoginsOfUsersWithoutAFactor()
    {
        GraphQLClient.Success(await Client.RegisterByEmailAsync("mfa-required@example.com"), "registerByEmail");
        var set = GraphQLClient.Success(await AdminAsync("mutation { updateUserpool(input: { mfaRequired: true }) { mfaRequired } }"), "updateUserpool");

        var login = await Client.LoginByEmailAsync("mfa-required@example.com");

        Assert.True(set["mfaRequired"]!.GetValue<bool>());
        Assert.Equal(1635, Code(login));
        Assert.True(login["errors"]![0]!["extensions"]!["data"]!["needEnroll"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RegistrationDisabledRefusesSelfRegistration()
    {
        GraphQLClient.Success(await AdminAsync("mutation { updateUserpool(input: { registerDisabled: true }) { registerDisabled } }"), "updateUserpool");

        Assert.Equal(2047, Code(await Client.RegisterByEmailAsync("closed@example.com")));
    }

    [Fact]
    public async Task EmailWhitelistLetsOnlyListedAddressesRegister()
    {
        GraphQLClient.Success(await AdminAsync("mutation { updateUserpool(input: { whitelist: { emailEnabled: true } }) { id } }"), "updateUserpool");
        var added = GraphQLClient.Success(await AdminAsync("mutation { addWhitelist(type: EMAIL, list: [\"Listed@Example.com\", \"gone@example.com\"]) { value } }"), "addWhitelist");
        GraphQLClient.Success(await AdminAsync("mutation { removeWhitelist(type: EMAIL, list: [\"gone@example.com\"]) { value } }"), "removeWhitelist");
        var list = GraphQLClient.Success(await AdminAsync("{ whitelist(type: EMAIL) { value } }"), "whitelist");

        Assert.Equal(2, added.AsArray().Count);
        Assert.Equal(["listed@example.com"], list.AsArray().Select(v => v!["value"]!.GetValue<string>()));
        GraphQLClient.Success(await Client.RegisterByEmailAsync("listed@example.com"), "registerByEmail");
        Assert.Equal(2063, Code(await Client.RegisterByEmailAsync("gone@example.com")));
        GraphQLClient.Success(await Client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "free", password = GraphQLClient.Password } }), "registerByUsername");
    }

    [Fact]
    public async Task UsernameWhitelistAppliesToUsernameRegistration()
    {
        GraphQLClient.Success(await AdminAsync("mutation { updateUserpool(input: { whitelist: { usernameEnabled: true } }) { id } }"), "updateUserpool");
        GraphQLClient.Success(await AdminAsync("mutation { addWhitelist(type: USERNAME, list: [\"alice\"]) { value } }"), "addWhitelist");

        var alice = await Client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "alice", password = GraphQLClient.Password } });
        var bob = await Client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "bob", password = GraphQLClient.Password } });

        GraphQLClient.Success(alice, "registerByUsername");
        Assert.Equal(2063, Code(bob));
    }

    [Fact]
    public async Task RefreshUserpoolSecretRetiresOldManagementTokensAndTheOldSecret()
    {
        var secret = GraphQLClient.Success(await AdminAsync("mutation { refreshUserpoolSecret }"), "refreshUserpoolSecret").GetValue<string>();

        var withOldToken = await AdminAsync("{ userpool { id } }");
        var oldSecret = await Client.PostAsync(Ops.AccessToken, new { userPoolId = App.UserPoolId, secret = App.Secret });
        var fresh = await Client.ManagementTokenAsync(secret);
        var pool = GraphQLClient.Success(await Client.PostAsync("{ userpool { secret } }", token: fresh), "userpool");

        Assert.Equal(2020, Code(withOldToken));
        Assert.Equal(2045, Code(oldSecret));
        Assert.Equal(secret, pool["secret"]!.GetValue<string>());
    }
}
