using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Accounts;

/// <summary>The policy's 256-character maximum, and the hashing executor's queue limit (GenAuth:Passwords:QueueLimit).</summary>
public sealed class PasswordLimitTests
{
    [Fact]
    public async Task PasswordsOfUpTo256CharactersAreAcceptedAndLongerOnesRefused()
    {
        using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        var longest = "Correct-Horse-91-" + new string('x', 256 - 17);
        var tooLong = longest + "y";
        Assert.Equal(256, longest.Length);

        var (_, token) = await client.RegisterAndLoginAsync("longest@example.com", longest);
        Assert.Equal(2040, GraphQLClient.ErrorCode(await client.RegisterByEmailAsync("too-long@example.com", tooLong)));
        var update = await client.PostAsync("mutation($o: String, $n: String!) { updatePassword(oldPassword: $o, newPassword: $n) { id } }",
            new { o = longest, n = tooLong }, token);
        Assert.Equal(2040, GraphQLClient.ErrorCode(update));

        GraphQLClient.Success(await client.LoginByEmailAsync("longest@example.com", longest), "loginByEmail");
        Assert.Equal(2333, GraphQLClient.ErrorCode(await client.LoginByEmailAsync("longest@example.com", longest[..255])));
        var exists = await client.PostAsync("query($e: String) { isUserExists(email: $e) }", new { e = "too-long@example.com" });
        Assert.False(GraphQLClient.Success(exists, "isUserExists").GetValue<bool>());
    }

    [Fact]
    public async Task AFullHashQueueAnswersBusyAndWritesNothing()
    {
        // Note: a queue limit of 0 leaves no room for any hash, so every password operation is refused at once.
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Passwords:QueueLimit"] = "0" });
        var client = app.CreateGraphQLClient();

        Assert.Equal(2059, GraphQLClient.ErrorCode(await client.RegisterByEmailAsync("busy@example.com")));
        Assert.Equal(2059, GraphQLClient.ErrorCode(await client.LoginByEmailAsync("busy@example.com")));
        var exists = await client.PostAsync("query($e: String) { isUserExists(email: $e) }", new { e = "busy@example.com" });
        Assert.False(GraphQLClient.Success(exists, "isUserExists").GetValue<bool>());
    }

    [Fact]
    public async Task ConcurrentHashesBeyondTheQueueAreRefusedWhileTheOthersSucceed()
    {
        // One hash at a time, one waiting: of eight concurrent registrations at least one is refused with 2059 and every
        // other one succeeds (never a 500).
        using var app = new GenAuthApp(settings: new Dictionary<string, string?>
        {
            ["GenAuth:Passwords:Concurrency"] = "1", ["GenAuth:Passwords:QueueLimit"] = "1", ["GenAuth:Passwords:Iterations"] = "8",
        });
        var client = app.CreateGraphQLClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.RegisterByEmailAsync($"queue{i}@example.com")));

        var codes = results.Select(r => r["errors"] is null ? 200 : GraphQLClient.ErrorCode(r)).ToList();
        Assert.All(codes, c => Assert.Contains(c, new[] { 200, 2059 }));
        Assert.Contains(2059, codes);
        Assert.Contains(200, codes);
    }
}
