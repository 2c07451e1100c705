using GenAuth.Core.Common;

namespace GenAuth.Core.Security;

/// <summary>Which queue a hash waits in: a login's verify, or hashing a new password (registration, change, reset, import).</summary>
public enum HashLane
{
    Login,
    NewPassword,
}

/// <summary>
/// The bounded executor Argon2 runs on: at most <c>concurrency</c> hashes at once, and of those at most
/// <c>newPasswordConcurrency</c> (cores − 1 by default) hashing new passwords, each lane with its own bounded queue.
/// </summary>
// Note: a registration flood (1,000 aliased registerByEmail) once filled every slot and the shared queue, so logins
// waited behind it or were refused as busy; with the share, at least one slot is always left to logins.
public sealed class HashExecutor : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _newPasswordSlots;
    private readonly int _queueLimit;
    private readonly int[] _waiting = new int[2];
    private readonly long[] _runs = new long[2];

    public HashExecutor(int concurrency, int newPasswordConcurrency, int queueLimit)
    {
        concurrency = Math.Max(1, concurrency);
        _slots = new SemaphoreSlim(concurrency);
        _newPasswordSlots = new SemaphoreSlim(Math.Clamp(newPasswordConcurrency, 1, concurrency));
        _queueLimit = Math.Max(0, queueLimit);
    }

    /// <summary>From GenAuth:Passwords: Concurrency (cores), NewPasswordConcurrency (Concurrency − 1, at least 1), QueueLimit.</summary>
    public static HashExecutor From(PasswordOptions o)
    {
        var concurrency = o.Concurrency ?? Environment.ProcessorCount;
        return new HashExecutor(concurrency, o.NewPasswordConcurrency ?? Math.Max(1, concurrency - 1), o.QueueLimit);
    }

    /// <summary>How many hashes of a lane have started (a counter for metrics and tests).</summary>
    public long Runs(HashLane lane) => Interlocked.Read(ref _runs[(int)lane]);

    /// <summary>How many hashes of a lane wait for a slot now (the queue length metric).</summary>
    public int Waiting(HashLane lane) => Volatile.Read(ref _waiting[(int)lane]);

    public async Task<T> RunAsync<T>(HashLane lane, Func<T> work, CancellationToken ct)
    {
        var i = (int)lane;
        if (Interlocked.Increment(ref _waiting[i]) > _queueLimit)
        {
            Interlocked.Decrement(ref _waiting[i]);
            throw new GenAuthException(ErrorCodes.Busy);
        }
        var share = lane == HashLane.NewPassword;
        var holdsShare = false;
        var holdsSlot = false;
        var waitStarted = GenAuthTelemetry.Start(GenAuthTelemetry.HashWait);
        try
        {
            try
            {
                // Note: the share first, so new-password hashes never queue for more than their share of the slots.
                if (share)
                {
                    if (!await _newPasswordSlots.WaitAsync(TimeBudget.Remaining ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false))
                        throw TimeBudget.Overrun();
                    holdsShare = true;
                }
                if (!await _slots.WaitAsync(TimeBudget.Remaining ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false))
                    throw TimeBudget.Overrun();
                holdsSlot = true;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting[i]);
                GenAuthTelemetry.Record(GenAuthTelemetry.HashWait, waitStarted, "lane", share ? "new_password" : "login");
            }
            Interlocked.Increment(ref _runs[i]);
            var job = Task.Run(work, ct);
            // Note: the slots belong to the hash, not to its caller: they are released when the hash ends, so a caller
            // that stops waiting (its request's time budget ran out) is answered at once while the lanes still never
            // run more hashes than they have slots. Nothing after the hash runs for that caller, so nothing is written.
            var releaseShare = holdsShare;
            holdsSlot = holdsShare = false;
            _ = job.ContinueWith(t =>
            {
                _ = t.Exception;
                try
                {
                    _slots.Release();
                    if (releaseShare)
                        _newPasswordSlots.Release();
                }
                catch (ObjectDisposedException)
                {
                    // Shutting down: nobody waits for a slot any more.
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            T result;
            try
            {
                result = await job.WaitAsync(TimeBudget.Remaining ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw TimeBudget.Overrun();
            }
            // Note: a hash that ended past the operation's deadline is refused too, so the test of the budget (and an
            // attacker timing it) sees the same answer however the scheduler raced the deadline.
            TimeBudget.ThrowIfOverAfterWait();
            return result;
        }
        finally
        {
            if (holdsSlot)
                _slots.Release();
            if (holdsShare)
                _newPasswordSlots.Release();
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _newPasswordSlots.Dispose();
    }
}
