using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Ldap;

/// <summary>
/// Directory logins against a real slapd: loginByLdap / loginByAD (GraphQL) and the SDK's REST verify-user paths, through
/// the one sign-in pipeline. Every refusal is asserted by its GenAuth code, and "nothing written" by the database.
/// </summary>
public sealed class LdapLoginTests(LdapFixture f) : IClassFixture<LdapFixture>
{
    private const string LoginByLdap =
        "mutation($u: String!, $p: String!, $c: String) { loginByLdap(username: $u, password: $p, connection: $c) { id username email emailVerified nickname token identities { provider userIdInIdp isSocial extIdpId } } }";
    private const string LoginByAd =
        "mutation($u: String!, $p: String!, $c: String) { loginByAD(username: $u, password: $p, connection: $c) { id username email emailVerified name token identities { provider userIdInIdp } } }";

    private Task<JsonNode> LdapAsync(string user, string password, string? conn = "corp") =>
        f.Host.Gql.PostAsync(LoginByLdap, new { u = user, p = password, c = conn });

    private Task<int> UsersAsync() => f.Host.App.QueryDbAsync(db => db.Users.CountAsync());
    private Task<int> IdentitiesAsync() => f.Host.App.QueryDbAsync(db => db.UserIdentities.CountAsync());

    [Fact]
    public async Task AFirstLoginCreatesTheUserWithTheMappedAttributesAndTheNextOneSignsInTheLinkedUser()
    {
        var first = GraphQLClient.Success(await LdapAsync("alice", "alice-Pa55"), "loginByLdap");
        Assert.False(string.IsNullOrEmpty(first["token"]?.GetValue<string>()));
        // corp maps username → employeeNumber and keeps the default nickname → displayName; its mail is trusted.
        Assert.Equal("E-1001", first["username"]!.GetValue<string>());
        Assert.Equal("alice@ldap.example.org", first["email"]!.GetValue<string>());
        Assert.True(first["emailVerified"]!.GetValue<bool>());
        Assert.Equal("Alice L.", first["nickname"]!.GetValue<string>());
        var identity = first["identities"]![0]!;
        Assert.Equal("ldap", identity["provider"]!.GetValue<string>());
        Assert.Equal(f.ExtIdpId, identity["extIdpId"]!.GetValue<string>());
        Assert.False(identity["isSocial"]!.GetValue<bool>());
        // The subject is the entry's entryUUID (stable across renames), not the DN.
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-", identity["userIdInIdp"]!.GetValue<string>());

        var second = GraphQLClient.Success(await LdapAsync("ALICE", "alice-Pa55"), "loginByLdap");
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        var userId = first["id"]!.GetValue<string>();
        Assert.Equal(1, await f.Host.App.QueryDbAsync(db => db.UserIdentities.CountAsync(i => i.UserId == userId)));
        Assert.Equal(2, await f.Host.App.QueryDbAsync(db => db.LoginLogs.CountAsync(l => l.UserId == userId && l.Method == "ldap:corp" && l.ErrorCode == null)));
    }

