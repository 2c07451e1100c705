using System.Threading.Channels;
using GraphQL;

namespace GenAuth.Server.GraphQL;

/// <summary>Reads a subscription's observable as an async stream; disposing the enumerator unsubscribes.</summary>
public static class ObservableChannel
{
    public static async IAsyncEnumerable<ExecutionResult> ReadAllAsync(IObservable<ExecutionResult> source,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Note: bounded, dropping the oldest: a slow client gets the latest states, not unbounded memory growth.
        var channel = Channel.CreateBounded<ExecutionResult>(new BoundedChannelOptions(64)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        using var subscription = source.Subscribe(new Observer(channel.Writer));
        await foreach (var item in channel.Reader.ReadAllAsync(ct))
            yield return item;
    }

    private sealed class Observer(ChannelWriter<ExecutionResult> writer) : IObserver<ExecutionResult>
    {
        public void OnCompleted() => writer.TryComplete();

        public void OnError(Exception error)
        {
            writer.TryWrite(new ExecutionResult { Errors = [new ExecutionError("The subscription failed")] });
            writer.TryComplete();
        }

        public void OnNext(ExecutionResult value) => writer.TryWrite(value);
    }
}
