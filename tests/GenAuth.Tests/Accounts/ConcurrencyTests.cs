using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Accounts;

/// <summary>QUALITY R1: concurrent claims of one identifier end with exactly one owner; everyone else gets 2026.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private const int Racers = 50;

    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public ConcurrencyTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task FiftyConcurrentRegistrationsOfOneEmailCreateExactlyOneUser()
    {
        // The same address in varied case: the case-insensitive unique key has to hold under the race.
        var results = await RaceAsync(i => _client.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = VaryCase("race@example.com", i), password = GraphQLClient.Password } }));

        AssertOneWinner(results, "registerByEmail");
        var count = await _app.QueryDbAsync(db => db.Users.CountAsync(u => u.EmailNormalized == "race@example.com"));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task FiftyConcurrentRegistrationsOfOneUsernameCreateExactlyOneUser()
    {
        var results = await RaceAsync(_ => _client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "racer", password = GraphQLClient.Password } }));

        AssertOneWinner(results, "registerByUsername");
        var count = await _app.QueryDbAsync(db => db.Users.CountAsync(u => u.Username == "racer"));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task FiftyConcurrentAssignmentsOfOnePhoneLeaveExactlyOneOwner()
    {
        // Phone sign-up needs an SMS code (not built yet); the admin path writes the same unique column.
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        var ids = new List<string>();
        foreach (var i in Enumerable.Range(0, Racers))
        {
            var created = await _client.PostAsync(Ops.RegisterByUsername, new { input = new { username = $"p{i}", password = GraphQLClient.Password } });
            ids.Add(GraphQLClient.Success(created, "registerByUsername")["id"]!.GetValue<string>());
        }

        var results = await RaceAsync(i => _client.PostAsync(Ops.UpdateUser, new { id = ids[i], input = new { phone = "13512345678" } }, admin));

        AssertOneWinner(results, "updateUser");
        var count = await _app.QueryDbAsync(db => db.Users.CountAsync(u => u.Phone == "13512345678"));
        Assert.Equal(1, count);
    }

    private static async Task<JsonNode[]> RaceAsync(Func<int, Task<JsonNode>> attempt)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, Racers).Select(async i =>
        {
            await start.WaitAsync();
            return await attempt(i);
        }).ToList();
        start.Release(Racers);
        return await Task.WhenAll(tasks);
    }

    private static void AssertOneWinner(JsonNode[] results, string field)
    {
        var winners = results.Where(r => r["errors"] is null && r["data"]?[field] is not null).ToList();
        var losers = results.Except(winners).ToList();
        Assert.Single(winners);
        Assert.All(losers, r => Assert.Equal(2026, GraphQLClient.ErrorCode(r)));
        Assert.Equal(Racers - 1, losers.Count);
    }

    private static string VaryCase(string email, int seed) =>
        new(email.Select((c, i) => ((seed >> (i % 6)) & 1) == 1 ? char.ToUpperInvariant(c) : c).ToArray());
}
