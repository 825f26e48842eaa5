using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Connections;

/// <summary>
/// A client whose WebSocket is .NET's own: the connections that come through the HTTP pipeline (TLS,
/// HTTP/2, platforms without the epoll transport). Its single writer is in WebSocketPeerConnection.Send.cs.
/// The receive loop holds no buffer while idle: it waits with a zero-byte read and rents a buffer only once
/// a message starts arriving.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the connection's lifetime and disposes everything when it ends.")]
internal sealed partial class WebSocketPeerConnection : PeerConnection
{
    private const int InitialReceiveBufferSize = 4096;

    private readonly WebSocket _socket;
    private readonly IMessageHandler _handler;
    private readonly SwitchboardOptions _options;
    private readonly ConnectionStore _store;
    private readonly ILogger _logger;
    private ITimer? _abortTimer;

    public WebSocketPeerConnection(WebSocket socket, IMessageHandler handler, SwitchboardOptions options, ConnectionStore store, TimeProvider timeProvider, ILogger logger)
    {
        _socket = socket;
        _handler = handler;
        _options = options;
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The WebSocket layer failed the connection after sending a close frame the client may not have read yet.</summary>
    private bool NeedsLinger { get; set; }

    /// <summary>
    /// Runs the connection until it closes; never throws for anything the client does. This one method
    /// is all an idle connection keeps suspended, so the receive loop is inline rather than split up.
    /// </summary>
    /// <param name="transport">What carries the WebSocket: asked to linger after a protocol error, told when the connection ends.</param>
    public async Task RunAsync(IConnectionTransport? transport = null)
    {
        _store.Add(this);
        Log.Connected(_logger, Id);
        try
        {
            while (true)
            {
                // Idle connections wait here without a receive buffer. No cancellation token: Abort()
                // aborts the socket, which ends this read without a registration per connection.
                var head = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (head.MessageType == WebSocketMessageType.Close)
                {
                    await OnCloseReceivedAsync();
                    break;
                }

                // Once the server has asked to close, whatever still arrives is discarded until the client answers.
                var open = IsClosing ? await DiscardMessageAsync(head) : await ReceiveMessageAsync(head);
                if (!open)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: keep-alive timeout, close timeout, a failed send, or the server stopping.
        }
        catch (WebSocketException ex)
        {
            // A peer that vanishes mid-frame, or a protocol violation the WebSocket layer already answered
            // with a close (invalid UTF-8 gets 1007 there). Normal for a client on the internet.
            Log.ReceiveEnded(_logger, Id, ex.WebSocketErrorCode, ex.Message);
            if (ex.WebSocketErrorCode != WebSocketError.ConnectionClosedPrematurely)
            {
                await AwaitClientCloseAsync();
            }
        }
        catch (Exception ex)
        {
            Log.UnexpectedFailure(_logger, Id, ex);
        }
        finally
        {
            try
            {
                _handler.OnClosed(this);
            }
            catch (Exception ex)
            {
                Log.UnexpectedFailure(_logger, Id, ex);
            }

            CompleteSending();
            _store.Remove(this);
            if (NeedsLinger && transport is not null)
            {
                await transport.LingerAsync();
            }

            if (_socket.State != WebSocketState.Closed)
            {
                _socket.Abort();
            }

            _socket.Dispose();
            Interlocked.Exchange(ref _abortTimer, null)?.Dispose();
            Log.Disconnected(_logger, Id);
            transport?.OnConnectionEnded();
        }
    }

    /// <summary>
    /// After the WebSocket layer sent a close of its own (1007, 1002) it may give up the stream at once;
    /// then the transport must linger (<see cref="IConnectionTransport.LingerAsync"/>). Otherwise wait here
    /// for the client to answer the close.
    /// </summary>
    private async Task AwaitClientCloseAsync()
    {
        if (_socket.State == WebSocketState.Aborted)
        {
            NeedsLinger = true;
            return;
        }

        if (_socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        ScheduleAbort();
        try
        {
            var scratch = new byte[256];
            while ((await _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client did not answer in time, or went away: either way we are done.
        }
    }

    /// <summary>Drops the connection without a close handshake; any pending read or send ends.</summary>
    public override void Abort() => _socket.Abort();

    /// <summary>Reads and dispatches one message; false when the client closed instead.</summary>
    private async Task<bool> ReceiveMessageAsync(ValueWebSocketReceiveResult head)
    {
        var limit = _options.MaxMessageSize;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBufferSize, limit + 1));
        try
        {
            var count = 0;
            var endOfMessage = head.EndOfMessage;
            while (!endOfMessage)
            {
                if (count == buffer.Length)
                {
                    buffer = Grow(buffer, count, limit + 1);
                }

                // Never read more than one byte past the limit: an oversized message is refused, not buffered.
                var window = Math.Min(buffer.Length, limit + 1) - count;
                var result = await _socket.ReceiveAsync(buffer.AsMemory(count, window), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await OnCloseReceivedAsync();
                    return false;
                }

                count += result.Count;
                endOfMessage = result.EndOfMessage;
                if (count > limit)
                {
                    Log.MessageTooBig(_logger, Id, limit);
                    RequestClose(WebSocketCloseStatus.MessageTooBig, $"message larger than {limit} bytes");
                    return true;
                }
            }

            Dispatch(head.MessageType, buffer.AsSpan(0, count));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Dispatch(WebSocketMessageType type, ReadOnlySpan<byte> message)
    {
        try
        {
            if (type == WebSocketMessageType.Text)
            {
                _handler.OnText(this, message);
            }
            else
            {
                _handler.OnBinary(this);
            }
        }
        catch (Exception ex)
        {
            // A bug in a handler costs this connection only.
            Log.HandlerFailed(_logger, Id, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "internal error");
        }
    }

    private async Task<bool> DiscardMessageAsync(ValueWebSocketReceiveResult head)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferSize);
        try
        {
            var endOfMessage = head.EndOfMessage;
            while (!endOfMessage)
            {
                var result = await _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await OnCloseReceivedAsync();
                    return false;
                }

                endOfMessage = result.EndOfMessage;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static byte[] Grow(byte[] buffer, int count, int max)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
