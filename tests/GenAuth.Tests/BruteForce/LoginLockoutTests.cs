using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.BruteForce;

/// <summary>
/// Issue 10, hole 6 (a locked account opened with another spelling of its phone number), the pool's loginFail*
/// settings, and imported password hashes (caps at import, upgrade at the next login).
/// </summary>
public sealed class LoginLockoutTests : IDisposable
{
    private const string CreateUser = "mutation($u: CreateUserInput!, $keep: Boolean) { createUser(userInfo: $u, keepPassword: $keep) { id } }";
    private const string UpdatePool = "mutation($i: UpdateUserpoolInput!) { updateUserpool(input: $i) { loginFailStrategy "
                                      + "loginFailCheck { enabled limit timeInterval } loginPasswordFailCheck { enabled limit timeInterval } } }";

    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public LoginLockoutTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    private async Task<JsonNode> AdminAsync(string query, object? variables = null) =>
        await _client.PostAsync(query, variables, await _client.ManagementTokenAsync(_app.Secret));

    private Task<JsonNode> PhoneLoginAsync(string phone, string password = GraphQLClient.Password) =>
        _client.PostAsync(Ops.LoginByPhonePassword, new { input = new { phone, password } });

    private Task<JsonNode> AccountLoginAsync(string account, string password = GraphQLClient.Password) =>
        _client.PostAsync(Ops.LoginByAccount, new { account, password });

    [Fact]
    public async Task ALockedPhoneStaysLockedWhateverWayTheNumberIsWritten()
    {
        GraphQLClient.Success(await AdminAsync(CreateUser, new { u = new { phone = "13800138000", password = GraphQLClient.Password } }), "createUser");
        for (var i = 0; i < 6; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await PhoneLoginAsync("13800138000", "wrong-password-1")));

        foreach (var spelling in new[] { "+86 138-0013-8000", "+8613800138000", " 13800138000 ", "13800138000" })
        {
            Assert.Equal(2058, GraphQLClient.ErrorCode(await PhoneLoginAsync(spelling)));
            Assert.Equal(2058, GraphQLClient.ErrorCode(await AccountLoginAsync(spelling)));
        }
    }

    [Fact]
    public async Task AnUnknownNumberIsThrottledAcrossSpellingsAsAKnownOneIs()
    {
        for (var i = 0; i < 6; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await PhoneLoginAsync("13900139000", "wrong-password-1")));

        Assert.Equal(2058, GraphQLClient.ErrorCode(await PhoneLoginAsync("+86 139-0013-9000", "wrong-password-1")));
        Assert.Equal(2058, GraphQLClient.ErrorCode(await AccountLoginAsync("+8613900139000", "wrong-password-1")));
    }

    [Fact]
    public async Task LoginPasswordFailCheckLocksTheAccountAtItsLimitEvenForTheRightPassword()
    {
        var updated = GraphQLClient.Success(await AdminAsync(UpdatePool, new
        {
            i = new { loginPasswordFailCheck = new { enabled = true, limit = 2, timeInterval = 600 }, loginFailStrategy = "block-account" },
        }), "updateUserpool");
        Assert.True(updated["loginPasswordFailCheck"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(2, updated["loginPasswordFailCheck"]!["limit"]!.GetValue<int>());
        Assert.Equal("block-account", updated["loginFailStrategy"]!.GetValue<string>());
        await _client.RegisterAndLoginAsync("pool-rule@example.com");

        Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("pool-rule@example.com", "wrong-password-1")));
        Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("pool-rule@example.com", "wrong-password-1")));

        // The server's own allowance (5) is not reached: the pool's limit of 2 locked the account.
        Assert.Equal(2058, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("pool-rule@example.com")));
    }

    [Fact]
    public async Task LoginFailCheckBlocksAnIpAfterItsLimitOfFailuresOnAnyAccounts()
    {
        GraphQLClient.Success(await AdminAsync(UpdatePool, new { i = new { loginFailCheck = new { enabled = true, limit = 3, timeInterval = 300 } } }),
            "updateUserpool");
        await _client.RegisterAndLoginAsync("ip-rule@example.com");
        for (var i = 0; i < 3; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync($"nobody{i}@example.com", "wrong-password-1")));

        Assert.Equal(2058, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("ip-rule@example.com")));
    }

    [Fact]
    public async Task ACaptchaStrategyIsRefusedUntilACaptchaCheckExistsAndBadRulesAreRefused()
    {
        var captcha = await AdminAsync(UpdatePool, new { i = new { loginFailStrategy = "captcha" } });
        var zero = await AdminAsync(UpdatePool, new { i = new { loginPasswordFailCheck = new { enabled = true, limit = 0, timeInterval = 60 } } });
        var forever = await AdminAsync(UpdatePool, new { i = new { loginFailCheck = new { enabled = true, limit = 5, timeInterval = 10_000_000 } } });

        Assert.Equal(400, GraphQLClient.ErrorCode(captcha));
        Assert.Contains("captcha", GraphQLClient.ErrorMessage(captcha));
        Assert.Equal(400, GraphQLClient.ErrorCode(zero));
        Assert.Equal(400, GraphQLClient.ErrorCode(forever));
        var pool = GraphQLClient.Success(await AdminAsync(UpdatePool, new { i = new { name = "unchanged rules" } }), "updateUserpool");
        Assert.Equal("block-account", pool["loginFailStrategy"]!.GetValue<string>());
        Assert.False(pool["loginPasswordFailCheck"]!["enabled"]!.GetValue<bool>());
        Assert.False(pool["loginFailCheck"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ImportedHashesAboveTheCapsAreRefused()
    {
        // m = 256 MiB, t = 8: each login attempt would cost seconds of CPU.
        const string costly = "$argon2id$v=19$m=262144,t=8,p=1$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        const string wide = "$argon2id$v=19$m=65536,t=2,p=16$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";

        var refused = await AdminAsync(CreateUser, new { u = new { email = "costly@example.com", password = costly }, keep = true });
        var refusedWide = await AdminAsync(CreateUser, new { u = new { email = "wide@example.com", password = wide }, keep = true });

        Assert.Equal(400, GraphQLClient.ErrorCode(refused));
        Assert.Contains("m=65536", GraphQLClient.ErrorMessage(refused));
        Assert.Equal(400, GraphQLClient.ErrorCode(refusedWide));
        Assert.Equal(0, await _app.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "costly@example.com" || u.Email == "wide@example.com")));
    }

    [Fact]
    public async Task AForeignHashIsUpgradedToTheServersParametersAtTheNextLogin()
    {
        // "password" hashed elsewhere with m = 64 MiB, t = 2, p = 4 (within the caps, not the server's parameters).
        const string foreign = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        GraphQLClient.Success(await AdminAsync(CreateUser, new { u = new { email = "imported@example.com", password = foreign }, keep = true }),
            "createUser");

        Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("imported@example.com", "not-password")));
        Assert.Equal(foreign, await StoredHashAsync("imported@example.com"));
        GraphQLClient.Success(await _client.LoginByEmailAsync("imported@example.com", "password"), "loginByEmail");

        var upgraded = await StoredHashAsync("imported@example.com");
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", upgraded);
        GraphQLClient.Success(await _client.LoginByEmailAsync("imported@example.com", "password"), "loginByEmail");
    }

    private Task<string?> StoredHashAsync(string email) =>
        _app.QueryDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync());
}
