namespace GenAuth.Core.QrLogin;

/// <summary>
/// One subscriber's view of one code: fed by the bus (possibly before the first read of the row, possibly out of
/// order), it emits only states that move forward, replays what came before the observer attached, and completes
/// after a terminal state.
/// </summary>
public sealed class QrStatusStream : IObservable<QrCodeState>, IDisposable
{
    private readonly object _gate = new();
    private readonly List<QrCodeState> _pending = [];
    private QrCodeState? _last;
    private IObserver<QrCodeState>? _observer;
    private bool _completed;
    private IDisposable? _resources;

    /// <summary>What to release when the stream ends or the subscriber leaves (bus subscription).</summary>
    public void Attach(IDisposable resources)
    {
        bool release;
        lock (_gate)
        {
            release = _completed;
            _resources = resources;
        }
        if (release)
            resources.Dispose();
    }

    public void Offer(QrCodeState state)
    {
        IObserver<QrCodeState>? observer;
        bool complete;
        lock (_gate)
        {
            if (_completed || (_last is not null && QrCode.Rank(state.Status) <= QrCode.Rank(_last.Status)))
                return;
            _last = state;
            complete = QrCode.IsTerminal(state.Status);
            _completed = complete;
            observer = _observer;
            if (observer is null)
            {
                _pending.Add(state);
                return;
            }
            // Note: called under the lock so two bus threads cannot reorder states at the observer.
            observer.OnNext(state);
            if (complete)
                observer.OnCompleted();
        }
        if (complete)
            Dispose();
    }

    public QrCodeState? Last
    {
        get
        {
            lock (_gate)
                return _last;
        }
    }

    public IDisposable Subscribe(IObserver<QrCodeState> observer)
    {
        bool completed;
        lock (_gate)
        {
            if (_observer is not null)
                throw new InvalidOperationException("A QR status stream has one subscriber");
            _observer = observer;
            foreach (var state in _pending)
                observer.OnNext(state);
            _pending.Clear();
            completed = _completed;
            if (completed)
                observer.OnCompleted();
        }
        if (completed)
            Dispose();
        return this;
    }

    public void Dispose()
    {
        IDisposable? resources;
        lock (_gate)
        {
            resources = _resources;
            _resources = null;
        }
        resources?.Dispose();
    }
}
