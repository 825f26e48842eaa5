using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// One simulated user's connection: a WebSocket client (RFC 6455) spoken directly on a socket. Lean on
/// purpose, because the load generator must not be the bottleneck it measures: a busy client brings in
/// every frame that has arrived with one receive and sends each message with one send; an idle one
/// (a load process holds thousands) keeps no buffer while it waits.
/// </summary>
internal sealed class LoadClient
{
    private const int Open = 0;
    private const int CloseSent = 1;
    private const int CloseReceived = 2;
    private const int Closed = 3;
    private const int Aborted = 4;

    // After its close frame, the server should also close the TCP connection (so the TIME_WAIT is its):
    // wait that long for it, as ClientWebSocket does.
    private static readonly TimeSpan _serverCloseWait = TimeSpan.FromSeconds(1);
    private static readonly ReadOnlyMemory<byte> _normalClosure = new byte[] { 0x03, 0xE8 };

    private readonly ClientStream _socket;
    private readonly FrameReader _reader;

    // One frame at a time on the socket: a pong from the receive loop may meet a send from elsewhere.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private uint _maskState;
    private int _state;

    public LoadClient(ClientStream socket, FrameReader reader)
    {
        _socket = socket;
        _reader = reader;
        // The mask only has to be unpredictable to a proxy's cache, and there is none on loopback.
        _maskState = (uint)Random.Shared.Next() | 1;
    }

    /// <summary>How the server (or the peers) address this client: Switchboard's or PeerJS's peer id; null for the tutorial.</summary>
    public string? PeerId { get; set; }

    public bool IsOpen => Volatile.Read(ref _state) == Open;

    /// <summary>Sends one text message as one frame, with one system call when the socket takes it at once. Safe from several callers.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        SendFrameAsync(FrameOpcode.Text, message, cancellationToken);

    /// <summary>Reads one whole message (setup traffic only: it allocates). Throws on close or timeout.</summary>
    public async Task<byte[]> ReceiveMessageAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                switch (_reader.Next(out var payload))
                {
                    case FrameStep.Message:
                        return payload.ToArray();
                    case FrameStep.Ping:
                        await SendFrameAsync(FrameOpcode.Pong, payload, CancellationToken.None);
                        break;
                    case FrameStep.Close:
                        var reason = DescribeClose(payload.Span);
                        await AnswerCloseAsync(payload);
                        throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, $"the server closed the connection ({reason})");
                    default:
                        var received = await _socket.ReceiveAsync(_reader.FreeSpace(), deadline.Token);
                        if (received == 0)
                        {
                            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the server closed the connection without a close frame");
                        }

