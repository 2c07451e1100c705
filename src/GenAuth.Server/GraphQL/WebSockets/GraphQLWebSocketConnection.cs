using System.Collections.Concurrent;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Transport;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>
/// One client's WebSocket connection, whatever the subprotocol: its caller (resolved once, at connection_init),
/// its running operations (each in a DI scope of its own, released once a subscription's stream is set up), and their cleanup when the socket goes away.
/// </summary>
public sealed class GraphQLWebSocketConnection(
    MessageSocket socket, HttpContext http, IServiceScopeFactory scopes, CallerResolver resolver, SessionService sessions,
    GraphQLExecutor executor, ResultWriter writer, TimeProvider clock, IOptions<GraphQLWebSocketOptions> options,
    GraphQLWebSocketStats stats, ILogger<GraphQLWebSocketConnection> logger) : IAsyncDisposable
{
    private readonly Dictionary<string, Operation> _operations = [];
    private readonly ConcurrentDictionary<Operation, byte> _running = new();
    private CallerContext? _caller;
    private CredentialLifetime? _credential;
    private int _credentialEnded;
    private int _initReceived;
    private Task? _initWatch;

    public MessageSocket Socket => socket;
    public GraphQLWebSocketOptions Options => options.Value;
    public bool IsAcknowledged => Volatile.Read(ref _caller) is not null;

    /// <summary>The official SDK parses errors in the legacy shape ({ code, message, data } as the message).</summary>
    public bool FromSdk { get; private set; }

    /// <summary>The language connection_init asked for (x-authing-lang), for messages sent before a caller exists.</summary>
    public string? Lang { get; private set; }

    /// <summary>Counts the connection as open and arms the connection_init timeout.</summary>
    public void Start()
    {
        stats.ConnectionOpened();
        _initWatch = WatchInitAsync();
    }

    /// <summary>True for the first connection_init of the connection only.</summary>
    public bool MarkInitReceived() => Interlocked.Exchange(ref _initReceived, 1) == 0;

    /// <summary>Resolves the caller; the error says why the connection is refused, null when it is accepted.</summary>
    public async Task<GenAuthException?> InitializeAsync(JsonElement payload)
    {
        var (headers, fromSdk) = ConnectionInitPayload.Read(payload, http);
        var caller = new CallerContext();
        // Note: this scope lives only for the resolution; every operation gets a fresh scope (DbContext is not thread-safe).
        await using (var scope = scopes.CreateAsyncScope())
            await resolver.ResolveAsync(scope.ServiceProvider.GetRequiredService<GenAuthDbContext>(), caller, headers, socket.Lifetime);
        FromSdk = fromSdk;
        Lang = headers.Lang;
        if (caller.PoolError is { } poolError)
            return poolError;
        if (caller.TokenRejected)
            return new GenAuthException(ErrorCodes.TokenInvalid);
        // Note: watched before the caller is published, so a revocation from here on ends the connection; one that
        // landed between the resolution and the watch is caught by the check every operation makes when it starts.
        if (CredentialLifetime.Watch(caller, sessions, clock) is { } credential)
        {
            _credential = credential;
            credential.Ended.UnsafeRegister(static state => _ = ((GraphQLWebSocketConnection)state!).EndCredentialAsync(), this);
        }
        Volatile.Write(ref _caller, caller);
        return null;
    }

    /// <summary>
    /// The connection's session was revoked or its token expired: each running operation ends with an error (1010001,
    /// as PROTOCOL.md's "error" for a failure during execution; the legacy protocol sends it as data, then complete),
    /// then the socket closes with 4403 Forbidden, the code a connection_init with that token gets. A graphql-ws client
    /// reconnects on 4403, so one with fresh connectionParams (a new token) resumes; nothing streams on the old one.
    /// </summary>
    private async Task EndCredentialAsync()
    {
        if (Interlocked.Exchange(ref _credentialEnded, 1) != 0)
            return;
        try
        {
            Task[] running;
            lock (_operations)
                running = _running.Keys.Select(o => o.Task ?? Task.CompletedTask).ToArray();
            await Task.WhenAll(running);
            await socket.CloseAsync(4403, "Forbidden");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Ending a GraphQL WebSocket connection whose session ended failed");
            socket.Shutdown();
        }
    }

    private bool CredentialEnded => _credential?.Ended.IsCancellationRequested == true;

    public string Serialize(ExecutionResult result) => writer.Serialize(result, FromSdk, _caller?.Lang ?? Lang);

    public ExecutionResult ErrorResult(ErrorCode code) =>
        new() { Errors = [new GenAuthExecutionError(code.Message(_caller?.Lang ?? Lang), code.Code, null)] };

    public StartOutcome TryStart(string id, GraphQLRequest request, IOperationSink sink, bool replaceExisting = false)
    {
        lock (_operations)
        {
            if (_operations.TryGetValue(id, out var existing))
            {
                if (!replaceExisting)
                    return StartOutcome.DuplicateId;
                _operations.Remove(id);
                existing.Cancel();
            }
            if (_running.Count >= options.Value.MaxOperationsPerConnection)
                return StartOutcome.TooMany;
            var operation = new Operation(id, socket.Lifetime, _credential?.Ended ?? CancellationToken.None);
            _operations[id] = operation;
            _running[operation] = 0;
            stats.OperationStarted();
            operation.Task = Task.Run(() => RunAsync(operation, request, sink));
            return StartOutcome.Started;
        }
    }

    /// <summary>The client no longer wants the operation: nothing more is sent for it.</summary>
    public void Stop(string id)
    {
        lock (_operations)
        {
            if (_operations.Remove(id, out var operation))
                operation.Cancel();
        }
    }

    private async Task RunAsync(Operation operation, GraphQLRequest request, IOperationSink sink)
    {
        var ct = operation.Token;
        await using var services = new OperationServices(OpenScope);
        try
        {
            var caller = services.GetRequiredService<CallerContext>();
            var db = services.GetRequiredService<GenAuthDbContext>();
            if (!await IsStillSignedInAsync(db, caller, ct))
            {
                // Note: an operation started as the session ended is already cancelled; it still gets its error.
                if (Unregister(operation, cancelled: true))
                    await sink.ErrorAsync(operation.Id, ErrorResult(ErrorCodes.TokenInvalid));
                return;
            }

            var result = await executor.ExecuteAsync(request, services, ct);
            if (!result.Executed)
            {
                if (Unregister(operation))
                    await sink.ErrorAsync(operation.Id, result);
                return;
            }
            if (result.Streams is { Count: > 0 } streams)
            {
                // Note: the source stream is set up; its events are built without this scope (QrStatusStream states come
                // from the bus), so the scope and its pooled DbContext go now instead of living as long as the subscriber.
                await services.ReleaseAsync();
                await foreach (var next in ObservableChannel.ReadAllAsync(streams.Values.First(), ct))
                    await sink.NextAsync(operation.Id, next);
            }
            else if (!ct.IsCancellationRequested)
            {
                await sink.NextAsync(operation.Id, result);
            }
            // Note: unregistered before "complete" goes out, so a client reusing the id at once is not refused with 4409.
            if (Unregister(operation))
                await sink.CompleteAsync(operation.Id);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && CredentialEnded && !socket.Lifetime.IsCancellationRequested)
        {
            // The session ended under a running operation: it ends with the error unless the client had stopped it.
            if (Unregister(operation, cancelled: true))
                await sink.ErrorAsync(operation.Id, ErrorResult(ErrorCodes.TokenInvalid));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped by the client or the socket went away; the enumerator has unsubscribed from the stream
        }
        catch (Exception e)
        {
            logger.LogError(e, "A GraphQL operation over WebSocket failed");
            if (Unregister(operation))
                await sink.ErrorAsync(operation.Id, ErrorResult(ErrorCodes.Internal));
        }
        finally
        {
            Unregister(operation);
            _running.TryRemove(operation, out _);
            operation.Dispose();
            stats.OperationEnded();
        }
    }

    /// <summary>A scope for one operation, with the connection's caller and the pool's query filter.</summary>
    private AsyncServiceScope OpenScope()
    {
        var scope = scopes.CreateAsyncScope();
        var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
        caller.CopyFrom(_caller!);
        scope.ServiceProvider.GetRequiredService<GenAuthDbContext>().PoolId = caller.Pool?.Id;
        return scope;
    }

    // A logged-out or expired token must not keep starting operations on a connection opened while it was valid.
    private async Task<bool> IsStillSignedInAsync(GenAuthDbContext db, CallerContext caller, CancellationToken ct)
    {
        if (caller.Token is null)
            return true;
        if (CredentialEnded)
            return false;
        if (caller.TokenExpiresAt is { } expires && expires <= clock.GetUtcNow())
            return false;
        return caller.Kind != PrincipalKind.User
               || await sessions.IsActiveAsync(db, caller.Pool!.Id, caller.SessionId!, caller.UserId!, ct);
    }

    /// <summary>
    /// Removes the operation from the live ids; false when it was already gone (the client stopped it) or, unless
    /// <paramref name="cancelled"/> (the session ended under it), when it was cancelled.
    /// </summary>
    private bool Unregister(Operation operation, bool cancelled = false)
    {
        lock (_operations)
        {
            if (!_operations.TryGetValue(operation.Id, out var current) || current != operation)
                return false;
            _operations.Remove(operation.Id);
            return cancelled || !operation.Token.IsCancellationRequested;
        }
    }

    private async Task WatchInitAsync()
    {
        try
        {
            await Task.Delay(options.Value.ConnectionInitTimeout, clock, socket.Lifetime);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (Volatile.Read(ref _initReceived) == 0)
            await socket.CloseAsync(4408, "Connection initialisation timeout");
    }

    public async ValueTask DisposeAsync()
    {
        socket.Shutdown();
        var running = _running.Keys.ToArray();
        foreach (var operation in running)
            operation.Cancel();
        await Task.WhenAll(running.Select(o => o.Task ?? Task.CompletedTask));
        if (_initWatch is not null)
        {
            await _initWatch;
            stats.ConnectionClosed();
        }
        _credential?.Dispose();
    }

    private sealed class Operation(string id, CancellationToken connection, CancellationToken credential) : IDisposable
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(connection, credential);

        public string Id => id;
        public CancellationToken Token => _cts.Token;
        public Task? Task { get; set; }

        public void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _cts.Dispose();
    }
}
