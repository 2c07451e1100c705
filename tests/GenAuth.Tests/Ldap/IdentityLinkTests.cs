using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Ldap;

/// <summary>
/// Linked identities (issue 12): the user's own list and unlink (/api/v3/get-identities, /api/v3/unlink-extidp,
/// /api/v2/users/unlink), an admin's link and unlink (/api/v2/users/identity/link|unlink), and account linking moving the
/// identities. Directory logins make the identities (a real slapd), so no browser is needed.
/// </summary>
public sealed class IdentityLinkTests(LdapFixture f) : IClassFixture<LdapFixture>
{
    private async Task<(string Id, string Token)> LoginAsync(string mutation, string user, string password, string conn)
    {
        var field = mutation == "ad" ? "loginByAD" : "loginByLdap";
        var result = await f.Host.Gql.PostAsync($"mutation($u: String!, $p: String!, $c: String) {{ {field}(username: $u, password: $p, connection: $c) {{ id token }} }}",
            new { u = user, p = password, c = conn });
        var u = GraphQLClient.Success(result, field);
        return (u["id"]!.GetValue<string>(), u["token"]!.GetValue<string>());
    }

    private async Task<JsonArray> MineAsync(string token)
    {
        var answer = await f.RestAsync(HttpMethod.Get, "/api/v3/get-identities", token: token);
        Assert.Equal(200, answer["code"]!.GetValue<int>());
        return answer["data"]!.AsArray();
    }

    private static int Code(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    private async Task<string> OtherSourceAsync(string identifier)
    {
        var created = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdp", new
        {
            name = "Other", type = "oauth2",
            connections = new object[]
            {
                new
                {
                    type = "oauth2", identifier, displayName = "Other",
                    fields = new
                    {
                        authorizationEndpoint = "https://idp.example.com/authorize", tokenEndpoint = "https://idp.example.com/token",
                        userInfoEndpoint = "https://idp.example.com/userinfo", clientId = "cid", clientSecret = "s3cret-value",
                    },
                },
            },
        });
        Assert.Equal(200, Code(created));
        return created["data"]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task TheLastWayToSignInCantBeUnlinkedByTheUserOrAnAdminButASecondIdentityFreesIt()
    {
        // bob signs in through AD only: no password, email or phone on the account, one identity.
        var (id, token) = await LoginAsync("ad", "bob", "bob-Pa55", "ad1");
        var mine = Assert.Single(await MineAsync(token))!;
        Assert.Equal(f.ExtIdpId, mine["extIdpId"]!.GetValue<string>());
        Assert.Equal(Slapd.BobGuid, mine["userIdInIdp"]!.GetValue<string>());
        Assert.Equal("ad", mine["provider"]!.GetValue<string>());

        Assert.Equal(ErrorCodes.ExtLastSignInMethod.Code, Code(await f.RestAsync(HttpMethod.Post, "/api/v3/unlink-extidp", new { extIdpId = f.ExtIdpId }, token: token)));
        Assert.Equal(ErrorCodes.ExtLastSignInMethod.Code, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/unlink",
            new { userId = id, extIdpId = f.ExtIdpId, identifier = "ad1", isSocial = false })));
        Assert.Single(await MineAsync(token));
        Assert.Equal(ErrorCodes.ExtIdentityNotLinked.Code, Code(await f.RestAsync(HttpMethod.Post, "/api/v3/unlink-extidp",
            new { extIdpId = "5f0000000000000000000c99" }, token: token)));

