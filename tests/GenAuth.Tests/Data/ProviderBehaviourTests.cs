using System.Text.Json.Nodes;
using GenAuth.Core.Codes;
using GenAuth.Core.Permissions;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;

namespace GenAuth.Tests.Data;

/// <summary>
/// What SQLite and PostgreSQL could do differently, pinned to one behaviour on both (issue 14): case-insensitive
/// uniqueness of email, username and phone (also under a race), JSON and array columns, optimistic concurrency tokens,
/// ExecuteUpdate races (atomic increments, single-use claims), string comparison, order and search (byte-wise, case-
/// sensitive, as SQLite's BINARY), DateTime round trips and comparisons (zone-less, to the microsecond) and the order of
/// ties (pages of rows sharing a creation time).
/// </summary>
public sealed class ProviderBehaviourTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private static GenAuthApp NewApp(string provider) =>
        new(settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EmailUsernameAndPhoneAreUniqueWhateverTheirCase(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();

        GraphQLClient.Success(await client.RegisterByEmailAsync("Mixed.Case@Example.com"), "registerByEmail");
        Assert.Equal(2026, GraphQLClient.ErrorCode(await client.RegisterByEmailAsync("mixed.case@EXAMPLE.COM")));
        var login = await client.LoginByEmailAsync("MIXED.CASE@example.com");
        Assert.Equal("Mixed.Case@Example.com", GraphQLClient.Success(login, "loginByEmail")["email"]!.GetValue<string>());

        GraphQLClient.Success(await client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "Alice", password = GraphQLClient.Password } }), "registerByUsername");
        Assert.Equal(2026, GraphQLClient.ErrorCode(await client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "aLICE", password = GraphQLClient.Password } })));

        var admin = await client.ManagementTokenAsync(app.Secret);
        var a = GraphQLClient.Success(await client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "p1", password = GraphQLClient.Password } }), "registerByUsername")["id"]!.GetValue<string>();
        var b = GraphQLClient.Success(await client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "p2", password = GraphQLClient.Password } }), "registerByUsername")["id"]!.GetValue<string>();
        GraphQLClient.Success(await client.PostAsync(Ops.UpdateUser, new { id = a, input = new { phone = "13512345678" } }, admin), "updateUser");
        Assert.Equal(2026, GraphQLClient.ErrorCode(await client.PostAsync(Ops.UpdateUser, new { id = b, input = new { phone = "13512345678" } }, admin)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentRegistrationsOfOneEmailInVariedCaseLeaveOneUser(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        const int racers = 16;

        var results = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => client.RegisterByEmailAsync(
            new string("race@example.com".Select((c, k) => ((i >> (k % 4)) & 1) == 1 ? char.ToUpperInvariant(c) : c).ToArray()))));

        var winners = results.Where(r => r["errors"] is null).ToList();
        Assert.Single(winners);
        // The loser of the race at the unique index gets the same GenAuth code as one refused up front.
        Assert.All(results.Except(winners), r => Assert.Equal(2026, GraphQLClient.ErrorCode(r)));
        Assert.Equal(1, await app.QueryDbAsync(db => db.Users.CountAsync(u => u.EmailNormalized == "race@example.com")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task JsonAndArrayColumnsRoundTripAndFilter(string provider)
    {
        await using var app = NewApp(provider);
        _ = app.CreateClient();
        var now = new DateTime(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);
        await app.QueryDbAsync(async db =>
        {
            db.Resources.Add(new Resource
            {
                Id = "5f00000000000000000r0001", UserPoolId = app.UserPoolId, Namespace = "default", Code = "books",
                Actions = [new ResourceAction { Name = "read", Description = "读 \"quoted\" \\ 😀" }, new ResourceAction { Name = "write" }],
                CreatedAt = now, UpdatedAt = now,
            });
            db.Permissions.Add(new Permission
            {
                Id = "5f00000000000000000p0001", UserPoolId = app.UserPoolId, Namespace = "default", Resource = "books:*",
                TargetType = PermissionTargetType.User, TargetId = "u1", Actions = ["books:read", "Books:Write", "ä"],
                Conditions = "{\"ip\":[\"10.0.0.0/8\"]}", CreatedAt = now, UpdatedAt = now,
            });
            return await db.SaveChangesAsync();
        });

        var resource = await app.QueryDbAsync(db => db.Resources.AsNoTracking().SingleAsync(r => r.Code == "books"));
        Assert.Equal(new[] { "read", "write" }, resource.Actions.Select(a => a.Name));
        Assert.Equal("读 \"quoted\" \\ 😀", resource.Actions[0].Description);
        Assert.Null(resource.Actions[1].Description);
        var permission = await app.QueryDbAsync(db => db.Permissions.AsNoTracking().SingleAsync(p => p.TargetId == "u1"));
        Assert.Equal(new[] { "books:read", "Books:Write", "ä" }, permission.Actions);
        Assert.Equal("{\"ip\":[\"10.0.0.0/8\"]}", permission.Conditions);
        // DateTimes come back as they went in, zone-less on both (SQLite keeps text; PostgreSQL timestamp without time zone).
        Assert.Equal(now, resource.CreatedAt);
        Assert.Equal(DateTimeKind.Unspecified, resource.CreatedAt.Kind);
        // Queries into the collections: exact, case-sensitive element match on both.
        Assert.Equal(1, await app.QueryDbAsync(db => db.Permissions.CountAsync(p => p.Actions.Contains("Books:Write"))));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Permissions.CountAsync(p => p.Actions.Contains("books:write"))));
        Assert.Equal(1, await app.QueryDbAsync(db => db.Resources.CountAsync(r => r.Actions.Any(a => a.Name == "write"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AStaleConcurrencyTokenLosesTheSecondWrite(string provider)
    {
        await using var app = NewApp(provider);
        _ = app.CreateClient();
        await app.QueryDbAsync(async db =>
        {
            db.Set<OpenIddictEntityFrameworkCoreApplication>().Add(new() { Id = "ct-app", ClientId = "ct-client", ConcurrencyToken = "v1", DisplayName = "one" });
            return await db.SaveChangesAsync();
        }, "");

        // Two readers of version v1; the first write wins, the second is refused (not a silent overwrite).
        await using var scopeA = app.Services.CreateAsyncScope();
        await using var scopeB = app.Services.CreateAsyncScope();
        var dbA = scopeA.ServiceProvider.GetRequiredService<Core.Data.GenAuthDbContext>();
        var dbB = scopeB.ServiceProvider.GetRequiredService<Core.Data.GenAuthDbContext>();
        var a = await dbA.Set<OpenIddictEntityFrameworkCoreApplication>().SingleAsync(x => x.Id == "ct-app");
        var b = await dbB.Set<OpenIddictEntityFrameworkCoreApplication>().SingleAsync(x => x.Id == "ct-app");
        (a.DisplayName, a.ConcurrencyToken) = ("A", "v2a");
        (b.DisplayName, b.ConcurrencyToken) = ("B", "v2b");
        await dbA.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => dbB.SaveChangesAsync());

        var stored = await app.QueryDbAsync(db => db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(x => x.Id == "ct-app"), "");
        Assert.Equal(("A", "v2a"), (stored.DisplayName, stored.ConcurrencyToken));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExecuteUpdateRacesCountEveryIncrementAndLetOneClaimWin(string provider)
    {
        await using var app = NewApp(provider);
        _ = app.CreateClient();
        var now = new DateTime(2026, 11, 27, 12, 0, 0);
        await app.QueryDbAsync(async db =>
        {
            db.VerificationCodes.Add(new VerificationCode
            {
                Id = "5f00000000000000000c0001", UserPoolId = app.UserPoolId, Channel = "email", Target = "race@example.com",
                Scene = "login", CodeHash = [1, 2, 3], MaxAttempts = 1000, CreatedAt = now, ExpiresAt = now.AddMinutes(5),
            });
            return await db.SaveChangesAsync();
        });
        const int racers = 24;

        // The statements CodeService runs: a failed try increments in place; a right code is claimed once.
        var increments = await Task.WhenAll(Enumerable.Range(0, racers).Select(_ => Task.Run(() => app.QueryDbAsync(db => db.VerificationCodes
            .Where(c => c.Id == "5f00000000000000000c0001").ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1))))));
        var claims = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(() => app.QueryDbAsync(db => db.VerificationCodes
            .Where(c => c.Id == "5f00000000000000000c0001" && c.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now.AddSeconds(i)))))));

        Assert.All(increments, n => Assert.Equal(1, n));
        Assert.Equal(1, claims.Sum());
        var row = await app.QueryDbAsync(db => db.VerificationCodes.AsNoTracking().SingleAsync(c => c.Id == "5f00000000000000000c0001"));
        Assert.Equal(racers, row.Attempts);
        Assert.NotNull(row.ConsumedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StringsCompareSortAndMatchByteWiseAndCaseSensitively(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        string[] names = ["bob", "Bob", "alice", "Alice", "ALICE", "Zoë", "zoe", "émile", "_x", "10", "9"];
        var admin = await client.ManagementTokenAsync(app.Secret);
        foreach (var (nickname, i) in names.Select((n, i) => (n, i)))
        {
            var id = GraphQLClient.Success(await client.PostAsync(Ops.RegisterByUsername, new { input = new { username = $"s{i}", password = GraphQLClient.Password } }), "registerByUsername")["id"]!.GetValue<string>();
            GraphQLClient.Success(await client.PostAsync(Ops.UpdateUser, new { id, input = new { nickname } }, admin), "updateUser");
        }

        // Order: ordinal (UTF-8 bytes), as SQLite's BINARY, on both; a locale collation would put "alice" beside "Alice".
        var sorted = await app.QueryDbAsync(db => db.Users.OrderBy(u => u.Nickname).Select(u => u.Nickname!).ToListAsync());
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), sorted);
        // Comparison and equality: exact, case-sensitive.
        Assert.Equal(new[] { "Alice" }, await app.QueryDbAsync(db => db.Users.Where(u => u.Nickname == "Alice").Select(u => u.Nickname!).ToListAsync()));
        Assert.Equal(new[] { "bob", "zoe", "émile" },
            await app.QueryDbAsync(db => db.Users.Where(u => string.Compare(u.Nickname, "b") > 0).OrderBy(u => u.Nickname).Select(u => u.Nickname!).ToListAsync()));
        // Contains and StartsWith (search filters): case-sensitive substring, LIKE wildcards in the input are literal.
        Assert.Equal(new[] { "Alice", "alice" }, await app.QueryDbAsync(db => db.Users.Where(u => u.Nickname!.Contains("lice")).OrderBy(u => u.Nickname).Select(u => u.Nickname!).ToListAsync()));
        Assert.Equal(new[] { "_x" }, await app.QueryDbAsync(db => db.Users.Where(u => u.Nickname!.StartsWith("_")).Select(u => u.Nickname!).ToListAsync()));
        Assert.Empty(await app.QueryDbAsync(db => db.Users.Where(u => u.Nickname!.Contains("%")).Select(u => u.Id).ToListAsync()));

        // The API's user search (a case-sensitive prefix range over an index) answers the same on both.
        foreach (var (q, expected) in new[] { ("Ali", new[] { "Alice" }), ("ali", new[] { "alice" }), ("Zo", new[] { "Zoë" }), ("é", new[] { "émile" }) })
        {
            var search = await client.PostAsync("query($q: String!) { searchUser(query: $q) { totalCount list { nickname } } }", new { q }, admin);
            var found = search["data"]!["searchUser"]!["list"]!.AsArray().Select(n => n!["nickname"]!.GetValue<string>()).Order(StringComparer.Ordinal);
            Assert.Equal(expected, found);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DateTimesRoundTripZoneLessToTheMicrosecondAndCompareAsInstants(string provider)
    {
        await using var app = NewApp(provider);
        _ = app.CreateClient();
        // The model's DateTimes are UTC by convention: written with Kind Utc (as the code does), read back zone-less.
        var t = new DateTime(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234560);
        var ids = new[] { "5f00000000000000000c0011", "5f00000000000000000c0012", "5f00000000000000000c0013" };
        await app.QueryDbAsync(async db =>
        {
            // Inserted out of order, a microsecond apart.
            foreach (var (id, k) in new[] { (ids[2], 2), (ids[0], 0), (ids[1], 1) })
                db.VerificationCodes.Add(new VerificationCode
                {
                    Id = id, UserPoolId = app.UserPoolId, Channel = "email", Target = "time@example.com", Scene = "login",
                    CodeHash = [1], MaxAttempts = 5, CreatedAt = t.AddTicks(10 * k), ExpiresAt = t.AddTicks(10 * k).AddMinutes(5),
                });
            return await db.SaveChangesAsync();
        });

        var rows = await app.QueryDbAsync(db => db.VerificationCodes.AsNoTracking().Where(c => c.Target == "time@example.com")
            .OrderByDescending(c => c.CreatedAt).ToListAsync());
        Assert.Equal(Enumerable.Reverse(ids), rows.Select(r => r.Id));
        Assert.Equal(t.AddTicks(20).Ticks, rows[0].CreatedAt.Ticks);
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Unspecified, r.CreatedAt.Kind));
        // A Utc parameter compares as the same instant as the stored zone-less value (no time zone shift on either).
        Assert.Equal(2, await app.QueryDbAsync(db => db.VerificationCodes.CountAsync(c => c.Target == "time@example.com" && c.CreatedAt >= t.AddTicks(10))));
        Assert.Equal(1, await app.QueryDbAsync(db => db.VerificationCodes.CountAsync(c => c.Target == "time@example.com" && c.CreatedAt == t)));
        Assert.Equal(3, await app.QueryDbAsync(db => db.VerificationCodes.CountAsync(c => c.Target == "time@example.com" && c.ExpiresAt > t.AddMinutes(5).AddTicks(-10))));
        // ExecuteUpdate writes a nullable DateTime the same way; DateTime.MaxValue (a "never") survives as itself.
        await app.QueryDbAsync(db => db.VerificationCodes.Where(c => c.Id == ids[0])
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, (DateTime?)t.AddHours(1)).SetProperty(c => c.ExpiresAt, DateTime.MaxValue)));
        var updated = await app.QueryDbAsync(db => db.VerificationCodes.AsNoTracking().SingleAsync(c => c.Id == ids[0]));
        Assert.Equal(t.AddHours(1).Ticks, updated.ConsumedAt!.Value.Ticks);
        Assert.True(updated.ExpiresAt >= DateTime.MaxValue.AddTicks(-9), updated.ExpiresAt.ToString("O"));
        Assert.Equal(1, await app.QueryDbAsync(db => db.VerificationCodes.CountAsync(c => c.Target == "time@example.com" && c.ExpiresAt > new DateTime(9999, 1, 1))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RowsSharingACreationTimePageInTheSameOrderOnBoth(string provider)
    {
        await using var app = NewApp(provider);
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
            ids.Add(GraphQLClient.Success(await client.PostAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }",
                new { u = new { username = $"tie{i}" } }, admin), "createUser")["id"]!.GetValue<string>());
        // Every user created at one instant: only the id (the tie-breaker) orders them, and it must on both providers.
        var at = new DateTime(2026, 1, 2, 3, 4, 5);
        await app.QueryDbAsync(db => db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, at)));
        var all = await app.QueryDbAsync(db => db.Users.Select(u => u.Id).ToListAsync());

        foreach (var (sort, expected) in new[] { ("CREATEDAT_ASC", all.Order(StringComparer.Ordinal).ToList()), ("CREATEDAT_DESC", all.OrderDescending(StringComparer.Ordinal).ToList()) })
        {
            var seen = new List<string>();
            for (var page = 1; page <= all.Count / 3 + 1; page++)
                seen.AddRange(GraphQLClient.Success(await client.PostAsync($"{{ users(page: {page}, limit: 3, sortBy: {sort}) {{ list {{ id }} }} }}", null, admin), "users")
                    ["list"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            Assert.Equal(expected, seen);
        }
        // The cursor connection walks the same ties without repeating or skipping one.
        var walked = new List<string>();
        string? after = null;
        do
        {
            var r = GraphQLClient.Success(await client.PostAsync("query($after: String) { usersConnection(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }",
                new { after }, admin), "usersConnection");
            walked.AddRange(r["edges"]!.AsArray().Select(e => e!["node"]!["id"]!.GetValue<string>()));
            after = r["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? r["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null);
        Assert.Equal(all.OrderDescending(StringComparer.Ordinal), walked);
    }
}
