using System.Net.WebSockets;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Transports;

namespace GenAuth.Tests.Management;

/// <summary>
/// Issue 10, hole 7: an admin's change of a user's password, email or phone ends the user's sessions (tokens and
/// running subscriptions), unless the admin passes keepSessions: true. Profile edits leave sessions alone.
/// </summary>
public sealed class AdminCredentialChangeTests : ManagementTestBase
{
    private const string UpdateKeeping = "mutation($id: String, $input: UpdateUserInput!, $keep: Boolean) { updateUser(id: $id, input: $input, keepSessions: $keep) { id } }";

    public static TheoryData<string> Credentials => ["password", "email", "phone"];

    private static object InputFor(string field) => field switch
    {
        "password" => new { password = "Another-Strong-77" },
        "email" => new { email = "moved@example.com" },
        _ => new { phone = "13700000009" },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task AnAdminsCredentialChangeEndsTheUsersSessions(string field)
    {
        var (id, token) = await Client.RegisterAndLoginAsync($"{field}@example.com");
        var appToken = GraphQLClient.Success(await Client.LoginByEmailAsync($"{field}@example.com",
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = App.AppId }), "loginByEmail")["token"]!.GetValue<string>();

        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = InputFor(field) }), "updateUser");

        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: appToken, headers: new Dictionary<string, string> { ["x-authing-app-id"] = App.AppId })));
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task KeepSessionsTrueKeepsThem(string field)
    {
        var (id, token) = await Client.RegisterAndLoginAsync($"keep-{field}@example.com");

        GraphQLClient.Success(await AdminAsync(UpdateKeeping, new { id, input = InputFor(field), keep = true }), "updateUser");

        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: token), "user");
    }

    [Fact]
    public async Task ProfileEditsAndUnchangedValuesKeepSessionsAndBlockingEndsThemEvenWithKeepSessions()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("same@example.com");

        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = new { nickname = "Neo", email = "same@example.com" } }), "updateUser");
        GraphQLClient.Success(await Client.PostAsync(Ops.User, token: token), "user");

        GraphQLClient.Success(await AdminAsync(UpdateKeeping, new { id, input = new { blocked = true }, keep = true }), "updateUser");
        Assert.Equal(1010001, Code(await Client.PostAsync(Ops.User, token: token)));
    }

    [Fact]
    public async Task AnAdminsPasswordChangeEndsTheUsersRunningSubscription()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("streaming@example.com");
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        using (var cts = new CancellationTokenSource(TransportTestServer.Guard))
            await socket.ConnectAsync(new UriBuilder(new Uri(Client.Http.BaseAddress!, GenAuthApp.GraphQLPath)) { Scheme = "ws" }.Uri, cts.Token);
        using var ws = new WsTestClient(socket);
        await ws.InitAsync(new { token });
        await ws.SendAsync(new { id = "tick", type = "subscribe", payload = new { query = "subscription { serverTime(intervalMs: 100) }" } });
        Assert.Equal("next", (await ws.ReceiveAsync()).GetProperty("type").GetString());

        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = new { password = "Another-Strong-77" } }), "updateUser");

        var error = await ws.ReceiveWithinGuardAsync("next");
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(1010001, error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetInt32());
        Assert.Equal(4403, await ws.ReceiveCloseAsync());
    }
}
