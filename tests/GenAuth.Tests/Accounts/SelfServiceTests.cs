using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Accounts;

/// <summary>The signed-in user's own account: user, updateUser, deleteAccount, checkLoginStatus, checkPasswordStrength, isUserExists.</summary>
public sealed class SelfServiceTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public SelfServiceTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task UserReturnsTheUserOfTheToken()
    {
        var (id, token) = await _client.RegisterAndLoginAsync("me@example.com");

        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");

        Assert.Equal(id, me["id"]!.GetValue<string>());
        Assert.Equal("me@example.com", me["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task UserWithoutTokenReturns2020()
    {
        var result = await _client.PostAsync(Ops.User);

        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["user"]);
    }

    [Fact]
    public async Task UserByIdIsForAdminsOnly()
    {
        var (id, _) = await _client.RegisterAndLoginAsync("target@example.com");
        var (_, otherToken) = await _client.RegisterAndLoginAsync("other@example.com");
        var admin = await _client.ManagementTokenAsync(_app.Secret);

        var asAdmin = await _client.PostAsync(Ops.User, new { id }, admin);
        var asOtherUser = await _client.PostAsync(Ops.User, new { id }, otherToken);

        Assert.Equal("target@example.com", GraphQLClient.Success(asAdmin, "user")["email"]!.GetValue<string>());
        Assert.Equal(403, GraphQLClient.ErrorCode(asOtherUser));
        Assert.Null(asOtherUser["data"]!["user"]);
    }

    [Fact]
    public async Task UserByUnknownIdForAdminReturns2004()
    {
        var admin = await _client.ManagementTokenAsync(_app.Secret);

        var result = await _client.PostAsync(Ops.User, new { id = "5f00000000000000000000ff" }, admin);

        Assert.Equal(2004, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task UpdateUserChangesTheCallersProfileFields()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("profile@example.com");

        var updated = await _client.PostAsync(Ops.UpdateUser, new { input = new { nickname = "Prof", company = "Acme" } }, token);
        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");

        Assert.Equal("Prof", GraphQLClient.Success(updated, "updateUser")["nickname"]!.GetValue<string>());
        Assert.Equal("Prof", me["nickname"]!.GetValue<string>());
        Assert.Equal("Acme", me["company"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("email", "new@example.com")]
    [InlineData("phone", "13700000001")]
    [InlineData("password", "Another-Horse-92")]
    public async Task UpdateUserRefusesEmailPhoneAndPasswordForTheUser(string field, string value)
    {
        var (_, token) = await _client.RegisterAndLoginAsync("locked@example.com");

        var result = await _client.PostAsync(Ops.UpdateUser, new { input = new Dictionary<string, string> { [field] = value } }, token);

        Assert.Equal(403, GraphQLClient.ErrorCode(result));
        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");
        Assert.Equal("locked@example.com", me["email"]!.GetValue<string>());
        Assert.Null(me["phone"]);
        GraphQLClient.Success(await _client.LoginByEmailAsync("locked@example.com"), "loginByEmail");
    }

    [Fact]
    public async Task UpdateUserToAUsernameTakenInThePoolReturns2026()
    {
        GraphQLClient.Success(await _client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "taken", password = GraphQLClient.Password } }), "registerByUsername");
        var (_, token) = await _client.RegisterAndLoginAsync("rename@example.com");

        var result = await _client.PostAsync(Ops.UpdateUser, new { input = new { username = "taken" } }, token);

        Assert.Equal(2026, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task UpdateUserWithoutTokenReturns2020()
    {
        var result = await _client.PostAsync(Ops.UpdateUser, new { input = new { nickname = "x" } });

        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task DeleteAccountRemovesTheUserEndsItsSessionsAndFreesTheEmail()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("bye@example.com");

        var deleted = await _client.PostAsync("mutation { deleteAccount { code } }", token: token);

        Assert.Equal(200, GraphQLClient.Success(deleted, "deleteAccount")["code"]!.GetValue<int>());
        Assert.NotNull((await _client.PostAsync(Ops.User, token: token))["errors"]);
        Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("bye@example.com")));
        Assert.False(await ExistsAsync("email: \"bye@example.com\""));
        GraphQLClient.Success(await _client.RegisterByEmailAsync("bye@example.com"), "registerByEmail");
    }

    [Fact]
    public async Task CheckLoginStatusReportsAValidToken()
    {
        var (id, token) = await _client.RegisterAndLoginAsync("status@example.com");

        var status = GraphQLClient.Success(await _client.PostAsync(Ops.CheckLoginStatus, new { token }), "checkLoginStatus");

        Assert.True(status["status"]!.GetValue<bool>());
        Assert.Equal(200, status["code"]!.GetValue<int>());
        Assert.Equal(id, status["data"]!["id"]!.GetValue<string>());
        Assert.Equal(_app.UserPoolId, status["data"]!["userPoolId"]!.GetValue<string>());
        Assert.True(status["exp"]!.GetValue<int>() > status["iat"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    public async Task CheckLoginStatusReportsAnInvalidToken(string token)
    {
        var status = GraphQLClient.Success(await _client.PostAsync(Ops.CheckLoginStatus, new { token }), "checkLoginStatus");

        Assert.False(status["status"]!.GetValue<bool>());
        Assert.Equal(1010001, status["code"]!.GetValue<int>());
        Assert.Null(status["data"]);
    }

    [Theory]
    [InlineData("Correct-Horse-91", true)]
    [InlineData("short", false)]
    [InlineData("password", false)]
    [InlineData("iloveyou", false)]
    public async Task CheckPasswordStrengthAppliesThePoolPolicy(string password, bool valid)
    {
        var result = await _client.PostAsync("query($p: String!) { checkPasswordStrength(password: $p) { valid message } }", new { p = password });

        var strength = GraphQLClient.Success(result, "checkPasswordStrength");
        Assert.Equal(valid, strength["valid"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(strength["message"]?.GetValue<string>()));
    }

    [Fact]
    public async Task IsUserExistsMatchesEmailAndUsernameIgnoringCase()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("Exists@Example.com"), "registerByEmail");
        GraphQLClient.Success(await _client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "Erin", password = GraphQLClient.Password } }), "registerByUsername");

        Assert.True(await ExistsAsync("email: \"exists@example.COM\""));
        Assert.True(await ExistsAsync("username: \"Erin\""));
        Assert.True(await ExistsAsync("username: \"erin\"")); // issue 10: usernames are case-insensitive
        Assert.False(await ExistsAsync("username: \"erin2\""));
        Assert.False(await ExistsAsync("email: \"missing@example.com\""));
        Assert.False(await ExistsAsync("phone: \"13600000000\""));
    }

    private async Task<bool> ExistsAsync(string arguments) =>
        GraphQLClient.Success(await _client.PostAsync($"{{ isUserExists({arguments}) }}"), "isUserExists").GetValue<bool>();
}
