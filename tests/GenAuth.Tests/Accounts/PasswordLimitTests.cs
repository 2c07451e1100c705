using GenAuth.Core.Security;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task HashesBeyondTheQueueAreRefusedWhileTheQueuedOnesSucceed()
    {
        // One hash at a time, one waiting. The slot and the queue place are taken by held hashes (not by timing), so
        // every registration meanwhile is refused with 2059 (never a 500) and writes nothing; once they're released,
        // registrations succeed again.
        using var app = new GenAuthApp(settings: new Dictionary<string, string?>
        {
            ["GenAuth:Passwords:Concurrency"] = "1", ["GenAuth:Passwords:QueueLimit"] = "1",
        });
        var client = app.CreateGraphQLClient();
        var executor = app.Services.GetRequiredService<PasswordHasher>().Executor;
        using var gate = new ManualResetEventSlim();
        var running = executor.RunAsync(HashLane.NewPassword, () => gate.Wait(TimeSpan.FromMinutes(1)), CancellationToken.None);
        var queued = executor.RunAsync(HashLane.NewPassword, () => true, CancellationToken.None);

        var refused = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.RegisterByEmailAsync($"queue{i}@example.com")));
        gate.Set();
        await Task.WhenAll(running, queued);
        var after = await client.RegisterByEmailAsync("queue9@example.com");
        var exists = await client.PostAsync("query($e: String) { isUserExists(email: $e) }", new { e = "queue0@example.com" });

        Assert.All(refused, r => Assert.Equal(2059, GraphQLClient.ErrorCode(r)));
        GraphQLClient.Success(after, "registerByEmail");
        Assert.False(GraphQLClient.Success(exists, "isUserExists").GetValue<bool>());
    }
}
