using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

/// <summary>
/// POST /api/v2/users/unlink (the SDK's unLinkAccount): checks the primary user's token and the provider. A provider the
/// account has no identity of answers 2718 and the account keeps every way in (unlinking real identities:
/// Ldap/IdentityLinkTests).
/// </summary>
public sealed class AccountUnlinkTests : ManagementTestBase
{
    private const string Path = "/api/v2/users/unlink";

    [Fact]
    public async Task UnlinkChecksThePrimaryTokenAndTheProvider()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("unlink@example.com");

        Assert.Equal(400, Code(await RestAsync(HttpMethod.Post, Path, new { provider = "wechat" })));
        Assert.Equal(1010001, Code(await RestAsync(HttpMethod.Post, Path, new { primaryUserToken = "not-a-token", provider = "wechat" })));
        Assert.Equal(1010001, Code(await RestAsync(HttpMethod.Post, Path, new { primaryUserToken = Admin, provider = "wechat" })));
        Assert.Equal(400, Code(await RestAsync(HttpMethod.Post, Path, new { primaryUserToken = token })));
        var none = await RestAsync(HttpMethod.Post, Path, new { primaryUserToken = token, provider = "wechat" });

        Assert.Equal(2718, none["code"]!.GetValue<int>());
        Assert.Equal(id, GraphQLClient.Success(await Client.PostAsync(Ops.User, token: token), "user")["id"]!.GetValue<string>());
        GraphQLClient.Success(await Client.LoginByEmailAsync("unlink@example.com"), "loginByEmail");
    }

    private static new int Code(System.Text.Json.Nodes.JsonNode envelope) => envelope["code"]!.GetValue<int>();
}
