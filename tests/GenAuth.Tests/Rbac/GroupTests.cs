using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

public sealed class GroupTests : IAsyncLifetime
{
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CreatedGroupIsReadListedUpdatedAndDeleted()
    {
        var created = await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "dev", name = "Developers", description = "d" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "ops", name = "Operators" });

        Assert.Equal("dev", created["code"]!.GetValue<string>());
        Assert.NotNull(created["createdAt"]);
        Assert.Equal("Developers", (await _admin.AdminAsync(RbacOps.Group, "group", new { code = "dev" }))["name"]!.GetValue<string>());
        var list = await _admin.AdminAsync(RbacOps.Groups, "groups", new { page = 1, limit = 10, sortBy = "CREATEDAT_ASC" });
        Assert.Equal(2, list["totalCount"]!.GetValue<int>());
        Assert.Equal(["dev", "ops"], RbacClient.Codes(list["list"]!));

        var updated = await _admin.AdminAsync(RbacOps.UpdateGroup, "updateGroup", new { code = "dev", name = "Devs", newCode = "devs" });
        Assert.Equal("devs", updated["code"]!.GetValue<string>());
        Assert.Equal("Devs", updated["name"]!.GetValue<string>());

        var deleted = await _admin.AdminAsync(RbacOps.DeleteGroups, "deleteGroups", new { codeList = new[] { "devs", "ops" } });
        Assert.Equal(200, deleted["code"]!.GetValue<int>());
        Assert.Equal(0, (await _admin.AdminAsync(RbacOps.Groups, "groups"))["totalCount"]!.GetValue<int>());
        var gone = await _admin.Client.PostAsync(RbacOps.Group, new { code = "devs" }, _admin.AdminToken);
        Assert.Null(gone["errors"]);
        Assert.Null(gone["data"]!["group"]);
    }

    [Fact]
    public async Task DuplicateGroupCodeIsRefused()
    {
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "dup", name = "A" });

        Assert.Equal(2511, await _admin.AdminErrorAsync(RbacOps.CreateGroup, new { code = "dup", name = "B" }));
    }

    [Fact]
    public async Task MembersAreAddedListedAndRemoved()
    {
        var users = await _admin.SeedUsersAsync(3);
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "g1", name = "G1" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "g2", name = "G2" });

        await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = users, code = "g1" });
        await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = new[] { users[0] }, code = "g2" });
        await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = new[] { users[0] }, code = "g1" });

        var members = await _admin.AdminAsync(RbacOps.GroupWithUsers, "group", new { code = "g1", page = 1, limit = 2 });
        Assert.Equal(3, members["users"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(2, members["users"]!["list"]!.AsArray().Count);
        var ofUser = await _admin.AdminAsync(RbacOps.GetUserGroups, "user", new { id = users[0] });
        Assert.Equal(["g1", "g2"], RbacClient.Codes(ofUser["groups"]!["list"]!));
        var filtered = await _admin.AdminAsync(RbacOps.Groups, "groups", new { userId = users[1] });
        Assert.Equal(["g1"], RbacClient.Codes(filtered["list"]!));

        await _admin.AdminAsync(RbacOps.RemoveUserFromGroup, "removeUserFromGroup", new { userIds = new[] { users[0] }, code = "g1" });
        ofUser = await _admin.AdminAsync(RbacOps.GetUserGroups, "user", new { id = users[0] });
        Assert.Equal(["g2"], RbacClient.Codes(ofUser["groups"]!["list"]!));
    }

    [Fact]
    public async Task AddingAnUnknownUserOrToAnUnknownGroupIsRefused()
    {
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "g", name = "G" });
        var users = await _admin.SeedUsersAsync(1);

        Assert.Equal(2004, await _admin.AdminErrorAsync(RbacOps.AddUserToGroup, new { userIds = new[] { "5f00000000000000000000ff" }, code = "g" }));
        Assert.Equal(2510, await _admin.AdminErrorAsync(RbacOps.AddUserToGroup, new { userIds = users, code = "nope" }));
    }

    [Fact]
    public async Task EndUsersAndOtherPoolsCannotManageGroups()
    {
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "secret", name = "S" });
        var (_, userToken) = await _admin.Client.RegisterAndLoginAsync("member@example.com");
        var other = await _app.CreatePoolAsync();
        var otherClient = _app.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherClient.ManagementTokenAsync(other.Secret, other.Pool.Id);

        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.Groups, token: userToken)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.CreateGroup, new { code = "x", name = "x" }, userToken)));
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(RbacOps.Group, new { code = "secret" })));
        var fromOtherPool = await otherClient.PostAsync(RbacOps.Group, new { code = "secret" }, otherAdmin);
        Assert.Null(fromOtherPool["data"]!["group"]);
        Assert.Equal(0, GraphQLClient.Success(await otherClient.PostAsync(RbacOps.Groups, token: otherAdmin), "groups")["totalCount"]!.GetValue<int>());
        Assert.Equal(2510, GraphQLClient.ErrorCode(await otherClient.PostAsync(RbacOps.UpdateGroup, new { code = "secret", name = "pwned" }, otherAdmin)));
    }
}
