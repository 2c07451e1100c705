using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Accounts;

/// <summary>
/// The inputs that feed Core's "fields supplied" model (updateUser, the registration profile) keep absent apart from
/// null: a field left out is untouched, a field set to null is supplied.
/// </summary>
public sealed class PartialInputTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public PartialInputTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task UpdateUserLeavesOutFieldsAloneAndClearsFieldsSetToNull()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("partial@example.com");
        GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser, new { input = new { nickname = "Prof", company = "Acme" } }, token), "updateUser");

        var renamed = GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser, new { input = new { nickname = "Doc" } }, token), "updateUser");
        var cleared = GraphQLClient.Success(await _client.PostAsync(Ops.UpdateUser, new { input = new { company = (string?)null } }, token), "updateUser");
        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");

        Assert.Equal("Acme", renamed["company"]!.GetValue<string>());
        Assert.Null(cleared["company"]);
        Assert.Equal("Doc", cleared["nickname"]!.GetValue<string>());
        Assert.Null(me["company"]);
        Assert.Equal("Doc", me["nickname"]!.GetValue<string>());
    }

    [Fact]
    public async Task AUserCantSupplyAnAdminFieldEvenAsNull()
    {
        var (_, token) = await _client.RegisterAndLoginAsync("self@example.com");

        var result = await _client.PostAsync(Ops.UpdateUser, new { input = new { email = (string?)null } }, token);
        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: token), "user");

        Assert.Equal(403, GraphQLClient.ErrorCode(result));
        Assert.Equal("self@example.com", me["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheRegistrationProfileRefusesASuppliedEmailAndAppliesTheRest()
    {
        var refused = await _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "reg1@example.com", password = GraphQLClient.Password, profile = new { email = (string?)null } } });
        var registered = await _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "reg2@example.com", password = GraphQLClient.Password, profile = new { nickname = "Reg", username = "reg2" } } });

        Assert.Equal(403, GraphQLClient.ErrorCode(refused));
        var user = GraphQLClient.Success(registered, "registerByEmail");
        Assert.Equal("reg2", user["username"]!.GetValue<string>());
        var login = GraphQLClient.Success(await _client.LoginByEmailAsync("reg2@example.com"), "loginByEmail");
        var me = GraphQLClient.Success(await _client.PostAsync(Ops.User, token: login["token"]!.GetValue<string>()), "user");
        Assert.Equal("Reg", me["nickname"]!.GetValue<string>());
    }
}
