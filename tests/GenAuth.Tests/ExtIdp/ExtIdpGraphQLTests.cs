using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.ExtIdp;

/// <summary>Identity sources through GraphQL for admins: the REST operations' twins, secrets never read back, users refused.</summary>
public sealed class ExtIdpGraphQLTests : ManagementTestBase
{
    private const string ConnSel = "id extIdpId type identifier displayName enabled fields userMatchFields";
    private const string Create = "mutation($i: CreateExtIdpInput!) { createExtIdp(input: $i) { id name type tenantId connections { " + ConnSel + " } } }";

    private static object Oauth2(string identifier, string secret) => new
    {
        type = "oauth2", identifier, displayName = "Corp SSO",
        fields = new JsonObject
        {
            ["authorizationEndpoint"] = "https://idp.example.com/authorize", ["tokenEndpoint"] = "https://idp.example.com/token",
            ["userInfoEndpoint"] = "https://idp.example.com/userinfo", ["clientId"] = "cid", ["clientSecret"] = secret,
        }.ToJsonString(),
        userMatchFields = new[] { "email" },
    };

    [Fact]
    public async Task AdminsManageSourcesAndConnectionsAndSecretsNeverComeBack()
    {
        const string secret = "gql-secret-value-123";
        var created = GraphQLClient.Success(await AdminAsync(Create,
            new { i = new { name = "Corp", type = "oauth2", tenantId = "t1", connections = new[] { Oauth2("gql-corp", secret) } } }), "createExtIdp");
        var id = created["id"]!.GetValue<string>();
        var conn = created["connections"]![0]!;
        Assert.Equal("gql-corp", conn["identifier"]!.GetValue<string>());
        Assert.Equal("cid", JsonNode.Parse(conn["fields"]!.GetValue<string>())!["clientId"]!.GetValue<string>());
        Assert.DoesNotContain(secret, created.ToJsonString());

        var listed = GraphQLClient.Success(await AdminAsync("{ extIdps { id connections { fields } } }"), "extIdps");
        Assert.Contains(listed.AsArray(), x => x!["id"]!.GetValue<string>() == id);
        Assert.DoesNotContain(secret, listed.ToJsonString());
        Assert.Equal("Corp", GraphQLClient.Success(await AdminAsync("query($id: String!) { extIdp(id: $id) { name } }", new { id }), "extIdp")["name"]!.GetValue<string>());

        // Identifier check: taken → false, free → true, malformed → the field error.
        Assert.False(GraphQLClient.Success(await AdminAsync("mutation { checkExtIdpConnIdentifier(identifier: \"gql-corp\") }"), "checkExtIdpConnIdentifier").GetValue<bool>());
        Assert.True(GraphQLClient.Success(await AdminAsync("mutation { checkExtIdpConnIdentifier(identifier: \"gql-free\") }"), "checkExtIdpConnIdentifier").GetValue<bool>());

        // Update without the secret keeps it (sealed); the display name changes; off and on again.
        var connId = conn["id"]!.GetValue<string>();
        var updated = GraphQLClient.Success(await AdminAsync("mutation($id: String!, $i: ExtIdpConnInput!) { updateExtIdpConn(id: $id, input: $i) { displayName fields } }",
            new { id = connId, i = new { displayName = "Corp 2" } }), "updateExtIdpConn");
        Assert.Equal("Corp 2", updated["displayName"]!.GetValue<string>());
        var sealedSecrets = await App.QueryDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.ExtIdpConns, c => c.Id == connId));
        Assert.NotNull(sealedSecrets.SealedSecrets);
        Assert.DoesNotContain(secret, sealedSecrets.FieldsJson);
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { changeExtIdpConnectionState(id: $id, enabled: false) { code } }", new { id = connId }),
            "changeExtIdpConnectionState");
        Assert.False(await App.QueryDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            db.ExtIdpConns, c => c.Id == connId && c.Enabled)));

        var added = GraphQLClient.Success(await AdminAsync("mutation($x: String!, $i: ExtIdpConnInput!) { createExtIdpConn(extIdpId: $x, input: $i) { id } }",
            new { x = id, i = Oauth2("gql-corp-2", secret) }), "createExtIdpConn");
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { deleteExtIdpConn(id: $id) { code } }", new { id = added["id"]!.GetValue<string>() }),
            "deleteExtIdpConn");
        GraphQLClient.Success(await AdminAsync("mutation($id: String!) { deleteExtIdp(id: $id) { code } }", new { id }), "deleteExtIdp");
        Assert.Equal(ErrorCodes.ExtIdpNotFound.Code, GraphQLClient.ErrorCode(await AdminAsync("query($id: String!) { extIdp(id: $id) { id } }", new { id })));
    }

    [Fact]
    public async Task BadFieldsAreAFieldErrorAndUsersAreRefused()
    {
        var bad = await AdminAsync(Create, new { i = new { name = "Bad", type = "oauth2", connections = new[] { new { type = "oauth2", identifier = "gql-bad", displayName = "B", fields = "[1,2]" } } } });
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, GraphQLClient.ErrorCode(bad));
        var notJson = await AdminAsync(Create, new { i = new { name = "Bad", type = "oauth2", connections = new[] { new { type = "oauth2", identifier = "gql-bad", displayName = "B", fields = "{nope" } } } });
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, GraphQLClient.ErrorCode(notJson));

        var (_, userToken) = await Client.RegisterAndLoginAsync("gql-extidp-user@example.com");
        var refused = await Client.PostAsync("{ extIdps { id } }", null, userToken);
        Assert.Equal(ErrorCodes.Forbidden.Code, GraphQLClient.ErrorCode(refused));
        Assert.Equal(ErrorCodes.NotLoggedIn.Code, GraphQLClient.ErrorCode(await Client.PostAsync("{ extIdps { id } }")));
    }
}
