using GenAuth.Core.Messaging;

namespace GenAuth.Server.Operations;

/// <summary>
/// Graceful shutdown's last step: stopped after the server has drained its requests, it waits for the outbox append in
/// progress, so a code a request was answered for is on disk before the process exits.
/// </summary>
public sealed class OutboxFlush(Outbox outbox) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => outbox.FlushAsync(cancellationToken);
}
