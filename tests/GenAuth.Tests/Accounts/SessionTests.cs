using System.Net;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Accounts;

/// <summary>What ends or renews a session: updatePassword (R10), refreshToken, logout over GraphQL and REST.</summary>
public sealed class SessionTests : IDisposable
{
    private const string UpdatePassword =
        "mutation($newPassword: String!, $oldPassword: String) { updatePassword(newPassword: $newPassword, oldPassword: $oldPassword) { id } }";

    private const string NewPassword = "Battery-Staple-37";

    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public SessionTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task UpdatePasswordWithWrongOldPasswordReturns1320011()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("old@example.com");

        var result = await _client.PostAsync(UpdatePassword, new { newPassword = NewPassword, oldPassword = "Not-The-Password-1" }, token);

        Assert.Equal(1320011, GraphQLClient.ErrorCode(result));
        GraphQLClient.Success(await _client.LoginByEmailAsync("old@example.com"), "loginByEmail");
    }

    [Fact]
    public async Task UpdatePasswordWithoutOldPasswordReturns1320011()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("noold@example.com");

        var result = await _client.PostAsync(UpdatePassword, new { newPassword = NewPassword }, token);

        Assert.Equal(1320011, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task UpdatePasswordToACommonPasswordIsRefused()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("common@example.com");

        var result = await _client.PostAsync(UpdatePassword, new { newPassword = "password", oldPassword = GraphQLClient.Password }, token);

        Assert.Equal(2040, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task UpdatePasswordSwapsPasswordsAndRevokesOtherSessions()
    {
        var (_, current) = await _client.RegisterAndLoginAsync("change@example.com");
        var other = GraphQLClient.Success(await _client.LoginByEmailAsync("change@example.com"), "loginByEmail")["token"]!.GetValue<string>();

        var result = await _client.PostAsync(UpdatePassword, new { newPassword = NewPassword, oldPassword = GraphQLClient.Password }, current);

        GraphQLClient.Success(result, "updatePassword");
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await _client.PostAsync(Ops.User, token: other)));
        GraphQLClient.Success(await _client.PostAsync(Ops.User, token: current), "user");
        Assert.Equal(2333, GraphQLClient.ErrorCode(await _client.LoginByEmailAsync("change@example.com")));
        GraphQLClient.Success(await _client.LoginByEmailAsync("change@example.com", NewPassword), "loginByEmail");
    }

    [Fact]
    public async Task RefreshTokenIssuesAWorkingTokenForTheSameSession()
    {
        var (id, token) = await _client.RegisterAndLoginAsync("refresh@example.com");

        var refreshed = GraphQLClient.Success(await _client.PostAsync("mutation { refreshToken { token iat exp } }", token: token), "refreshToken");
        var newToken = refreshed["token"]!.GetValue<string>();

        Assert.True(refreshed["exp"]!.GetValue<int>() > refreshed["iat"]!.GetValue<int>());
        Assert.Equal(id, GraphQLClient.Success(await _client.PostAsync(Ops.User, token: newToken), "user")["id"]!.GetValue<string>());
        GraphQLClient.Success(await _client.PostAsync(Ops.Logout, token: newToken), "logout");
        Assert.NotNull((await _client.PostAsync(Ops.User, token: token))["errors"]);
    }

    [Fact]
    public async Task RefreshTokenWithoutTokenReturns2020()
    {
        var result = await _client.PostAsync("mutation { refreshToken { token } }");

        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task LogoutMutationRevokesTheToken()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("logout@example.com");
        var (_, otherToken) = await _client.RegisterAndLoginAsync("stays@example.com");

        var result = await _client.PostAsync(Ops.Logout, token: token);

        Assert.Equal(200, GraphQLClient.Success(result, "logout")["code"]!.GetValue<int>());
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await _client.PostAsync(Ops.User, token: token)));
        var status = GraphQLClient.Success(await _client.PostAsync(Ops.CheckLoginStatus, new { token }), "checkLoginStatus");
        Assert.False(status["status"]!.GetValue<bool>());
        GraphQLClient.Success(await _client.PostAsync(Ops.User, token: otherToken), "user");
    }

    [Theory]
    [InlineData("GET", "/api/v2/logout?app_id={app}")]
    [InlineData("POST", "/api/v2/logout?app_id={app}")]
    [InlineData("GET", "/logout?app_id={app}")]
    [InlineData("GET", "/logout")]
    public async Task RestLogoutRevokesTheToken(string method, string path)
    {
        var (_, token) = await _client.RegisterAndLoginAsync("rest@example.com");

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{app}", _app.AppId));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, (await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
        Assert.Equal(1010001, GraphQLClient.ErrorCode(await _client.PostAsync(Ops.User, token: token)));
    }

    [Fact]
    public async Task RestLogoutWithoutSessionStillSucceeds()
    {
        using var response = await _client.Http.GetAsync($"/api/v2/logout?app_id={_app.AppId}");

        Assert.Equal(200, (await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task LogoutMutationWithoutTokenReturns2020()
    {
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _client.PostAsync(Ops.Logout)));
    }
}
