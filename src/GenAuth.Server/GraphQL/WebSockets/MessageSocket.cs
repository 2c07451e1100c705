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
    private const int InitialBufferBytes = 4096;
    private int _closing;
    private byte[]? _buffer;

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

    /// <summary>
    /// The next whole message; Closed once the peer closed, the socket broke, or the server gave up. The data is
    /// valid until the next call (or Dispose): it lives in a pooled buffer.
    /// </summary>
    public async Task<Received> ReceiveAsync()
    {
        ReturnBuffer();
        try
        {
            // Note: a zero-byte receive waits for the next frame without a buffer, so idle connections hold none;
            // a pooled one is rented only while a message is being read.
            var first = await _socket.ReceiveAsync(Memory<byte>.Empty, Lifetime);
            if (first.MessageType == WebSocketMessageType.Close)
                return await ClosedByPeerAsync();
            var kind = first.MessageType == WebSocketMessageType.Binary ? ReceivedKind.Binary : ReceivedKind.Text;
            if (first.EndOfMessage)
                return new Received(kind, ReadOnlyMemory<byte>.Empty);
            var buffer = _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxMessageBytes + 1));
                    buffer.AsSpan().CopyTo(bigger);
                    ReturnBuffer();
                    buffer = _buffer = bigger;
                }
                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), Lifetime);
                if (result.MessageType == WebSocketMessageType.Close)
                    return await ClosedByPeerAsync();
                count += result.Count;
                if (count > _maxMessageBytes)
                    return new Received(ReceivedKind.TooBig, default);
                if (result.EndOfMessage)
                    return new Received(kind, buffer.AsMemory(0, count));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Shutdown();
            return new Received(ReceivedKind.Closed, default);
        }
    }

    private async Task<Received> ClosedByPeerAsync()
    {
        await CloseAsync(WebSocketCloseStatus.NormalClosure, "");
        return new Received(ReceivedKind.Closed, default);
    }

    private void ReturnBuffer()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            ArrayPool<byte>.Shared.Return(buffer);
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

    /// <summary>Called once the receive loop has ended (no receive is pending on the pooled buffer).</summary>
    public void Dispose()
    {
        Shutdown();
        _lifetime.Dispose();
        ReturnBuffer();
    }

    // A close reason is at most 123 bytes of UTF-8.
    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
            return reason;
        var end = Math.Min(reason.Length, 120);
        while (end > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > 120)
            end--;
        // Note: never keep the high half of a pair (not valid UTF-8).
        if (end > 0 && char.IsHighSurrogate(reason[end - 1]))
            end--;
        return reason[..end] + "...";
    }
}