    [Fact]
    public async Task WrongPasswordUnknownNameDisabledEntryAndEmptyPasswordGetTheSameAnswerAndWriteNoUser()
    {
        var users = await UsersAsync();
        var answers = new List<JsonNode>
        {
            await LdapAsync("alice", "not-her-password"),
            await LdapAsync("nobody-here", "alice-Pa55"),
            await LdapAsync("carol", "carol-Pa55"), // right password, entry locked (pwdAccountLockedTime)
            await LdapAsync("alice", ""), // an empty password would be an unauthenticated bind: never sent
        };
        foreach (var answer in answers)
        {
            Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(answer));
            Assert.Equal(GraphQLClient.ErrorMessage(answers[0]), GraphQLClient.ErrorMessage(answer));
        }
        Assert.Equal(users, await UsersAsync());
        Assert.Equal(0, await f.Host.App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "carol@ldap.example.org")));
    }

    [Theory]
    [InlineData("*)(uid=*")]      // unescaped: (&(objectClass=inetOrgPerson)(uid=*)(uid=*)) — everyone
    [InlineData("*)(uid=alice")]  // unescaped: (&(objectClass=inetOrgPerson)(uid=*)(uid=alice)) — exactly alice
    [InlineData("al*")]           // unescaped: a substring match on alice
    [InlineData("alice)(|(uid=*")]
    public async Task AFilterInjectionInTheLoginNameIsALiteralValue(string name)
    {
        var answer = await LdapAsync(name, "alice-Pa55");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(answer));
    }

    [Fact]
    public async Task ALoginNameWithFilterCharactersMatchesItsOwnEntryLiterally()
    {
        var user = GraphQLClient.Success(await LdapAsync("we*rd(name)", "weird-Pa55"), "loginByLdap");
        Assert.False(string.IsNullOrEmpty(user["token"]?.GetValue<string>()));
    }

    [Fact]
    public async Task WrongPasswordsCountTowardTheLockoutOfTheLoginName()
    {
        // The account's allowance (GenAuth:BruteForce:AccountFailures, 5) is spent; the next failure locks.
        for (var i = 0; i < 6; i++)
            Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(await LdapAsync("frank", "wrong-" + i)));
        // The right password is now refused too, until the wait ends.
        Assert.Equal(ErrorCodes.TooManyAttempts.Code, GraphQLClient.ErrorCode(await LdapAsync("Frank", "frank-Pa55")));
    }

    [Fact]
    public async Task ABlockedLinkedUserIsRefusedByThePipeline()
    {
        var user = GraphQLClient.Success(await LdapAsync("grace", "grace-Pa55"), "loginByLdap");
        var blocked = await f.Host.AdminGqlAsync(Ops.UpdateUser, new { id = user["id"]!.GetValue<string>(), input = new { blocked = true } });
        GraphQLClient.Success(blocked, "updateUser");
        Assert.Equal(ErrorCodes.AccountBlocked.Code, GraphQLClient.ErrorCode(await LdapAsync("grace", "grace-Pa55")));
    }

    [Fact]
    public async Task LdapsWithTheConnectionsCaSignsIn()
    {
        var user = GraphQLClient.Success(await LdapAsync("heidi", "heidi-Pa55", "corp-tls"), "loginByLdap");
        Assert.False(string.IsNullOrEmpty(user["token"]?.GetValue<string>()));
    }

    [Fact]
    public async Task AdOverStartTlsMapsSamAccountNameAndObjectGuidAndRefusesADisabledAccount()
    {
        // The SDK's loginByAd path (REST, on its websocketHost).
        var rest = await f.RestAsync(HttpMethod.Post, "/api/v2/ad/verify-user", new { username = "bob", password = "bob-Pa55" }, token: "");
        Assert.Equal(200, rest["code"]!.GetValue<int>());
        Assert.Equal("bob", rest["data"]!["username"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(rest["data"]!["token"]?.GetValue<string>()));
        // ad1 doesn't trust the directory's mail: it is not put on the account.
        Assert.Null(rest["data"]!["email"]?.GetValue<string>());

        var graphql = GraphQLClient.Success(await f.Host.Gql.PostAsync(LoginByAd, new { u = "bob", p = "bob-Pa55", c = "ad1" }), "loginByAD");
        Assert.Equal(rest["data"]!["id"]!.GetValue<string>(), graphql["id"]!.GetValue<string>());
        Assert.Equal(Slapd.BobGuid, graphql["identities"]![0]!["userIdInIdp"]!.GetValue<string>());
        Assert.Equal("ad", graphql["identities"]![0]!["provider"]!.GetValue<string>());

        var disabled = await f.Host.Gql.PostAsync(LoginByAd, new { u = "dan", p = "dan-Pa55", c = "ad1" });
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(disabled));
    }

    [Fact]
    public async Task ADirectoryConnectionSwitchedOffForTheCallingAppIsRefusedOnEveryPath()
    {
        var (appId, _) = await f.Host.CreateClientAsync(name: "LDAP app " + Guid.NewGuid().ToString("N")[..8]);
        var app = new Dictionary<string, string> { ["x-authing-app-id"] = appId };
        var idp = await f.RestAsync(HttpMethod.Get, $"/api/v2/extIdp/{f.ExtIdpId}");
        var corp = idp["data"]!["connections"]!.AsArray().Single(c => c!["identifier"]!.GetValue<string>() == "corp")!["id"]!.GetValue<string>();
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Put, $"/api/v2/extIdpConn/{corp}/state", new { appId, enabled = false }))["code"]!.GetValue<int>());
        var users = await UsersAsync();

        // The connection named, from that app: GraphQL loginByLdap and the SDK's REST path (app header) answer 2625.
        var gql = await f.Host.Gql.PostAsync(LoginByLdap, new { u = "alice", p = "alice-Pa55", c = "corp" }, headers: app);
        Assert.Equal(ErrorCodes.ExtIdpConnDisabledForApp.Code, GraphQLClient.ErrorCode(gql));
        var rest = await f.RestAsync(HttpMethod.Post, "/api/v2/ldap/verify-user", new { username = "alice", password = "alice-Pa55", connection = "corp" },
            token: "", headers: app);
        Assert.Equal(ErrorCodes.ExtIdpConnDisabledForApp.Code, rest["code"]!.GetValue<int>());

        // Every connection of the source off for the app: no connection named, LDAP and AD alike, answer 2625.
        Assert.Equal(200, (await f.RestAsync(HttpMethod.Put, $"/api/v2/extIdp/{f.ExtIdpId}/connState", new { appId, enabled = false }))["code"]!.GetValue<int>());
        Assert.Equal(ErrorCodes.ExtIdpConnDisabledForApp.Code,
            GraphQLClient.ErrorCode(await f.Host.Gql.PostAsync(LoginByLdap, new { u = "alice", p = "alice-Pa55", c = (string?)null }, headers: app)));
        Assert.Equal(ErrorCodes.ExtIdpConnDisabledForApp.Code,
            GraphQLClient.ErrorCode(await f.Host.Gql.PostAsync(LoginByAd, new { u = "dave", p = "dave-Pa55", c = (string?)null }, headers: app)));
        Assert.Equal(ErrorCodes.ExtIdpConnDisabledForApp.Code, (await f.RestAsync(HttpMethod.Post, "/api/v2/ad/verify-user",
            new { username = "dave", password = "dave-Pa55" }, token: "", headers: app))["code"]!.GetValue<int>());
        Assert.Equal(users, await UsersAsync());

        // Other apps keep the connection.
        GraphQLClient.Success(await LdapAsync("alice", "alice-Pa55"), "loginByLdap");
    }

    [Fact]
    public async Task TheSdksLdapRestPathSignsIn()
    {
        var rest = await f.RestAsync(HttpMethod.Post, "/api/v2/ldap/verify-user",
            new { username = "alice", password = "alice-Pa55", clientIp = "203.0.113.9", withCustomData = false }, token: "");
        Assert.Equal(200, rest["code"]!.GetValue<int>());
        Assert.Equal("E-1001", rest["data"]!["username"]!.GetValue<string>());
        var wrong = await f.RestAsync(HttpMethod.Post, "/api/v2/ldap/verify-user", new { username = "alice", password = "nope-nope" }, token: "");
        Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, wrong["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("untrusted")]
    [InlineData("down")]
    [InlineData("starttls-untrusted")]
    [InlineData("bad-service-password")]
    public async Task ADirectoryThatCantBeUsedIsAClearErrorAndNothingIsWritten(string kind)
    {
        var identifier = "broken-" + kind;
        var fields = kind switch
        {
            "untrusted" => new JsonObject { ["ldapConnection"] = f.Directory.LdapsUrl }, // the system store doesn't know the test CA
            "down" => new JsonObject { ["ldapConnection"] = $"ldap://127.0.0.1:{Slapd.FreePort()}" },
            "starttls-untrusted" => new JsonObject { ["ldapConnection"] = f.Directory.LdapUrl, ["startTls"] = "true" },
            _ => new JsonObject { ["ldapConnection"] = f.Directory.LdapUrl, ["bindPassword"] = "not-the-service-password" },
        };
        var conn = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdpConn",
            JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(f.Conn("ldap", identifier, fields)))!.AsObject().Also(o => o["extIdpId"] = f.ExtIdpId));
        Assert.Equal(200, conn["code"]!.GetValue<int>());
        try
        {
            var (users, identities) = (await UsersAsync(), await IdentitiesAsync());
            var logs = await f.Host.App.QueryDbAsync(db => db.LoginLogs.CountAsync());
            var answer = await LdapAsync("heidi", "heidi-Pa55", identifier);
            var expected = kind == "bad-service-password" ? ErrorCodes.ExtProviderError : ErrorCodes.ExtProviderUnreachable;
            Assert.Equal(expected.Code, GraphQLClient.ErrorCode(answer));
            Assert.Equal((users, identities), (await UsersAsync(), await IdentitiesAsync()));
            Assert.Equal(logs, await f.Host.App.QueryDbAsync(db => db.LoginLogs.CountAsync()));
        }
        finally
        {
            await f.RestAsync(HttpMethod.Delete, "/api/v2/extIdpConn/" + conn["data"]!["id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ADownDirectoryTriedFirstFallsThroughToOneThatAnswersAndNeverOpensAnUncountedGuessingWindow()
    {
        var identifier = "down-first-" + Guid.NewGuid().ToString("N")[..6];
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(f.Conn("ldap", identifier,
            new JsonObject { ["ldapConnection"] = $"ldap://127.0.0.1:{Slapd.FreePort()}" })))!.AsObject();
        body["extIdpId"] = f.ExtIdpId;
        var conn = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdpConn", body);
        Assert.Equal(200, conn["code"]!.GetValue<int>());
        var connId = conn["data"]!["id"]!.GetValue<string>();
        // Connections are tried oldest first: make the down one the first.
        await f.Host.App.QueryDbAsync(db => db.ExtIdpConns.IgnoreQueryFilters().Where(c => c.Id == connId)
            .ExecuteUpdateAsync(x => x.SetProperty(c => c.CreatedAt, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        try
        {
            // No connection named: the down directory fails (logged), corp answers and the login goes through.
            var signedIn = GraphQLClient.Success(await LdapAsync("ivan", "ivan-Pa55", conn: null), "loginByLdap");
            Assert.Equal("ldap", signedIn["identities"]![0]!["provider"]!.GetValue<string>());
            // A wrong password while one directory is down is still the counted 2333, not an uncounted 2712.
            Assert.Equal(ErrorCodes.WrongAccountOrPassword.Code, GraphQLClient.ErrorCode(await LdapAsync("ivan", "not-ivans", conn: null)));
            // Only the down connection asked: its own error, nothing written.
            var users = await UsersAsync();
            Assert.Equal(ErrorCodes.ExtProviderUnreachable.Code, GraphQLClient.ErrorCode(await LdapAsync("ivan", "ivan-Pa55", identifier)));
            Assert.Equal(users, await UsersAsync());
        }
        finally
        {
            await f.RestAsync(HttpMethod.Delete, "/api/v2/extIdpConn/" + connId);
        }
    }

    [Theory]
    [InlineData("ldap://ldap.example.com", null)]          // clear text to another host: the password would travel in clear
    [InlineData("ldaps://ldap.example.com", "true")]       // StartTLS inside ldaps makes no sense
    [InlineData("http://127.0.0.1:389", null)]
    [InlineData("ldap://127.0.0.1:389/dc=x?uid", null)]
    public async Task AConnectionThatWouldSendPasswordsInClearOrIsNotAnLdapUrlIsRefused(string url, string? startTls)
    {
        var fields = new JsonObject { ["ldapConnection"] = url, ["startTls"] = startTls };
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(f.Conn("ldap", "refused-" + Guid.NewGuid().ToString("N")[..8], fields)))!.AsObject();
        body["extIdpId"] = f.ExtIdpId;
        var answer = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdpConn", body);
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, answer["code"]!.GetValue<int>());
        Assert.Equal("ldapConnection", answer["data"]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("(uid=alice)")]        // no placeholder
    [InlineData("uid=%s")]             // not parenthesised
    public async Task ASearchFilterWithoutItsPlaceholderIsRefused(string filter)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(f.Conn("ldap", "filter-" + Guid.NewGuid().ToString("N")[..8],
            new JsonObject { ["ldapConnection"] = f.Directory.LdapUrl, ["searchStandard"] = filter })))!.AsObject();
        body["extIdpId"] = f.ExtIdpId;
        var answer = await f.RestAsync(HttpMethod.Post, "/api/v2/extIdpConn", body);
        Assert.Equal(ErrorCodes.ExtIdpFieldInvalid.Code, answer["code"]!.GetValue<int>());
        Assert.Equal("searchStandard", answer["data"]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheBindPasswordIsNeverAnswered()
    {
        var detail = await f.RestAsync(HttpMethod.Get, "/api/v2/extIdp/" + f.ExtIdpId);
        Assert.DoesNotContain(Slapd.ServicePassword, detail.ToJsonString());
        Assert.Equal(Slapd.ServiceDn, detail["data"]!["connections"]![0]!["fields"]!["bindDn"]!.GetValue<string>());
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
