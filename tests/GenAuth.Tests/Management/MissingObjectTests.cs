using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

/// <summary>
/// Issue 15: every delete and update of an object that does not exist answers that object's GenAuth "not found" code,
/// never a silent success; a batch naming one missing object deletes nothing.
/// </summary>
public sealed class MissingObjectTests : ManagementTestBase
{
    private const string Missing = "5f00000000000000000fff01";

    [Theory]
    [InlineData("mutation { deleteGroups(codeList: [\"no-such-group\"]) { code } }", 2510)]
    [InlineData("mutation { updateGroup(code: \"no-such-group\", name: \"x\") { code } }", 2510)]
    [InlineData("mutation { deleteRole(code: \"no-such-role\") { code } }", 2520)]
    [InlineData("mutation { deleteRoles(codeList: [\"no-such-role\"]) { code } }", 2520)]
    [InlineData("mutation { updateRole(code: \"no-such-role\", description: \"x\") { code } }", 2520)]
    [InlineData("mutation { deleteResource(code: \"no-such-resource\") { code } }", 2540)]
    [InlineData("mutation { updateResource(code: \"no-such-resource\", description: \"x\") { code } }", 2540)]
    [InlineData("mutation { deleteOrg(id: \"" + Missing + "\") { code } }", 2530)]
    [InlineData("mutation { updateNode(id: \"" + Missing + "\", name: \"x\") { id } }", 2531)]
    [InlineData("mutation { updateApplication(id: \"" + Missing + "\", name: \"x\") { id } }", 2043)]
    [InlineData("mutation { deleteUser(id: \"" + Missing + "\") { code } }", 2004)]
    [InlineData("mutation { deleteUsers(ids: [\"" + Missing + "\"]) { code } }", 2004)]
    [InlineData("mutation { updateUser(id: \"" + Missing + "\", input: { nickname: \"x\" }) { id } }", 2004)]
    [InlineData("mutation { removeUdf(targetType: USER, key: \"no_such_field\") { code } }", 2601)]
    public async Task DeletingOrUpdatingAMissingObjectAnswersItsNotFoundCode(string mutation, int code) =>
        Assert.Equal(code, Code(await AdminAsync(mutation)));

    [Fact]
    public async Task DeletingANodeOfAMissingOrgAnswersNodeNotFound() =>
        Assert.Equal(2531, Code(await AdminAsync($"mutation {{ deleteNode(orgId: \"{Missing}\", nodeId: \"{Missing}\") {{ code }} }}")));

    [Fact]
    public async Task ABatchWithOneMissingGroupDeletesNothing()
    {
        GraphQLClient.Success(await AdminAsync("mutation { createGroup(code: \"kept\", name: \"Kept\") { code } }"), "createGroup");

        Assert.Equal(2510, Code(await AdminAsync("mutation { deleteGroups(codeList: [\"kept\", \"no-such-group\"]) { code } }")));

        var group = GraphQLClient.Success(await AdminAsync("query { group(code: \"kept\") { code } }"), "group");
        Assert.Equal("kept", group["code"]!.GetValue<string>());
        GraphQLClient.Success(await AdminAsync("mutation { deleteGroups(codeList: [\"kept\"]) { code } }"), "deleteGroups");
    }

    [Fact]
    public async Task ABatchWithOneMissingRoleDeletesNothing()
    {
        GraphQLClient.Success(await AdminAsync("mutation { createRole(code: \"kept-role\") { code } }"), "createRole");

        Assert.Equal(2520, Code(await AdminAsync("mutation { deleteRoles(codeList: [\"kept-role\", \"no-such-role\"]) { code } }")));

        var role = GraphQLClient.Success(await AdminAsync("query { role(code: \"kept-role\") { code } }"), "role");
        Assert.Equal("kept-role", role["code"]!.GetValue<string>());
    }
}
