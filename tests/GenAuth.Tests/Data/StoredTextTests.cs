using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Data;

/// <summary>
/// U+0000 (NUL) answers the same on SQLite and PostgreSQL (issue 14): PostgreSQL can't store it in text nor take it as
/// a parameter (22021, a 5000 before), SQLite could, so every command refuses it first (StoredText) with 2608, saves
/// naming the field, and nothing is written. Lookups with a NUL answer 2608 on both rather than "not found" on one.
/// </summary>
public sealed class StoredTextTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private static GenAuthApp NewApp(string provider) =>
        new(settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider });

    private static string Field(JsonNode result) => result["errors"]![0]!["extensions"]!["data"]!["field"]!.GetValue<string>();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ANulInAnArgumentIsRefusedWith2608AndNothingIsWritten(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);

        const string create = "mutation($c: String!, $n: String!) { createGroup(code: $c, name: $n) { code } }";
        var refused = await client.PostAsync(create, new { c = "g1", n = "a\0b" }, admin);
        Assert.Equal(2608, GraphQLClient.ErrorCode(refused));
        Assert.Equal("name", Field(refused));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Groups.CountAsync()));
        // The same NUL written as a GraphQL string literal.
        Assert.Equal(2608, GraphQLClient.ErrorCode(await client.PostAsync("mutation { createGroup(code: \"g\\u0000\", name: \"n\") { code } }", null, admin)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Groups.CountAsync()));

        // An unpaired surrogate (a GraphQL string literal may hold one; JSON variables can't) is refused the same way.
        Assert.Equal(2608, GraphQLClient.ErrorCode(await client.PostAsync("mutation { createGroup(code: \"g2\", name: \"a\\uD83Db\") { code } }", null, admin)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Groups.CountAsync()));

        // An update with a NUL leaves the row as it was. (A nickname has its own rule that answers first: 400.)
        GraphQLClient.Success(await client.PostAsync(create, new { c = "ok", n = "OK" }, admin), "createGroup");
        var update = await client.PostAsync("mutation($d: String) { updateGroup(code: \"ok\", name: \"Changed\", description: $d) { code } }",
            new { d = "de\0sc" }, admin);
        Assert.Equal(2608, GraphQLClient.ErrorCode(update));
        Assert.Equal("description", Field(update));
        var group = await app.QueryDbAsync(db => db.Groups.AsNoTracking().SingleAsync(g => g.Code == "ok"));
        Assert.Equal("OK", group.Name);
        Assert.Null(group.Description);

        // A JSON column (a resource's actions: jsonb on PostgreSQL, which refuses \u0000 even escaped).
        var resource = await client.PostAsync(
            "mutation($a: [ResourceActionInput!]) { createResource(code: \"doc\", type: DATA, actions: $a) { code } }",
            new { a = new[] { new { name = "read\0", description = "r" } } }, admin);
        Assert.Equal(2608, GraphQLClient.ErrorCode(resource));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Resources.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ALookupWithANulIsRefusedWith2608NotA5000(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        await client.RegisterByEmailAsync("look@example.com");

        // A sign-in lookup, a search (LIKE) and a lookup by id.
        Assert.Equal(2608, GraphQLClient.ErrorCode(await client.PostAsync(Ops.LoginByAccount, new { account = "lo\0ok", password = GraphQLClient.Password })));
        Assert.Equal(2608, GraphQLClient.ErrorCode(await client.PostAsync("query($q: String!) { searchUser(query: $q) { totalCount } }", new { q = "lo\0" }, admin)));
        Assert.Equal(2608, GraphQLClient.ErrorCode(await client.PostAsync(Ops.User, new { id = "5f00\0" }, admin)));
        // The account still signs in: the refusals counted nothing against it.
        GraphQLClient.Success(await client.LoginByEmailAsync("look@example.com"), "loginByEmail");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ARestBodyWithANulIsRefusedWith2608(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);

        var request = client.NewRequest(HttpMethod.Post, "/api/v2/orgs/import", admin);
        request.Content = JsonContent.Create(new { filetype = "json", file = new { name = "Ro\0ot", code = "root" } });
        using var response = await client.Http.SendAsync(request);
        var body = await GraphQLClient.ReadJsonAsync(response);
        Assert.Equal(2608, body["code"]!.GetValue<int>());
        Assert.Equal(0, await app.QueryDbAsync(db => db.OrgNodes.CountAsync()));
    }

    /// <summary>A header with a NUL never reaches the code that logs it: Kestrel refuses the request (400), on both.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AHeaderWithANulIsABadRequestNotA5000(string provider)
    {
        await using var app = NewApp(provider);
        var address = app.CreateClient().BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var body = "{\"query\":\"{ isUserExists(email: \\\"x@example.com\\\") }\"}";
        var head = $"POST {GenAuthApp.GraphQLPath} HTTP/1.1\r\nHost: {address.Authority}\r\nUser-Agent: evil\0agent\r\n" +
                   $"x-authing-userpool-id: {app.UserPoolId}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + body));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 400", status);
    }

    [Fact]
    public void OnlyNulsAndUnpairedSurrogatesAreRefused()
    {
        Assert.True(StoredText.IsUnstorable("a\0"));
        Assert.True(StoredText.IsUnstorable("a\uD83D"));
        Assert.True(StoredText.IsUnstorable("\uDE00a"));
        Assert.True(StoredText.IsUnstorable("😀\uDE00"));
        Assert.False(StoredText.IsUnstorable("a\\u0000"));
        Assert.False(StoredText.IsUnstorable("a😀b😀"));
        Assert.False(StoredText.IsUnstorable(null));
        Assert.Equal(2608, StoredText.Refused("name").Code);
    }

    [Fact]
    public void CuttingNeverSplitsASurrogatePair()
    {
        Assert.Equal("ab", GenAuth.Core.Common.TextCut.Clip("ab😀", 3));
        Assert.Equal("ab😀", GenAuth.Core.Common.TextCut.Clip("ab😀c", 4));
        Assert.Equal("abc", GenAuth.Core.Common.TextCut.Clip("abc", 5));
        Assert.Null(GenAuth.Core.Common.TextCut.Clip(null, 5));
        Assert.False(StoredText.IsUnstorable(GenAuth.Core.Common.TextCut.Clip(string.Concat(Enumerable.Repeat("😀", 300)), 511)));
    }
}
