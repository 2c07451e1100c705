using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Accounts;

/// <summary>registerByEmail / registerByUsername: uniqueness per pool, password policy (R10), storage, error shapes.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public RegistrationTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task RegisterByEmailCreatesAUserInTheCallersPool()
    {
        var user = GraphQLClient.Success(await _client.RegisterByEmailAsync("ann@example.com"), "registerByEmail");

        Assert.Equal("ann@example.com", user["email"]!.GetValue<string>());
        Assert.Equal(_app.UserPoolId, user["userPoolId"]!.GetValue<string>());
        Assert.Equal(24, user["id"]!.GetValue<string>().Length);
        Assert.Null(user["token"]);
    }

    [Fact]
    public async Task RegisterWithGenerateTokenReturnsAUsableToken()
    {
        var result = await _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "tok@example.com", password = GraphQLClient.Password, generateToken = true } });
        var token = GraphQLClient.Success(result, "registerByEmail")["token"]!.GetValue<string>();

        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");
        Assert.Equal("tok@example.com", me["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegisterByUsernameCreatesAUser()
    {
        var result = await _client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "alice", password = GraphQLClient.Password } });

        Assert.Equal("alice", GraphQLClient.Success(result, "registerByUsername")["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmailIsUniqueIgnoringCase()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("Bob@x.com"), "registerByEmail");

        var again = await _client.RegisterByEmailAsync("bob@X.COM");

        Assert.Equal(2026, GraphQLClient.ErrorCode(again));
        Assert.Null(again["data"]!["registerByEmail"]);
    }

    [Fact]
    public async Task UsernameIsUniqueIgnoringCase()
    {
        // Note: issue 10 (look-alike identities) made usernames case-insensitive: "alice" after "Alice" is a duplicate.
        var first = await RegisterUsername("Alice");
        var otherCase = await RegisterUsername("alice");
        var same = await RegisterUsername("Alice");

        GraphQLClient.Success(first, "registerByUsername");
        Assert.Equal(2026, GraphQLClient.ErrorCode(otherCase));
        Assert.Equal(2026, GraphQLClient.ErrorCode(same));
    }

    [Fact]
    public async Task PhoneIsUniqueInThePool()
    {
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        var (a, _) = await _client.RegisterAndLoginAsync("pa@example.com");
        var (b, _) = await _client.RegisterAndLoginAsync("pb@example.com");

        var first = await _client.PostAsync(Ops.UpdateUser, new { id = a, input = new { phone = "13800000001" } }, admin);
        var second = await _client.PostAsync(Ops.UpdateUser, new { id = b, input = new { phone = "138 0000-0001" } }, admin);

        GraphQLClient.Success(first, "updateUser");
        Assert.Equal(2026, GraphQLClient.ErrorCode(second));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("two@@example.com")]
    [InlineData("")]
    public async Task InvalidEmailReturns2003(string email)
    {
        Assert.Equal(2003, GraphQLClient.ErrorCode(await _client.RegisterByEmailAsync(email)));
    }

    [Theory]
    [InlineData("Short-7")]
    [InlineData("password")]
    [InlineData("Baseball")]
    [InlineData("12345678")]
    public async Task ShortOrCommonPasswordIsRefused(string password)
    {
        var result = await _client.RegisterByEmailAsync("weak@example.com", password);

        Assert.Equal(2040, GraphQLClient.ErrorCode(result));
        var exists = await _client.PostAsync("{ isUserExists(email: \"weak@example.com\") }");
        Assert.False(exists["data"]!["isUserExists"]!.GetValue<bool>());
    }

    [Fact]
    public async Task EightCharacterPasswordIsAccepted()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("eight@example.com", "kT9#vq2L"), "registerByEmail");
    }

    [Fact]
    public async Task LongPasswordIsAcceptedAndNotTruncated()
    {
        var password = string.Concat(Enumerable.Repeat("Tr0ub4dor&3-", 9)) + "Z"; // 109 characters
        GraphQLClient.Success(await _client.RegisterByEmailAsync("long@example.com", password), "registerByEmail");

        var full = await _client.LoginByEmailAsync("long@example.com", password);
        var prefix = await _client.LoginByEmailAsync("long@example.com", password[..^1]);

        GraphQLClient.Success(full, "loginByEmail");
        Assert.Equal(2333, GraphQLClient.ErrorCode(prefix));
    }

    [Fact]
    public async Task PasswordIsStoredAsArgon2idPhcString()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("hash@example.com"), "registerByEmail");

        var hash = await _app.QueryDbAsync(db => db.Users.Where(u => u.Email == "hash@example.com")
            .Select(u => u.PasswordHash).SingleAsync());

        Assert.StartsWith("$argon2id$v=19$m=", hash);
        Assert.DoesNotContain(GraphQLClient.Password, hash);
        var parameters = hash!.Split('$')[3].Split(',').ToDictionary(p => p.Split('=')[0], p => int.Parse(p.Split('=')[1]));
        Assert.True(parameters["m"] >= 19 * 1024 && parameters["t"] >= 2, hash);
    }

    [Theory]
    [InlineData("en-US", "This email is already registered")]
    [InlineData("zh-CN", "邮箱已注册")]
    public async Task ErrorMessagesFollowXAuthingLang(string lang, string message)
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("lang@example.com"), "registerByEmail");

        var result = await _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "lang@example.com", password = GraphQLClient.Password } },
            headers: new Dictionary<string, string> { ["x-authing-lang"] = lang });

        Assert.Equal(2026, GraphQLClient.ErrorCode(result));
        Assert.Equal(message, GraphQLClient.ErrorMessage(result));
    }

    [Fact]
    public async Task SdkRequestsGetTheLegacyErrorShape()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("sdk@example.com"), "registerByEmail");

        var result = await _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "sdk@example.com", password = GraphQLClient.Password } },
            headers: new Dictionary<string, string> { ["x-authing-sdk-version"] = "4.23.55", ["x-authing-lang"] = "en-US" });

        var message = result["errors"]![0]!["message"]!;
        Assert.Equal(2026, message["code"]!.GetValue<int>());
        Assert.Equal("This email is already registered", message["message"]!.GetValue<string>());
        Assert.True(message.AsObject().ContainsKey("data"));
    }

    private Task<System.Text.Json.Nodes.JsonNode> RegisterUsername(string username) =>
        _client.PostAsync(Ops.RegisterByUsername, new { input = new { username, password = GraphQLClient.Password } });
}
