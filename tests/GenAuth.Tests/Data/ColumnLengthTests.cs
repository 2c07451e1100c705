using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Data;

/// <summary>
/// The model's length limits (HasMaxLength) answer the same on SQLite and PostgreSQL (issue 14): PostgreSQL enforces
/// varchar(n) and SQLite doesn't, so every save checks them first (ColumnLengths) and refuses with 2607 naming the field,
/// writing nothing; where a field has its own validation (username 2046, webhook 2553) that answers first. Values exactly
/// at the limit save on both, counted in characters as PostgreSQL counts them (an emoji is one).
/// </summary>
public sealed class ColumnLengthTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private static GenAuthApp NewApp(string provider, Dictionary<string, string?>? settings = null)
    {
        settings ??= new Dictionary<string, string?>();
        settings["GenAuth:Database:Provider"] = provider;
        return new GenAuthApp(settings: settings);
    }

    private static string Chars(int n, string unit = "x") => string.Concat(Enumerable.Repeat(unit, n));

    private static async Task<JsonNode> RestAsync(GraphQLClient client, HttpMethod method, string path, object body, string token)
    {
        var request = client.NewRequest(method, path, token);
        request.Content = JsonContent.Create(body);
        using var response = await client.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AGroupTooLongIsRefusedWith2607AndNothingIsWritten(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        const string create = "mutation($c: String!, $n: String!) { createGroup(code: $c, name: $n) { code name } }";

        // Group.Code is 128, Group.Name 256.
        var tooLongCode = await client.PostAsync(create, new { c = Chars(129), n = "n" }, admin);
        Assert.Equal(2607, GraphQLClient.ErrorCode(tooLongCode));
        Assert.Equal("code 的长度超过上限（最多 128 个字符）", GraphQLClient.ErrorMessage(tooLongCode));
        Assert.Equal(128, tooLongCode["errors"]![0]!["extensions"]!["data"]!["maxLength"]!.GetValue<int>());
        Assert.Equal("code", tooLongCode["errors"]![0]!["extensions"]!["data"]!["field"]!.GetValue<string>());
        // The value itself is never echoed.
        Assert.DoesNotContain(Chars(129), tooLongCode.ToJsonString());
        Assert.Equal(2607, GraphQLClient.ErrorCode(await client.PostAsync(create, new { c = "g1", n = Chars(257) }, admin)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Groups.CountAsync()));

        // Exactly at the limit saves, on both providers; so do 256 emoji (512 UTF-16 units, 256 characters).
        var saved = GraphQLClient.Success(await client.PostAsync(create, new { c = Chars(128), n = Chars(256) }, admin), "createGroup");
        Assert.Equal(Chars(256), saved["name"]!.GetValue<string>());
        GraphQLClient.Success(await client.PostAsync(create, new { c = "emoji", n = Chars(256, "😀") }, admin), "createGroup");
        Assert.Equal(2607, GraphQLClient.ErrorCode(await client.PostAsync(create, new { c = "emoji2", n = Chars(257, "😀") }, admin)));
        Assert.Equal(Chars(256, "😀"), await app.QueryDbAsync(db => db.Groups.Where(g => g.Code == "emoji").Select(g => g.Name).SingleAsync()));

        // An update too long is refused and leaves the row as it was.
        var update = await client.PostAsync("mutation($n: String!) { updateGroup(code: \"emoji\", name: $n, description: \"changed\") { code } }",
            new { n = Chars(257) }, admin);
        Assert.Equal(2607, GraphQLClient.ErrorCode(update));
        var row = await app.QueryDbAsync(db => db.Groups.AsNoTracking().SingleAsync(g => g.Code == "emoji"));
        Assert.Equal(Chars(256, "😀"), row.Name);
        Assert.Null(row.Description);
        Assert.Equal(2, await app.QueryDbAsync(db => db.Groups.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RolesAndEnglishCallersGetTheSameCode(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        const string create = "mutation($c: String!, $ns: String) { createRole(code: $c, namespace: $ns) { code } }";

        var english = await client.PostAsync(create, new { c = Chars(129) }, admin, new Dictionary<string, string> { ["x-authing-lang"] = "en-US" });
        Assert.Equal(2607, GraphQLClient.ErrorCode(english));
        Assert.Equal("code is too long (at most 128 characters)", GraphQLClient.ErrorMessage(english));
        // Role.Namespace is 128 too (a namespace code longer than that can't hold roles).
        Assert.Equal(2607, GraphQLClient.ErrorCode(await client.PostAsync(create, new { c = "r", ns = Chars(129) }, admin)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Roles.CountAsync()));
        GraphQLClient.Success(await client.PostAsync(create, new { c = Chars(128) }, admin), "createRole");
        Assert.Equal(1, await app.QueryDbAsync(db => db.Roles.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnOrgImportWithOneNameTooLongWritesNoNode(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);

        // REST, in one save: the root, a fine child, and a grandchild whose name (OrgNode.Name, 256) is one too long.
        var tree = new
        {
            name = "Root", code = "root",
            children = new object[] { new { name = "Fine", children = new object[] { new { name = Chars(257) } } } },
        };
        var refused = await RestAsync(client, HttpMethod.Post, "/api/v2/orgs/import", new { filetype = "json", file = tree }, admin);
        Assert.Equal(2607, refused["code"]!.GetValue<int>());
        Assert.Equal("name", refused["data"]!["field"]!.GetValue<string>());
        Assert.Equal(0, await app.QueryDbAsync(db => db.Orgs.CountAsync()));
        Assert.Equal(0, await app.QueryDbAsync(db => db.OrgNodes.CountAsync()));

        var atLimit = new { name = "Root", code = "root", children = new object[] { new { name = Chars(256), code = Chars(128) } } };
        var saved = await RestAsync(client, HttpMethod.Post, "/api/v2/orgs/import", new { filetype = "json", file = atLimit }, admin);
        Assert.Equal(200, saved["code"]!.GetValue<int>());
        Assert.Equal(2, await app.QueryDbAsync(db => db.OrgNodes.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AFieldsOwnValidationAnswersBeforeTheGenericCheck(string provider)
    {
        await using var app = NewApp(provider, new Dictionary<string, string?> { ["GenAuth:Webhooks:AllowLoopback"] = "true" });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);

        // A username over 128 characters is an invalid username (2046), not 2607.
        var user = GraphQLClient.Success(await client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "short", password = GraphQLClient.Password } }), "registerByUsername")["id"]!.GetValue<string>();
        Assert.Equal(2046, GraphQLClient.ErrorCode(await client.PostAsync(Ops.UpdateUser, new { id = user, input = new { username = Chars(129) } }, admin)));
        GraphQLClient.Success(await client.PostAsync(Ops.UpdateUser, new { id = user, input = new { username = Chars(128) } }, admin), "updateUser");

        // 50 event names of 64 characters are each valid but too long together for Webhook.Events (2048): the webhook's 2553.
        const string add = "mutation($i: AddWebhookInput!) { addWebhook(input: $i) { id } }";
        var events = Enumerable.Range(0, 50).Select(i => "e" + i.ToString("D2") + Chars(61)).ToArray();
        var refused = await client.PostAsync(add, new { i = new { url = "http://127.0.0.1:9/hook", events, secret = Chars(16) } }, admin);
        Assert.Equal(2553, GraphQLClient.ErrorCode(refused));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Webhooks.CountAsync()));
        // 31 of them joined are 64 × 31 + 30 = 2014 characters: saved.
        GraphQLClient.Success(await client.PostAsync(add, new { i = new { url = "http://127.0.0.1:9/hook", events = events[..31], secret = Chars(16) } }, admin),
            "addWebhook");
    }

    /// <summary>
    /// A row saved before the check existed (SQLite ignored the limit) can still be edited: only columns being written
    /// are checked. SQLite only: PostgreSQL can't hold such a row.
    /// </summary>
    [Fact]
    public async Task AnOverLongOldValueDoesNotBlockEditsOfOtherColumns()
    {
        await using var app = NewApp("Sqlite");
        _ = app.CreateClient();
        var now = DateTime.UtcNow;
        await app.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "Groups" ("Id", "UserPoolId", "Code", "Name", "CreatedAt", "UpdatedAt") VALUES ('5f00000000000000000g0001', {app.UserPoolId}, 'old', {Chars(300)}, {now}, {now})"""));

        await app.QueryDbAsync(async db =>
        {
            var group = await db.Groups.SingleAsync(g => g.Code == "old");
            group.Description = "edited";
            return await db.SaveChangesAsync();
        });
        Assert.Equal("edited", await app.QueryDbAsync(db => db.Groups.Where(g => g.Code == "old").Select(g => g.Description).SingleAsync()));

        // Writing the long column itself is checked.
        var error = await Assert.ThrowsAsync<GenAuth.Core.Common.GenAuthException>(() => app.QueryDbAsync(async db =>
        {
            var group = await db.Groups.SingleAsync(g => g.Code == "old");
            group.Name = Chars(299);
            return await db.SaveChangesAsync();
        }));
        Assert.Equal(2607, error.Code);
    }

    /// <summary>
    /// Writes that bypass SaveChanges (ExecuteUpdate) still meet PostgreSQL's limit; its 22001 is recognised, and the
    /// transports answer it as 2607 (GenAuthErrors, ErrorResponses, Rest.RunAsync).
    /// </summary>
    [Fact]
    public async Task PostgresRefusalOfABulkUpdateIsRecognisedAsTooLong()
    {
        await using var app = NewApp("Postgres");
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        GraphQLClient.Success(await client.PostAsync("mutation { createGroup(code: \"bulk\", name: \"Bulk\") { code } }", null, admin), "createGroup");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.QueryDbAsync(db =>
            db.Groups.Where(g => g.Code == "bulk").ExecuteUpdateAsync(s => s.SetProperty(g => g.Name, Chars(257)))));
        Assert.True(ColumnLengths.IsValueTooLong(error), error.GetType().FullName);
        Assert.False(ColumnLengths.IsValueTooLong(new DbUpdateException("other")));
        Assert.Equal("Bulk", await app.QueryDbAsync(db => db.Groups.Where(g => g.Code == "bulk").Select(g => g.Name).SingleAsync()));
    }

    [Fact]
    public void CodePointsCountSurrogatePairsOnce()
    {
        Assert.Equal(3, ColumnLengths.CodePoints("a😀b"));
        Assert.Equal(0, ColumnLengths.CodePoints(""));
        // A lone surrogate counts as one (PostgreSQL would refuse it as invalid UTF-8 anyway).
        Assert.Equal(2, ColumnLengths.CodePoints("a\uD83D"));
        Assert.Equal(2, ColumnLengths.CodePoints("\uDE00\uD83D"));
    }
}
