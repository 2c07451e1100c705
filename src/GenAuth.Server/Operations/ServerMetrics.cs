using System.Diagnostics;
using System.Diagnostics.Metrics;
using GenAuth.Core.Common;
using GenAuth.Core.Security;
using GenAuth.Server.GraphQL.WebSockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace GenAuth.Server.Operations;

/// <summary>
/// The gauges read at scrape time (hash queue length, open WebSockets and their operations) and the database command
/// time, taken from EF Core's diagnostic events. Created only when GenAuth:Metrics:Enabled is true.
/// </summary>
public sealed class ServerMetrics : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string CommandExecuted = RelationalEventId.CommandExecuted.Name!;

    private readonly Meter _meter;
    private readonly IDisposable _listeners;
    private readonly List<IDisposable> _subscriptions = [];

    public ServerMetrics(IMeterFactory meters, PasswordHasher hasher, GraphQLWebSocketStats sockets)
    {
        _meter = meters.Create(GenAuthTelemetry.MeterName);
        var executor = hasher.Executor;
        _meter.CreateObservableGauge("genauth.hash.queue.length", () => new[]
        {
            new Measurement<int>(executor.Waiting(HashLane.Login), new KeyValuePair<string, object?>("lane", "login")),
            new Measurement<int>(executor.Waiting(HashLane.NewPassword), new KeyValuePair<string, object?>("lane", "new_password")),
        }, description: "Password hashes waiting for a slot");
        _meter.CreateObservableUpDownCounter("genauth.websocket.connections", () => sockets.OpenConnections,
            description: "Open GraphQL WebSocket connections");
        _meter.CreateObservableUpDownCounter("genauth.websocket.operations", () => sockets.RunningOperations,
            description: "Running GraphQL WebSocket operations (open subscriptions)");
        // Note: EF Core raises its diagnostic events only for names someone subscribed to, so with metrics off it builds none.
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name)
            return;
        lock (_subscriptions)
            _subscriptions.Add(listener.Subscribe(this, name => name == CommandExecuted));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is CommandExecutedEventData executed)
            GenAuthTelemetry.DbCommandDuration.Record(executed.Duration.TotalSeconds,
                new KeyValuePair<string, object?>("kind", executed.ExecuteMethod switch
                {
                    DbCommandMethod.ExecuteReader => "reader",
                    DbCommandMethod.ExecuteScalar => "scalar",
                    _ => "non_query",
                }));
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _listeners.Dispose();
        lock (_subscriptions)
            foreach (var subscription in _subscriptions)
                subscription.Dispose();
        _meter.Dispose();
    }
}
