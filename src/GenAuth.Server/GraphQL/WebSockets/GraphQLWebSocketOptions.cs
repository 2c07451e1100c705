namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>GenAuth:WebSocket: limits and timers of the GraphQL WebSocket transport.</summary>
public sealed class GraphQLWebSocketOptions
{
    public const string Section = "GenAuth:WebSocket";

    /// <summary>How long a new socket may stay without connection_init before it is closed with 4408.</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of the legacy protocol's "ka" messages and of WebSocket ping frames.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Operations one connection may run at once; more are refused with an error for that operation.</summary>
    public int MaxOperationsPerConnection { get; set; } = 100;

    /// <summary>Largest client message accepted; a larger one closes the socket.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How long the server waits for the client's close frame after closing, before dropping the socket.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsValid() =>
        ConnectionInitTimeout > TimeSpan.Zero && KeepAliveInterval > TimeSpan.Zero && CloseTimeout > TimeSpan.Zero
        && MaxOperationsPerConnection > 0 && MaxMessageBytes >= 1024;
}
