using System.Net.WebSockets;
using GraphQL;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>GraphQL over WebSocket: graphql-transport-ws (preferred) or the legacy graphql-ws, picked by subprotocol.</summary>
public static class GraphQLWebSocketTransport
{
    public static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<GraphQLWebSocketOptions>>().Value;
        var requested = http.WebSockets.WebSocketRequestedProtocols;
        var subprotocol = requested.Contains(GraphQLTransportWsProtocol.Name) ? GraphQLTransportWsProtocol.Name
            : requested.Contains(SubscriptionsTransportWsProtocol.Name) ? SubscriptionsTransportWsProtocol.Name
            : null;

        using var webSocket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = options.KeepAliveInterval,
            // Note: ping frames with a deadline find clients that vanished without closing (dead TCP, sleeping laptops).
            KeepAliveTimeout = options.KeepAliveInterval,
        });
        using var socket = new MessageSocket(webSocket, options.MaxMessageBytes, options.CloseTimeout);
        if (subprotocol is null)
        {
            await socket.CloseAsync(4406, "Subprotocol not acceptable");
            await socket.DrainAsync();
            return;
        }

        // Note: graceful shutdown: the server is going away (1001), so clients reconnect elsewhere at once, and Kestrel's
        // drain isn't held by sockets until its timeout.
        using var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(
            static state => _ = ((MessageSocket)state!).CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"), socket);
        var logger = services.GetRequiredService<ILogger<GraphQLWebSocketConnection>>();
        await using var connection = ActivatorUtilities.CreateInstance<GraphQLWebSocketConnection>(services, socket, http);
        var serializer = services.GetRequiredService<IGraphQLSerializer>();
        try
        {
            if (subprotocol == GraphQLTransportWsProtocol.Name)
                await new GraphQLTransportWsProtocol(connection, serializer).RunAsync();
            else
                await new SubscriptionsTransportWsProtocol(connection, serializer).RunAsync();
        }
        catch (OperationCanceledException) when (socket.Lifetime.IsCancellationRequested)
        {
            // the socket went away while a message was being handled
        }
        catch (Exception e)
        {
            logger.LogError(e, "The GraphQL WebSocket connection failed");
            // Note: 4500 is graphql-ws's own code for this; legacy clients know only the standard 1011.
            await socket.CloseAsync(subprotocol == GraphQLTransportWsProtocol.Name ? 4500 : (int)WebSocketCloseStatus.InternalServerError,
                "Internal server error");
        }
    }
}
