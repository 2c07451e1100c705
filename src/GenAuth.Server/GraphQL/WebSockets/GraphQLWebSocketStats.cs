namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>Live counts of WebSocket connections and their operations: what a leak would show first.</summary>
public sealed class GraphQLWebSocketStats
{
    private int _connections;
    private int _operations;

    public int OpenConnections => Volatile.Read(ref _connections);
    public int RunningOperations => Volatile.Read(ref _operations);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connections);
    internal void ConnectionClosed() => Interlocked.Decrement(ref _connections);
    internal void OperationStarted() => Interlocked.Increment(ref _operations);
    internal void OperationEnded() => Interlocked.Decrement(ref _operations);
}
