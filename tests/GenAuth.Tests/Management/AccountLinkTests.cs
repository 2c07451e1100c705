using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Management;

public sealed class AccountLinkTests : ManagementTestBase
{
    [Theory]
    [InlineData("/api/v2/users/link")]
    [InlineData("/api/users/link")]
    public async Task LinkingMovesIdentitiesToThePrimaryAndDeletesTheSecondary(string path)
    {
        var (primary, primaryToken) = await Client.RegisterAndLoginAsync("primary@example.com");
        var (secondary, secondaryToken) = await Client.RegisterAndLoginAsync("secondary@example.com");
        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id = secondary, input = new { unionid = "wx-union-1" } }), "updateUser");

        var result = await RestAsync(HttpMethod.Post, path, new { primaryUserToken = primaryToken, secondaryUserToken = secondaryToken });

        Assert.Equal(200, result["code"]!.GetValue<int>());
        var unionid = await App.QueryDbAsync(db => db.Users.Where(u => u.Id == primary).Select(u => u.Unionid).SingleAsync());
        Assert.Equal("wx-union-1", unionid);
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: secondaryToken)));
        Assert.Equal(2333, Code(await Client.LoginByEmailAsync("secondary@example.com")));
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: primaryToken), "user");
    }

    [Fact]
    public async Task LinkingRefusesTheSameAccountAndBadTokens()
    {
        var (_, token) = await Client.RegisterAndLoginAsync("self-link@example.com");

        var same = await RestAsync(HttpMethod.Post, "/api/v2/users/link", new { primaryUserToken = token, secondaryUserToken = token });
        var bad = await RestAsync(HttpMethod.Post, "/api/v2/users/link", new { primaryUserToken = token, secondaryUserToken = "not-a-token" });
        var admin = await RestAsync(HttpMethod.Post, "/api/v2/users/link", new { primaryUserToken = token, secondaryUserToken = Admin });

        Assert.Equal(2605, same["code"]!.GetValue<int>());
        Assert.Equal(1010001, bad["code"]!.GetValue<int>());
        Assert.Equal(1010001, admin["code"]!.GetValue<int>());
    }
}
