using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Accounts;

/// <summary>A first start creates the default pool and app and writes bootstrap.json; a second start on the same data reuses them.</summary>
public sealed class BootstrapTests
{
    // Note: these blank GenAuthApp's preset ids and secret (an empty setting, as an empty environment variable gives, counts as
    // unset), so the server generates its own as on a real first start.
    private static readonly Dictionary<string, string?> NoPreset = new()
    {
        ["GenAuth:Bootstrap:UserPoolId"] = null, ["GenAuth:Bootstrap:AppId"] = null, ["GenAuth:Bootstrap:Secret"] = null,
    };

    private static JsonNode Saved(GenAuthApp app) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(app.DataDirectory, "bootstrap.json")))!;

    [Fact]
    public async Task ASecondStartReusesThePoolAppAndSecretOfTheFirst()
    {
        string poolId, appId, secret, dataDirectory;
        using (var first = new GenAuthApp(settings: NoPreset) { KeepDataDirectory = true })
        {
            dataDirectory = first.DataDirectory;
            first.CreateClient().Dispose(); // starts the server
            var saved = Saved(first);
            poolId = saved["UserPoolId"]!.GetValue<string>();
            appId = saved["AppId"]!.GetValue<string>();
            secret = saved["Secret"]!.GetValue<string>();
            Assert.True(saved["Created"]!.GetValue<bool>());
            Assert.NotEqual(first.UserPoolId, poolId);
            Assert.Matches("^[0-9a-f]{24}$", poolId);
            Assert.Matches("^[0-9a-f]{24}$", appId);
            Assert.True(secret.Length >= 16, "a generated secret, not an empty one");
            var client = first.CreateGraphQLClient(poolId);
            await client.ManagementTokenAsync(secret, poolId);
            await client.RegisterAndLoginAsync("first-start@example.com");
        }

        using var second = new GenAuthApp(dataDirectory, NoPreset);
        second.CreateClient().Dispose();
        var again = Saved(second);

        Assert.Equal(poolId, again["UserPoolId"]!.GetValue<string>());
        Assert.Equal(appId, again["AppId"]!.GetValue<string>());
        Assert.Equal(secret, again["Secret"]!.GetValue<string>());
        Assert.False(again["Created"]!.GetValue<bool>());
        Assert.Equal(1, await second.QueryDbAsync(db => Task.FromResult(db.UserPools.Count()), ""));
        var client2 = second.CreateGraphQLClient(poolId);
        await client2.ManagementTokenAsync(secret, poolId);
        GraphQLClient.Success(await client2.LoginByEmailAsync("first-start@example.com"), "loginByEmail");
        GraphQLClient.Success(await client2.PostAsync(Ops.LoginByEmail, new { input = new { email = "first-start@example.com", password = GraphQLClient.Password } },
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = appId }), "loginByEmail");
    }
}