        // An admin links a second identity (another source): now the directory one may go.
        var other = await OtherSourceAsync("other-bob");
        Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId = id, userIdInIdp = "ext-bob-42", isSocial = true, identifier = "other-bob", extIdpId = other })));
        Assert.Equal(2, (await MineAsync(token)).Count);
        Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v3/unlink-extidp", new { extIdpId = f.ExtIdpId }, token: token)));
        var left = Assert.Single(await MineAsync(token))!;
        Assert.Equal("ext-bob-42", left["userIdInIdp"]!.GetValue<string>());
        Assert.Equal(other, left["extIdpId"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoUnlinksAtOnceOfTheLastTwoIdentitiesNeverLeaveTheUserWithoutAWayIn()
    {
        var first = await OtherSourceAsync("race-a-" + Guid.NewGuid().ToString("N")[..6]);
        var second = await OtherSourceAsync("race-b-" + Guid.NewGuid().ToString("N")[..6]);
        for (var round = 0; round < 8; round++)
        {
            // A user with no password, email or phone: the two identities are its only ways in.
            var created = await f.Host.AdminGqlAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }",
                new { u = new { username = $"race-{round}-{Guid.NewGuid():N}"[..24] } });
            var id = GraphQLClient.Success(created, "createUser")["id"]!.GetValue<string>();
            foreach (var source in new[] { first, second })
            {
                var identifier = await f.Host.App.QueryDbAsync(db => db.ExtIdpConns.IgnoreQueryFilters()
                    .Where(c => c.ExtIdpId == source).Select(c => c.Identifier).SingleAsync());
                Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
                    new { userId = id, userIdInIdp = $"u-{round}-{id}", isSocial = true, identifier, extIdpId = source })));
            }

            var codes = await Task.WhenAll(new[] { first, second }.Select(async source => Code(await f.RestAsync(HttpMethod.Post,
                "/api/v2/users/identity/unlink", new { userId = id, extIdpId = source, isSocial = true }))));
            // One goes, the other is refused as the last way in — never both.
            Assert.Equal([200, ErrorCodes.ExtLastSignInMethod.Code], codes.Order().ToArray());
            Assert.Equal(1, await f.Host.App.QueryDbAsync(db => db.UserIdentities.IgnoreQueryFilters().CountAsync(i => i.UserId == id)));
        }
    }

    [Fact]
    public async Task AnIdentityLinkedToAnotherUserCantBeLinkedAgain()
    {
        var (aliceId, aliceToken) = await LoginAsync("ldap", "alice", "alice-Pa55", "corp");
        var subject = Assert.Single(await MineAsync(aliceToken))!["userIdInIdp"]!.GetValue<string>();
        var (otherId, _) = await f.Host.Gql.RegisterAndLoginAsync("link-target@example.com");

        var refused = await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId = otherId, userIdInIdp = subject, isSocial = false, identifier = "corp", extIdpId = f.ExtIdpId });
        Assert.Equal(ErrorCodes.ExtIdentityLinkedElsewhere.Code, Code(refused));
        var owner = await f.Host.App.QueryDbAsync(db => db.UserIdentities.Where(i => i.ProviderUserId == subject).Select(i => i.UserId).SingleAsync());
        Assert.Equal(aliceId, owner);
        // Linking it to its own user again changes nothing.
        Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId = aliceId, userIdInIdp = subject, isSocial = false, identifier = "corp", extIdpId = f.ExtIdpId })));
        Assert.Single(await MineAsync(aliceToken));
        // End users can't use the admin path.
        Assert.Equal(403, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/identity/link",
            new { userId = otherId, userIdInIdp = "x", identifier = "corp", extIdpId = f.ExtIdpId }, token: aliceToken)));
    }

    [Fact]
    public async Task UnlinkAccountRemovesTheProvidersIdentitiesWhenAnotherWayInRemains()
    {
        // heidi through corp: corp trusts the directory's mail... heidi has none, so give her a password first.
        var (id, token) = await LoginAsync("ldap", "heidi", "heidi-Pa55", "corp");
        Assert.Equal(ErrorCodes.ExtLastSignInMethod.Code, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/unlink",
            new { primaryUserToken = token, provider = "ldap" }, token: "")));
        var set = await f.Host.AdminGqlAsync("mutation($id: String, $input: UpdateUserInput!) { updateUser(id: $id, input: $input, keepSessions: true) { id } }",
            new { id, input = new { password = "Heidi-Local-Pa55" } });
        GraphQLClient.Success(set, "updateUser");

        Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/unlink", new { primaryUserToken = token, provider = "ldap" }, token: "")));
        Assert.Empty(await MineAsync(token));
        var listed = await f.Host.AdminGqlAsync("query($id: String) { user(id: $id) { identities { provider } } }", new { id });
        Assert.Empty(GraphQLClient.Success(listed, "user")["identities"]!.AsArray());
    }

    [Fact]
    public async Task LinkingAccountsMovesTheSecondarysIdentitiesToThePrimary()
    {
        var (secondaryId, secondaryToken) = await LoginAsync("ldap", "frank", "frank-Pa55", "corp");
        var (primaryId, primaryToken) = await f.Host.Gql.RegisterAndLoginAsync("primary-frank@example.com");
        Assert.Equal(200, Code(await f.RestAsync(HttpMethod.Post, "/api/v2/users/link",
            new { primaryUserToken = primaryToken, secondaryUserToken = secondaryToken }, token: "")));

        Assert.Single(await MineAsync(primaryToken));
        var (again, _) = await LoginAsync("ldap", "frank", "frank-Pa55", "corp");
        Assert.Equal(primaryId, again);
        Assert.NotEqual(secondaryId, again);
    }
}
