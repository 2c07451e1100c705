using System.Net.WebSockets;
using System.Text.Json;
using GenAuth.Core.Common;
using GraphQL;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>
/// The legacy "graphql-ws" subprotocol of Apollo's subscriptions-transport-ws: connection_init → connection_ack and
/// "ka" keep-alives (or connection_error), start → data* then complete, stop, connection_terminate. Like the
/// reference server, bad messages are answered with connection_error / error instead of closing the socket.
/// </summary>
public sealed class SubscriptionsTransportWsProtocol(GraphQLWebSocketConnection connection, IGraphQLSerializer serializer)
    : IOperationSink
{
    public const string Name = "graphql-ws";

    private static readonly string KeepAlive = WsMessages.Build("ka");
    private Task? _keepAlive;

    private MessageSocket Socket => connection.Socket;

    public async Task RunAsync()
    {
        connection.Start();
        try
        {
            await ReceiveLoopAsync();
        }
        finally
        {
            Socket.Shutdown();
            if (_keepAlive is not null)
                await _keepAlive;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        while (true)
        {
            var received = await Socket.ReceiveAsync();
            if (received.Kind == ReceivedKind.Closed)
                return;
            if (Socket.IsClosing)
                continue;
            if (received.Kind == ReceivedKind.TooBig)
            {
                await Socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {connection.Options.MaxMessageBytes} bytes");
                continue;
            }
            if (received.Kind != ReceivedKind.Text || WsMessages.TryParse(received.Data, out var type) is not { } message)
            {
                await Socket.SendAsync(WsMessages.Build("connection_error", payloadJson: WsMessages.MessagePayload("Invalid message")));
                continue;
            }
            using (message)
                await HandleAsync(type, message.RootElement);
        }
    }

    private async Task HandleAsync(string type, JsonElement message)
    {
        var id = WsMessages.IdOf(message);
        switch (type)
        {
            case "connection_init":
                await InitAsync(WsMessages.PayloadOf(message));
                break;
            case "start":
                await StartAsync(id, message);
                break;
            case "stop" when id is not null:
                connection.Stop(id);
                break;
            case "connection_terminate":
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
                break;
            default:
                await SendErrorAsync(id, "Invalid message type");
                break;
        }
    }

    private async Task InitAsync(JsonElement payload)
    {
        if (!connection.MarkInitReceived())
        {
            await Socket.CloseAsync(4429, "Too many initialisation requests");
            return;
        }
        var rejection = payload.ValueKind is JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined
            ? await connection.InitializeAsync(payload)
            : new GenAuthException(ErrorCodes.BadRequest);
        if (rejection is not null)
        {
            var error = JsonSerializer.Serialize(new { message = rejection.LocalizedMessage(connection.Lang), code = rejection.Code });
            await Socket.SendAsync(WsMessages.Build("connection_error", payloadJson: error));
            await Socket.CloseAsync(4403, "Forbidden");
            return;
        }
        await Socket.SendAsync(WsMessages.Build("connection_ack"));
        await Socket.SendAsync(KeepAlive);
        _keepAlive = KeepAliveAsync();
    }

    private async Task StartAsync(string? id, JsonElement message)
    {
        if (id is null)
        {
            await SendErrorAsync(null, "A start message needs an id");
            return;
        }
        if (!connection.IsAcknowledged)
        {
            await SendErrorAsync(id, "Send connection_init and wait for connection_ack first");
            return;
        }
        if (WsMessages.ReadRequest(message, serializer) is not { } request)
        {
            await SendErrorAsync(id, "The payload is not a GraphQL request");
            return;
        }
        // Note: the reference server replaces an operation whose id is reused instead of refusing it.
        if (connection.TryStart(id, request, this, replaceExisting: true) == StartOutcome.TooMany)
            await ErrorAsync(id, connection.ErrorResult(ErrorCodes.TooManyOperations));
    }

    private async Task KeepAliveAsync()
    {
        using var timer = new PeriodicTimer(connection.Options.KeepAliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(Socket.Lifetime) && await Socket.SendAsync(KeepAlive))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task SendErrorAsync(string? id, string text) =>
        Socket.SendAsync(WsMessages.Build("error", id, WsMessages.MessagePayload(text)));

    public Task NextAsync(string id, ExecutionResult result) =>
        Socket.SendAsync(WsMessages.Build("data", id, connection.Serialize(result)));

    /// <summary>Like the reference server: errors found before execution go out as a data message with errors, then complete.</summary>
    public async Task ErrorAsync(string id, ExecutionResult result)
    {
        await Socket.SendAsync(WsMessages.Build("data", id, connection.Serialize(result)));
        await CompleteAsync(id);
    }

    public Task CompleteAsync(string id) => Socket.SendAsync(WsMessages.Build("complete", id));
}
