using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Accounts;

/// <summary>Password logins by email, username, phone and account; what a login records; uniform failures.</summary>
public sealed class LoginTests : IDisposable
{
    private const string ChromeOnWindows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public LoginTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task LoginByEmailReturnsTheUserWithAToken()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("Bob@x.com"), "registerByEmail");

        var user = GraphQLClient.Success(await _client.LoginByEmailAsync("bob@X.com"), "loginByEmail");

        Assert.Equal("Bob@x.com", user["email"]!.GetValue<string>());
        Assert.Equal(3, user["token"]!.GetValue<string>().Split('.').Length);
        Assert.NotNull(user["tokenExpiredAt"]);
    }

    [Fact]
    public async Task LoginWithWrongPasswordReturns2333()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("wrong@example.com"), "registerByEmail");

        var result = await _client.LoginByEmailAsync("wrong@example.com", "Not-The-Password-1");

        Assert.Equal(2333, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["loginByEmail"]);
    }

    [Fact]
    public async Task WrongEmailAndWrongPasswordGiveTheSameAnswer()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("same@example.com"), "registerByEmail");

        var wrongPassword = await _client.LoginByEmailAsync("same@example.com", "Not-The-Password-1");
        var wrongEmail = await _client.LoginByEmailAsync("nobody@example.com", "Not-The-Password-1");

        Assert.Equal(2333, GraphQLClient.ErrorCode(wrongEmail));
        Assert.Equal(wrongPassword.ToJsonString(), wrongEmail.ToJsonString());
    }

    [Fact]
    public async Task LoginByUsernameIgnoresCase()
    {
        GraphQLClient.Success(await _client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "Carol", password = GraphQLClient.Password } }), "registerByUsername");

        var exact = await LoginByUsername("Carol");
        var otherCase = await LoginByUsername("carol");

        // Note: issue 10 (look-alike identities): usernames are compared after NFKC + case fold, so "carol" is Carol.
        Assert.Equal("Carol", GraphQLClient.Success(exact, "loginByUsername")["username"]!.GetValue<string>());
        Assert.Equal("Carol", GraphQLClient.Success(otherCase, "loginByUsername")["username"]!.GetValue<string>());
        Assert.Equal(2333, GraphQLClient.ErrorCode(await LoginByUsername("carol2")));
    }

    [Fact]
    public async Task LoginByPhonePasswordUsesThePhoneSetByAnAdmin()
    {
        var (id, _) = await _client.RegisterAndLoginAsync("phone@example.com");
        await SetPhoneAsync(id, "13900000002");

        var result = await _client.PostAsync(Ops.LoginByPhonePassword,
            new { input = new { phone = "13900000002", password = GraphQLClient.Password } });

        Assert.Equal(id, GraphQLClient.Success(result, "loginByPhonePassword")["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("+8613900000012", "13900000012")]
    [InlineData("139 0000 0012", "+8613900000012")]
    public async Task APhoneWrittenInEitherFormFindsTheSameUser(string setAs, string loginAs)
    {
        var (id, _) = await _client.RegisterAndLoginAsync($"either{setAs.Length}@example.com");
        await SetPhoneAsync(id, setAs);

        var result = await _client.PostAsync(Ops.LoginByPhonePassword,
            new { input = new { phone = loginAs, password = GraphQLClient.Password } });

        Assert.Equal(id, GraphQLClient.Success(result, "loginByPhonePassword")["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("dave")]
    [InlineData("Dave@Example.com")]
    [InlineData("13900000003")]
    public async Task LoginByAccountAcceptsUsernameEmailOrPhone(string account)
    {
        var registered = await _client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "dave", password = GraphQLClient.Password } });
        var id = GraphQLClient.Success(registered, "registerByUsername")["id"]!.GetValue<string>();
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser,
            new { id, input = new { email = "dave@example.com", phone = "13900000003" } }, admin), "updateUser");

        var result = await _client.PostAsync(Ops.LoginByAccount, new { account, password = GraphQLClient.Password });

        Assert.Equal(id, GraphQLClient.Success(result, "loginByAccount")["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginByAccountWithWrongPasswordReturns2333()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("acct@example.com"), "registerByEmail");

        var result = await _client.PostAsync(Ops.LoginByAccount, new { account = "acct@example.com", password = "Not-The-Password-1" });

        Assert.Equal(2333, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task LoginRecordsCountTimeIpAndDeviceFromUserAgent()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("ua@example.com"), "registerByEmail");
        var headers = new Dictionary<string, string> { ["User-Agent"] = ChromeOnWindows };

        GraphQLClient.Success(await _client.LoginByEmailAsync("ua@example.com", headers: headers), "loginByEmail");
        var second = GraphQLClient.Success(await _client.LoginByEmailAsync("ua@example.com", headers: headers), "loginByEmail");

        Assert.Equal(2, second["loginsCount"]!.GetValue<int>());
        Assert.Equal("Chrome", second["browser"]!.GetValue<string>());
        Assert.Equal("Windows", second["device"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(second["lastIP"]?.GetValue<string>()));
        var lastLogin = DateTimeOffset.Parse(second["lastLogin"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(lastLogin, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task LoginWritesALoginLogRowOnSuccessAndOnFailure()
    {
        var (id, _) = await _client.RegisterAndLoginAsync("log@example.com");
        await _client.LoginByEmailAsync("log@example.com", "Not-The-Password-1");
        await _client.LoginByEmailAsync("ghost@example.com", "Not-The-Password-1");

        var rows = await _app.QueryDbAsync(db => db.LoginLogs.OrderBy(l => l.Id).ToListAsync());

        var success = Assert.Single(rows, r => r.Success && r.Method == "password:email");
        Assert.Equal(id, success.UserId);
        var failures = rows.Where(r => !r.Success).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(2333, f.ErrorCode));
        Assert.Equal(id, failures[0].UserId);
        Assert.Null(failures[1].UserId);
    }

    [Fact]
    public async Task BlockedUserCannotLogIn()
    {
        var (id, _) = await _client.RegisterAndLoginAsync("blocked@example.com");
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser, new { id, input = new { blocked = true } }, admin), "updateUser");

        var result = await _client.LoginByEmailAsync("blocked@example.com");

        Assert.Equal(2057, GraphQLClient.ErrorCode(result));
        var row = await _app.QueryDbAsync(db => db.LoginLogs.OrderByDescending(l => l.Id).FirstAsync());
        Assert.False(row.Success);
        Assert.Equal(2057, row.ErrorCode);
    }

    [Fact]
    public async Task LoginWithoutAPoolNamesTheMissingHeader()
    {
        using var http = _app.CreateClient();
        var bare = new GraphQLClient(http, "");
        var result = await bare.PostAsync(Ops.LoginByEmail, new { input = new { email = "a@example.com", password = GraphQLClient.Password } },
            headers: new Dictionary<string, string> { ["x-authing-userpool-id"] = " " });

        Assert.Equal(2044, GraphQLClient.ErrorCode(result));
    }

    private Task<System.Text.Json.Nodes.JsonNode> LoginByUsername(string username) =>
        _client.PostAsync(Ops.LoginByUsername, new { input = new { username, password = GraphQLClient.Password } });

    private async Task SetPhoneAsync(string id, string phone)
    {
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser, new { id, input = new { phone } }, admin), "updateUser");
    }
}
