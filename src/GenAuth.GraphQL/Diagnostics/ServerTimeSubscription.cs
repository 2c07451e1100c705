using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Diagnostics;

/// <summary>serverTime: a ticking subscription that proves each transport end to end without any state.</summary>
public sealed class ServerTimeSubscription : ISubscriptionFields
{
    public void Register(ObjectGraphType s)
    {
        s.Field<NonNullGraphType<StringGraphType>>("serverTime")
            .Description("The server's UTC time, now and then every intervalMs (100..60000, default 1000), count times (default unbounded).")
            .Argument<IntGraphType>("intervalMs")
            .Argument<IntGraphType>("count")
            .PublicAccess()
            .ResolveStream(c =>
            {
                var interval = Math.Clamp(c.GetArgument("intervalMs", 1000), 100, 60_000);
                var count = c.GetArgument<int?>("count") is { } n ? Math.Max(1, n) : (int?)null;
                var clock = c.Service<TimeProvider>();
                return new TickObservable(clock, TimeSpan.FromMilliseconds(interval), count);
            })
            .Resolve(c => c.Source);
    }
}

/// <summary>Emits the time at once, then on every tick; completes after count emissions when given.</summary>
public sealed class TickObservable(TimeProvider clock, TimeSpan interval, int? count) : IObservable<object?>
{
    public IDisposable Subscribe(IObserver<object?> observer)
    {
        var emitted = 0;
        var gate = new object();
        ITimer? timer = null;
        void Tick()
        {
            lock (gate)
            {
                if (count is { } max && emitted >= max)
                    return;
                emitted++;
                observer.OnNext(clock.GetUtcNow().UtcDateTime.Iso());
                if (count is { } limit && emitted >= limit)
                {
                    timer?.Dispose();
                    observer.OnCompleted();
                }
            }
        }
        timer = clock.CreateTimer(_ => Tick(), null, interval, interval);
        Tick();
        return timer;
    }
}
