using GenAuth.Core.Common;
using GenAuth.Core.Security;

namespace GenAuth.Tests.Security;

/// <summary>Issue 10, hole 5: registrations hashing new passwords can't take every hash slot from logins.</summary>
public sealed class HashExecutorTests
{
    [Fact]
    public async Task A_login_hash_runs_while_registrations_hold_their_whole_share()
    {
        using var executor = new HashExecutor(concurrency: 2, newPasswordConcurrency: 1, queueLimit: 100);
        using var release = new ManualResetEventSlim(false);
        var running = 0;
        var mostAtOnce = 0;
        var registrations = Enumerable.Range(0, 3).Select(_ => executor.RunAsync(HashLane.NewPassword, () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            release.Wait();
            Interlocked.Decrement(ref running);
            return 0;
        }, CancellationToken.None)).ToList();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 1, TimeSpan.FromMinutes(1)), "no registration hash started");

        // Registrations are held (one running, two queued); a login still gets a slot and finishes.
        var login = executor.RunAsync(HashLane.Login, () => 42, CancellationToken.None);
        Assert.Equal(42, await login.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.All(registrations, r => Assert.False(r.IsCompleted));

        release.Set();
        await Task.WhenAll(registrations);
        Assert.Equal(1, mostAtOnce);
        Assert.Equal(3, executor.Runs(HashLane.NewPassword));
        Assert.Equal(1, executor.Runs(HashLane.Login));
    }

    [Fact]
    public async Task A_full_registration_queue_refuses_registrations_but_not_logins()
    {
        using var executor = new HashExecutor(concurrency: 2, newPasswordConcurrency: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim(false);
        var running = 0;
        var first = executor.RunAsync(HashLane.NewPassword, () => { Interlocked.Increment(ref running); release.Wait(); return 0; }, CancellationToken.None);
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 1, TimeSpan.FromMinutes(1)));
        var queued = executor.RunAsync(HashLane.NewPassword, () => 0, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<GenAuthException>(() => executor.RunAsync(HashLane.NewPassword, () => 0, CancellationToken.None));
        Assert.Equal(2059, refused.Error.Code);
        Assert.Equal(7, await executor.RunAsync(HashLane.Login, () => 7, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));

        release.Set();
        await Task.WhenAll(first, queued);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
