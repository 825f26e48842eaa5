using System.Buffers;
using System.Net.WebSockets;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// One simulated user's connection. Small on purpose (a load process holds thousands): the socket, an id
/// the dialect needs for addressing, and nothing buffered while idle.
/// </summary>
internal sealed class LoadClient
{
    private const int MessageBufferSize = 4096;
    private const int MaxMessageSize = 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private SemaphoreSlim? _sendGate;

    public LoadClient(ClientWebSocket socket)
    {
        _socket = socket;
    }

    /// <summary>How the server (or the peers) address this client: Switchboard's or PeerJS's peer id; null for the tutorial.</summary>
    public string? PeerId { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>
    /// Lets a second writer (PeerJS heartbeats) share the socket: ClientWebSocket allows one send at a time.
    /// Without it, sends are unguarded, which is right when one loop owns all of a client's sends.
    /// </summary>
    public void EnableSharedSending() => _sendGate ??= new SemaphoreSlim(1, 1);

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (_sendGate is null)
        {
            return _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }

        return SendGuardedAsync(message, cancellationToken);
    }

    /// <summary>Reads one whole text message (setup traffic only: it allocates). Throws on close or timeout.</summary>
    public async Task<byte[]> ReceiveMessageAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var rented = ArrayPool<byte>.Shared.Rent(MessageBufferSize);
        var buffer = rented;
        try
        {
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    buffer = Grow(buffer, count);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, $"the server closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
                }

                count += result.Count;
                if (result.EndOfMessage)
                {
                    return buffer.AsSpan(0, count).ToArray();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Receives until the connection ends, handing each message to <paramref name="onMessage"/> (the memory is
    /// only valid during the call). An idle client waits with a zero-byte read and borrows a buffer only
    /// when a message arrives; a busy one keeps its own. Server pings are answered inside ReceiveAsync, so a
    /// client is kept alive only while this loop runs. Completes normally; returns why it ended.
    /// </summary>
    public async Task<ClientEnd> RunAsync(Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> onMessage, bool busy)
    {
        var owned = busy ? new byte[MessageBufferSize] : null;
        try
        {
            while (true)
            {
                if (owned is null)
                {
                    var head = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                    if (head.MessageType == WebSocketMessageType.Close)
                    {
                        return ClientEnd.ClosedByServer;
                    }
                }

                var rented = owned is null ? ArrayPool<byte>.Shared.Rent(MessageBufferSize) : null;
                var buffer = owned ?? rented!;
                try
                {
                    var count = 0;
                    while (true)
                    {
                        if (count == buffer.Length)
                        {
                            buffer = Grow(buffer, count);
                            if (owned is not null)
                            {
                                owned = buffer;
                            }
                        }

                        var result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return ClientEnd.ClosedByServer;
                        }

                        count += result.Count;
                        if (result.EndOfMessage)
                        {
                            break;
                        }
                    }

                    await onMessage(this, buffer.AsMemory(0, count));
                }
                finally
                {
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            return _socket.State == WebSocketState.Aborted ? ClientEnd.Aborted : ClientEnd.Failed;
        }
    }

    /// <summary>A polite close: sends the close frame and waits (bounded) for the server's answer.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing is best effort: the socket is disposed either way.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    public void Abort()
    {
        _socket.Abort();
        _socket.Dispose();
    }

    private async ValueTask SendGuardedAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendGate!.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private static byte[] Grow(byte[] buffer, int count)
    {
        if (buffer.Length >= MaxMessageSize)
        {
            throw new WebSocketException(WebSocketError.Faulted, $"a message from the server exceeded {MaxMessageSize} bytes");
        }

        var larger = new byte[buffer.Length * 2];
        buffer.AsSpan(0, count).CopyTo(larger);
        return larger;
    }
}
