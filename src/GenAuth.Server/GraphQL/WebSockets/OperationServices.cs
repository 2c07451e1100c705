namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>
/// The services of one WebSocket operation: a DI scope of its own, opened on first use. A subscription releases it
/// once its stream is established (<see cref="ReleaseAsync"/>), so an idle subscriber holds no scope and no pooled
/// DbContext; an event resolver that asks for a service later gets a fresh scope, released with the operation.
/// </summary>
public sealed class OperationServices(Func<AsyncServiceScope> open) : IServiceProvider, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private AsyncServiceScope? _scope;
    private bool _ended;

    public object? GetService(Type serviceType)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            _scope ??= open();
            return _scope.Value.ServiceProvider.GetService(serviceType);
        }
    }

    /// <summary>Disposes the current scope (if any); only when nothing resolved from it is still in use.</summary>
    public ValueTask ReleaseAsync()
    {
        AsyncServiceScope? scope;
        lock (_gate)
        {
            scope = _scope;
            _scope = null;
        }
        return scope?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
            _ended = true;
        return ReleaseAsync();
    }
}
