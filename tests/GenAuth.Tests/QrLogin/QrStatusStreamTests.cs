using GenAuth.Core.QrLogin;

namespace GenAuth.Tests.QrLogin;

/// <summary>A subscriber's stream tolerates the bus: late, duplicate and out-of-order states never go backwards.</summary>
public sealed class QrStatusStreamTests
{
    private static QrCodeState State(QrCodeStatus s) => new("r", s, null, null, null, DateTime.UtcNow);

    [Fact]
    public void StatesBeforeTheObserverAttachesAreReplayedAndStaleOnesDropped()
    {
        var stream = new QrStatusStream();
        stream.Offer(State(QrCodeStatus.Scanned)); // a bus event that beat the first read of the row
        stream.Offer(State(QrCodeStatus.NotScanned)); // the first read, older than the event
        var seen = new List<QrCodeStatus>();
        var completed = false;

        stream.Subscribe(new Observer(s => seen.Add(s.Status), () => completed = true));
        stream.Offer(State(QrCodeStatus.Scanned));
        stream.Offer(State(QrCodeStatus.Confirmed));
        stream.Offer(State(QrCodeStatus.Expired));

        Assert.Equal([QrCodeStatus.Scanned, QrCodeStatus.Confirmed], seen);
        Assert.True(completed);
    }

    [Fact]
    public void CompletingReleasesTheBusSubscription()
    {
        var stream = new QrStatusStream();
        var released = 0;
        stream.Attach(new Release(() => released++));
        stream.Subscribe(new Observer(_ => { }, () => { }));

        stream.Offer(State(QrCodeStatus.Cancelled));

        Assert.Equal(1, released);
    }

    private sealed class Observer(Action<QrCodeState> next, Action completed) : IObserver<QrCodeState>
    {
        public void OnCompleted() => completed();
        public void OnError(Exception error) => throw error;
        public void OnNext(QrCodeState value) => next(value);
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
