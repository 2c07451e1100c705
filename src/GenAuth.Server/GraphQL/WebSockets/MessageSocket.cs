using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace GenAuth.Server.GraphQL.WebSockets;

public enum ReceivedKind
{
    Closed,
    TooBig,
    Binary,
    Text,
}

public readonly record struct Received(ReceivedKind Kind, ReadOnlyMemory<byte> Data);

/// <summary>
/// A WebSocket as a sequence of text messages: bounded reads, one writer at a time, and a close that gives up
/// on clients that never answer it.
/// </summary>
public sealed class MessageSocket : IDisposable
{
    private readonly WebSocket _socket;
    private readonly int _maxMessageBytes;
    private readonly TimeSpan _closeTimeout;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private int _closing;

    public MessageSocket(WebSocket socket, int maxMessageBytes, TimeSpan closeTimeout)
    {
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
        _closeTimeout = closeTimeout;
        // Note: captured once, so late readers never touch the disposed source.
        Lifetime = _lifetime.Token;
    }

    /// <summary>Cancelled when the socket is finished with: dropped, closed, or shut down by the server.</summary>
    public CancellationToken Lifetime { get; }

    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>The next whole message; Closed once the peer closed, the socket broke, or the server gave up.</summary>
    public async Task<Received> ReceiveAsync()
    {
        // Note: the buffer grows with the message and is dropped after it, so idle connections hold no large buffers.
        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), Lifetime);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "");
                    return new Received(ReceivedKind.Closed, default);
                }
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > _maxMessageBytes)
                    return new Received(ReceivedKind.TooBig, default);
                if (result.EndOfMessage)
                    return new Received(result.MessageType == WebSocketMessageType.Binary ? ReceivedKind.Binary : ReceivedKind.Text,
                        buffer.WrittenMemory);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Shutdown();
            return new Received(ReceivedKind.Closed, default);
        }
    }

    /// <summary>Sends one text message; false when the socket can no longer carry it.</summary>
    public async Task<bool> SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        try
        {
            await _sendLock.WaitAsync(Lifetime);
            try
            {
                if (IsClosing || _socket.State != WebSocketState.Open)
                    return false;
                // Note: only the socket's lifetime cancels a send; cancelling a send aborts the whole WebSocket.
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, Lifetime);
                return true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Shutdown();
            return false;
        }
    }

    public Task CloseAsync(int code, string reason) => CloseAsync((WebSocketCloseStatus)code, reason);

    /// <summary>Sends the close frame once; the socket is dropped if the client hasn't answered within the close timeout.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        try
        {
            _lifetime.CancelAfter(_closeTimeout);
            await _sendLock.WaitAsync(Lifetime);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(status, Truncate(reason), Lifetime);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Shutdown();
        }
    }

    /// <summary>Reads and drops whatever arrives until the client has answered the close (or the close timeout ran out).</summary>
    public async Task DrainAsync()
    {
        while ((await ReceiveAsync()).Kind != ReceivedKind.Closed)
        {
        }
    }

    /// <summary>Ends everything tied to <see cref="Lifetime"/> at once.</summary>
    public void Shutdown()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Shutdown();
        _lifetime.Dispose();
    }

    // A close reason is at most 123 bytes of UTF-8.
    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
            return reason;
        var end = Math.Min(reason.Length, 120);
        while (end > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > 120)
            end--;
        return reason[..end] + "...";
    }
}