                        _reader.Advance(received);
                        break;
                }
            }
        }
        finally
        {
            _reader.ReleaseIfEmpty();
        }
    }

    /// <summary>
    /// Receives until the connection ends, handing each message to <paramref name="onMessage"/> (the memory is
    /// only valid during the call). A busy client reads straight into its buffer, one receive per wake-up,
    /// and handles every complete frame in it; an idle one waits with a zero-byte read and borrows a buffer
    /// only when bytes arrive. Server pings are answered here, so a client is kept alive only while this
    /// loop runs. Completes normally; returns why it ended.
    /// </summary>
    public async Task<ClientEnd> RunAsync(Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> onMessage, bool busy)
    {
        try
        {
            while (true)
            {
                switch (_reader.Next(out var payload))
                {
                    case FrameStep.Message:
                        await onMessage(this, payload);
                        break;
                    case FrameStep.Ping:
                        await SendFrameAsync(FrameOpcode.Pong, payload, CancellationToken.None);
                        break;
                    case FrameStep.Close:
                        await AnswerCloseAsync(payload);
                        return ClientEnd.ClosedByServer;
                    default:
                        if (!busy && _reader.ReleaseIfEmpty())
                        {
                            await _socket.ReceiveAsync(Memory<byte>.Empty);
                        }

                        var received = await _socket.ReceiveAsync(_reader.FreeSpace());
                        if (received == 0)
                        {
                            return Volatile.Read(ref _state) == Aborted ? ClientEnd.Aborted : ClientEnd.Failed;
                        }

                        _reader.Advance(received);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            return Volatile.Read(ref _state) == Aborted ? ClientEnd.Aborted : ClientEnd.Failed;
        }
        finally
        {
            // Every receive into the buffer has completed by now.
            _reader.Release();
        }
    }

    /// <summary>
    /// A polite close: sends the close frame, waits (bounded) for the server's, then for the server to end
    /// the TCP connection. Not while <see cref="RunAsync"/> runs: this reads the socket itself.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            if (Interlocked.CompareExchange(ref _state, CloseSent, Open) == Open)
            {
                await SendFrameAsync(FrameOpcode.Close, _normalClosure, deadline.Token);
            }

            // Whatever still arrives is read and dropped until the server ends the connection.
            while (true)
            {
                var step = _reader.Next(out _);
                if (step == FrameStep.Close)
                {
                    deadline.CancelAfter(_serverCloseWait);
                }
                else if (step == FrameStep.NeedMore)
                {
                    var received = await _socket.ReceiveAsync(_reader.FreeSpace(), deadline.Token);
                    if (received == 0)
                    {
                        return;
                    }

                    _reader.Advance(received);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing is best effort: the socket is disposed either way.
        }
        finally
        {
            Volatile.Write(ref _state, Closed);
            _socket.Dispose();
            _reader.Release();
        }
    }

    /// <summary>Drops the connection at once; a pending <see cref="RunAsync"/> ends with <see cref="ClientEnd.Aborted"/>.</summary>
    public void Abort()
    {
        Volatile.Write(ref _state, Aborted);
        _socket.Dispose();
    }

    // The server closed first: answer with its status code (RFC 6455 §5.5.1) unless our close is already out.
    private async ValueTask AnswerCloseAsync(ReadOnlyMemory<byte> payload)
    {
        if (Interlocked.CompareExchange(ref _state, CloseReceived, Open) != Open)
        {
            return;
        }

        try
        {
            await SendFrameAsync(FrameOpcode.Close, payload.Length >= 2 ? payload[..2] : ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The server may already be gone; the answer is a courtesy.
        }
    }

    // The frame is built before the gate is taken and sent whole, so it never interleaves with another.
    private ValueTask SendFrameAsync(FrameOpcode opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = ArrayPool<byte>.Shared.Rent(payload.Length + FrameWriter.MaxHeaderLength);
        var length = FrameWriter.Write(frame, opcode, payload.Span, NextMask());
        if (!_sendGate.Wait(0, CancellationToken.None))
        {
            return SendQueuedAsync(frame, length, cancellationToken);
        }

        var sending = StartSend(frame, length, cancellationToken);
        if (sending.IsCompletedSuccessfully)
        {
            // A socket's ValueTask may be consumed once only: what was read here is passed on as a value.
            var sent = sending.Result;
            if (sent == length)
            {
                Finish(frame);
                return ValueTask.CompletedTask;
            }

            return CompleteSendAsync(new ValueTask<int>(sent), frame, length, cancellationToken);
        }

        return CompleteSendAsync(sending, frame, length, cancellationToken);
    }

    private async ValueTask SendQueuedAsync(byte[] frame, int length, CancellationToken cancellationToken)
    {
        try
        {
            await _sendGate.WaitAsync(cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(frame);
            throw;
        }

        await CompleteSendAsync(StartSend(frame, length, cancellationToken), frame, length, cancellationToken);
    }

    // Called holding the gate: a send that fails at once gives the gate and the frame back.
    private ValueTask<int> StartSend(byte[] frame, int length, CancellationToken cancellationToken)
    {
        try
        {
            return _socket.SendAsync(frame.AsMemory(0, length), cancellationToken);
        }
        catch
        {
            Finish(frame);
            throw;
        }
    }

    // Holds the gate; gives it and the frame back when the whole frame is out.
    private async ValueTask CompleteSendAsync(ValueTask<int> sending, byte[] frame, int length, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await sending;
            while (sent < length)
            {
                sent += await _socket.SendAsync(frame.AsMemory(sent, length - sent), cancellationToken);
            }
        }
        finally
        {
            Finish(frame);
        }
    }

    private void Finish(byte[] frame)
    {
        _sendGate.Release();
        ArrayPool<byte>.Shared.Return(frame);
    }

    // xorshift32: a new key per frame for the price of three shifts. Racing callers may share one; harmless.
    private uint NextMask()
    {
        var x = _maskState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _maskState = x;
        return x;
    }

    private static string DescribeClose(ReadOnlySpan<byte> payload) => payload.Length >= 2
        ? $"{BinaryPrimitives.ReadUInt16BigEndian(payload)} {Encoding.UTF8.GetString(payload[2..])}".TrimEnd()
        : "no status";
}
