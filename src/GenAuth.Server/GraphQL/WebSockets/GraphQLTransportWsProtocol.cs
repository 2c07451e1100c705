using System.Text.Json;
using GraphQL;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>
/// The graphql-transport-ws subprotocol (graphql-ws library, PROTOCOL.md): connection_init / connection_ack,
/// ping / pong, subscribe → next* then complete (or error), client complete; protocol faults close the socket
/// with the 44xx codes the spec names.
/// </summary>
public sealed class GraphQLTransportWsProtocol(GraphQLWebSocketConnection connection, IGraphQLSerializer serializer)
    : IOperationSink
{
    public const string Name = "graphql-transport-ws";

    private MessageSocket Socket => connection.Socket;

    public async Task RunAsync()
    {
        connection.Start();
        while (true)
        {
            var received = await Socket.ReceiveAsync();
            if (received.Kind == ReceivedKind.Closed)
                return;
            if (Socket.IsClosing)
                continue; // waiting for the client to answer our close
            switch (received.Kind)
            {
                case ReceivedKind.TooBig:
                    // Note: 4400, not 1009: graphql-ws clients treat 4400 as fatal instead of reconnecting to resend it.
                    await Socket.CloseAsync(4400, $"Messages are limited to {connection.Options.MaxMessageBytes} bytes");
                    continue;
                case ReceivedKind.Binary:
                    await Socket.CloseAsync(4400, "Invalid message received");
                    continue;
            }
            using var message = WsMessages.TryParse(received.Data, out var type);
            if (message is null)
                await Socket.CloseAsync(4400, "Invalid message received");
            else
                await HandleAsync(type, message.RootElement);
        }
    }

    private async Task HandleAsync(string type, JsonElement message)
    {
        switch (type)
        {
            case "connection_init":
                await InitAsync(WsMessages.PayloadOf(message));
                break;
            case "ping":
                var payload = WsMessages.PayloadOf(message);
                await Socket.SendAsync(WsMessages.Build("pong", payloadJson: payload.ValueKind == JsonValueKind.Object ? payload.GetRawText() : null));
                break;
            case "pong":
                break;
            case "subscribe":
                await SubscribeAsync(message);
                break;
            case "complete" when WsMessages.IdOf(message) is { } id:
                connection.Stop(id);
                break;
            default:
                await Socket.CloseAsync(4400, type is "complete" ? "Invalid message received" : $"Unexpected message of type {type} received");
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
        if (payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            await Socket.CloseAsync(4400, "Invalid message received");
            return;
        }
        // Note: a credential that was sent but doesn't hold (bad or revoked token, unknown pool or app) refuses the whole
        // connection with 4403, as the spec recommends; no credential at all is an anonymous connection.
        if (await connection.InitializeAsync(payload) is not null)
        {
            await Socket.CloseAsync(4403, "Forbidden");
            return;
        }
        await Socket.SendAsync(WsMessages.Build("connection_ack"));
    }

    private async Task SubscribeAsync(JsonElement message)
    {
        if (!connection.IsAcknowledged)
        {
            await Socket.CloseAsync(4401, "Unauthorized");
            return;
        }
        if (WsMessages.IdOf(message) is not { } id || WsMessages.ReadRequest(message, serializer) is not { } request)
        {
            await Socket.CloseAsync(4400, "Invalid message received");
            return;
        }
        switch (connection.TryStart(id, request, this))
        {
            case StartOutcome.DuplicateId:
                await Socket.CloseAsync(4409, $"Subscriber for {id} already exists");
                break;
            case StartOutcome.TooMany:
                await ErrorAsync(id, connection.ErrorResult(Core.Common.ErrorCodes.TooManyOperations));
                break;
        }
    }

    public Task NextAsync(string id, ExecutionResult result) =>
        Socket.SendAsync(WsMessages.Build("next", id, connection.Serialize(result)));

    public Task ErrorAsync(string id, ExecutionResult result) =>
        Socket.SendAsync(WsMessages.Build("error", id, WsMessages.ErrorsOf(connection.Serialize(result))));

    public Task CompleteAsync(string id) => Socket.SendAsync(WsMessages.Build("complete", id));
}
