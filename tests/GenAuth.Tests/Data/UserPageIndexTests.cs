using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Data;

/// <summary>
/// users(page, limit) through the sparse page index (issue 14, P4) on both providers, with buckets of 4 so a few dozen
/// users make many: every page of both creation orders is exactly the database's order (no user twice, none missing)
/// after archives, moves of a user's creation time (the update trigger), a hard delete, more registrations (the newest
/// bucket splits) and concurrent writers.
/// </summary>
public sealed class UserPageIndexTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private const int BucketSize = 4;

    private static GenAuthApp NewApp(string provider) => new(settings: new Dictionary<string, string?>
    {
        ["GenAuth:Database:Provider"] = provider,
        ["GenAuth:Database:UserPageBucketSize"] = BucketSize.ToString(),
    });

    private static async Task<string> CreateAsync(GraphQLClient client, string admin, string username)
    {
        var r = await client.PostAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }", new { u = new { username } }, admin);
        return GraphQLClient.Success(r, "createUser")["id"]!.GetValue<string>();
    }

    /// <summary>The live users of the pool, oldest first, as the database orders them.</summary>
    private static Task<List<string>> ExpectedAsync(GenAuthApp app) => app.QueryDbAsync(db =>
        db.Users.Where(u => !u.IsDeleted).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Select(u => u.Id).ToListAsync());

    /// <summary>Reads every page of users() in one order and checks it against the database.</summary>
    private static async Task AssertPagesExactAsync(GenAuthApp app, GraphQLClient client, string admin, int limit)
    {
        var expected = await ExpectedAsync(app);
        foreach (var (sort, order) in new[] { ("CREATEDAT_ASC", expected), ("CREATEDAT_DESC", Enumerable.Reverse(expected).ToList()) })
        {
            var seen = new List<string>();
            for (var page = 1; page <= (expected.Count + limit - 1) / limit + 1; page++)
            {
                var r = GraphQLClient.Success(await client.PostAsync(
                    $"{{ users(page: {page}, limit: {limit}, sortBy: {sort}) {{ totalCount list {{ id }} }} }}", null, admin), "users");
                Assert.Equal(expected.Count, r["totalCount"]!.GetValue<int>());
                seen.AddRange(r["list"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            }
            Assert.Equal(order, seen);
        }
        var buckets = await app.QueryDbAsync(db => db.UserPageBuckets.Where(b => b.UserPoolId == app.UserPoolId).ToListAsync());
        // The index is what answered: several buckets, none past twice the size, counts adding up to the pool.
        Assert.True(buckets.Count > 2, $"{buckets.Count} buckets");
        Assert.All(buckets, b => Assert.InRange(b.Count, 0, 2 * BucketSize));
        Assert.Equal(expected.Count, buckets.Sum(b => b.Count));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PagesStayExactThroughArchivesMovesDeletesAndNewUsers(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var ids = new List<string>();
        for (var i = 0; i < 23; i++)
            ids.Add(await CreateAsync(client, admin, $"page-{i}"));

        await AssertPagesExactAsync(app, client, admin, limit: 3);

        foreach (var id in new[] { ids[0], ids[5], ids[6], ids[13], ids[22] })
            GraphQLClient.Success(await client.PostAsync("mutation($id: String!) { deleteUser(id: $id) { code } }", new { id }, admin), "deleteUser");
        // A user moved to the far past and one into the middle (the update trigger moves them between buckets), one
        // removed outright (the delete trigger).
        var middle = await app.QueryDbAsync(db => db.Users.Where(u => u.Id == ids[11]).Select(u => u.CreatedAt).SingleAsync());
        await app.QueryDbAsync(db => db.Users.Where(u => u.Id == ids[20]).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, new DateTime(2001, 1, 1))));
        await app.QueryDbAsync(db => db.Users.Where(u => u.Id == ids[21]).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, middle)));
        await app.QueryDbAsync(db => db.Users.Where(u => u.Id == ids[2]).ExecuteDeleteAsync());
        for (var i = 23; i < 40; i++)
            ids.Add(await CreateAsync(client, admin, $"page-{i}"));

        await AssertPagesExactAsync(app, client, admin, limit: 3);
        await AssertPagesExactAsync(app, client, admin, limit: 7);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PagesStayExactAfterConcurrentWritersAndReaders(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        for (var i = 0; i < 12; i++)
            await CreateAsync(client, admin, $"seed-{i}");
        await AssertPagesExactAsync(app, client, admin, limit: 5);

        // Writers add and archive while readers page (and so make and split buckets) at the same time.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                var id = await CreateAsync(client, admin, $"w{w}-{i}");
                if (i % 3 == 0)
                    GraphQLClient.Success(await client.PostAsync("mutation($id: String!) { deleteUser(id: $id) { code } }", new { id }, admin), "deleteUser");
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
                GraphQLClient.Success(await client.PostAsync($"{{ users(page: {1 + i % 4}, limit: 5) {{ totalCount list {{ id }} }} }}", null, admin), "users");
        }));
        await Task.WhenAll(writers.Concat(readers));

        await AssertPagesExactAsync(app, client, admin, limit: 5);
    }
}
