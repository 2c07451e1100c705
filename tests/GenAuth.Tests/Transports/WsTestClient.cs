using System.Net.WebSockets;
using System.Text.Json;

namespace GenAuth.Tests.Transports;

/// <summary>A test's end of a WebSocket: JSON messages in and out, with a guard timeout on every wait.</summary>
public sealed class WsTestClient(WebSocket socket) : IDisposable
{
    public WebSocket Socket => socket;

    public async Task SendAsync(object message) =>
        await SendRawAsync(message as string ?? JsonSerializer.Serialize(message));

    public async Task SendRawAsync(string text)
    {
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>The next message, or the close code when the server closed instead.</summary>
    public async Task<(JsonElement? Message, int? CloseCode)> ReceiveAnyAsync()
    {
        using var cts = new CancellationTokenSource(TransportTestServer.Guard);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var result = await socket.ReceiveAsync(chunk, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                return (null, (int?)result.CloseStatus);
            }
            buffer.Write(chunk, 0, result.Count);
            if (result.EndOfMessage)
                return (JsonDocument.Parse(buffer.ToArray()).RootElement.Clone(), null);
        }
    }

    /// <summary>The next message whose type isn't one of <paramref name="skip"/>; fails if the socket closes first.</summary>
    public async Task<JsonElement> ReceiveAsync(params string[] skip)
    {
        while (true)
        {
            var (message, close) = await ReceiveAnyAsync();
            Assert.True(message is not null, $"The server closed the socket with {close} instead of sending a message");
            if (!skip.Contains(message.Value.GetProperty("type").GetString()))
                return message.Value;
        }
    }

    /// <summary>
    /// Like <see cref="ReceiveAsync"/>, but fails once the guard has run out overall, however many skipped messages
    /// keep arriving (a subscription that never ends must fail the test, not hang it).
    /// </summary>
    public async Task<JsonElement> ReceiveWithinGuardAsync(params string[] skip)
    {
        var deadline = DateTime.UtcNow + TransportTestServer.Guard;
        while (true)
        {
            var message = await ReceiveAsync();
            if (!skip.Contains(message.GetProperty("type").GetString()))
                return message;
            Assert.True(DateTime.UtcNow < deadline, $"Still receiving {string.Join('/', skip)} after {TransportTestServer.Guard}");
        }
    }

    /// <summary>The close code the server ends with, skipping any messages sent before it.</summary>
    public async Task<int?> ReceiveCloseAsync()
    {
        while (true)
        {
            var (message, close) = await ReceiveAnyAsync();
            if (message is null)
                return close;
        }
    }

    public async Task InitAsync(object? payload = null)
    {
        await SendAsync(new { type = "connection_init", payload });
        var ack = await ReceiveAsync();
        Assert.Equal("connection_ack", ack.GetProperty("type").GetString());
    }

    public void Dispose() => socket.Dispose();
}
