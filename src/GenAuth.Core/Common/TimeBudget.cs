using System.Diagnostics;

namespace GenAuth.Core.Common;

/// <summary>
/// The time one GraphQL query or mutation may still run (GenAuth:GraphQL:Timeout), carried with the operation's async
/// flow: the executor starts it, every field checks it before its resolver runs (<see cref="ThrowIfOver"/>), and a
/// long wait — a password hash — waits at most what is left (<see cref="Remaining"/>) and is refused when it ended
/// past the deadline, so nothing after it runs or is written.
/// </summary>
// Note: GraphQL.NET's ExecutionOptions.Timeout costs a linked CancellationTokenSource and a timer per request; under
// eight concurrent connections that was about half of P2's drop (issue 10). A deadline read at boundaries needs
// neither: a plain token source, cancelled only when a check finds the deadline passed, stops the rest at once.
public sealed class TimeBudget
{
    private static readonly AsyncLocal<TimeBudget?> Ambient = new();

    private readonly long _endsAt;
    private readonly CancellationToken _aborted;
    private readonly CancellationTokenSource _stop = new();

    private TimeBudget(TimeSpan limit, CancellationToken aborted)
    {
        Limit = limit;
        _endsAt = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        _aborted = aborted;
    }

    /// <summary>The budget of the operation running on this async flow, or null outside one.</summary>
    public static TimeBudget? Current => Ambient.Value;

    public TimeSpan Limit { get; }

    /// <summary>Cancelled when a check finds the deadline passed or the caller gone; give it to the operation.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>True once a check found the deadline passed.</summary>
    public bool Expired { get; private set; }

    /// <summary>
    /// Starts a budget for the operation about to run on this async flow. The caller must be an async method, so the
    /// budget ends with it (an AsyncLocal set inside an async method never flows back out).
    /// </summary>
    public static TimeBudget Begin(TimeSpan limit, CancellationToken aborted)
    {
        var budget = new TimeBudget(limit, aborted);
        Ambient.Value = budget;
        return budget;
    }

    /// <summary>What is left of the current budget; null when none runs.</summary>
    public static TimeSpan? Remaining =>
        Current is { } b ? TimeSpan.FromSeconds(Math.Max(0, b._endsAt - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency) : null;

    /// <summary>
    /// At a boundary (before a field resolves): stops the operation when its deadline passed (4006) or its caller went
    /// away. The first check to notice cancels <see cref="Token"/>, so the executor stops resolving the rest.
    /// </summary>
    public static void ThrowIfOver()
    {
        if (Current is not { } b)
            return;
        if (b._aborted.IsCancellationRequested)
        {
            b._stop.Cancel();
            b._aborted.ThrowIfCancellationRequested();
        }
        if (Stopwatch.GetTimestamp() <= b._endsAt)
            return;
        b.Expired = true;
        b._stop.Cancel();
        throw new OperationCanceledException(b._stop.Token);
    }

    /// <summary>
    /// After a long wait (a hash) that finished: refuses with 4006 when it ended past the deadline, so nothing that
    /// follows it (a write, a session) happens for an operation already answered as stopped.
    /// </summary>
    public static void ThrowIfOverAfterWait()
    {
        if (Current is { } b && Stopwatch.GetTimestamp() > b._endsAt)
            throw Overrun();
    }

    /// <summary>The refusal (4006) of the current operation whose wait ran out of budget; marks the budget expired.</summary>
    public static GenAuthException Overrun()
    {
        if (Current is { } b)
            b.Expired = true;
        return new GenAuthException(ErrorCodes.QueryTimeout);
    }
}
