using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Hosting;

/// <summary>
/// The HTTP pipeline's transport: the stream Kestrel hands over after a WebSocket upgrade (HTTP/1.1, or an
/// HTTP/2 extended CONNECT), for connections the direct path does not take (TLS, HTTP/2, upgrades after an
/// HTTP request on a kept-alive connection, <c>DirectWebSockets</c> off). It moves bytes and nothing else:
/// the framing and every rule are the same <see cref="PeerConnection"/> code as on the direct path.
/// </summary>
/// <remarks>
/// An idle connection waits in a zero-byte read, holding no buffer; a read takes whatever has arrived into
/// a rented buffer (or the connection's own, for a frame still arriving). One write is outstanding at a
/// time, from a copy, so the connection's frames are free the moment they are handed over; while it is
/// outstanding the transport is full, as a socket whose buffer has filled.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "RunAsync disposes the cancellation source when the connection ends.")]
internal sealed class PipelineTransport : IPeerTransport
{
    public TransportKind Kind => TransportKind.Pipeline;

    public System.Net.IPAddress? RemoteAddress { get; }

    private readonly Stream _stream;
    private readonly HttpContext _context;
    private readonly CancellationTokenSource _end = new();
    private PeerConnection _connection = null!;
    private TaskCompletionSource? _wake;
    private bool _receiving = true;
    private bool _turnRequested;
    private bool _writing;
    private bool _writeWanted;
    private bool _endRequested;
    private volatile bool _ended;

    /// <summary>The request is over: its HttpContext may already serve another stream, so it is not touched again.</summary>
    private bool _finished;
    private Task? _writeCompletion;

    public PipelineTransport(Stream stream, HttpContext context)
    {
        _stream = stream;
        _context = context;
        RemoteAddress = context.Connection.RemoteIpAddress;
    }

    /// <summary>Runs the connection until it ends; never throws for anything the client does.</summary>
    public async Task RunAsync(PeerConnection connection)
    {
        _connection = connection;
        connection.Start();
        try
        {
            var dataReady = false;
            while (await WaitForTurnAsync())
            {
                if (TakeTurnRequest())
                {
                    // Input left waiting by the last turn: after the thread pool's other work, not before.
                    await Task.Yield();
                    Turn(connection, static c => c.ContinueReceiving());
                    continue;
                }

                if (!dataReady)
                {
                    // Idle connections wait here without a buffer; then the turn is checked again, since the
                    // output may have blocked meanwhile.
#pragma warning disable CA2022 // a zero-byte read waits for data and reads none, by design
                    await _stream.ReadAsync(Memory<byte>.Empty, _end.Token);
#pragma warning restore CA2022
                    dataReady = true;
                    continue;
                }

                dataReady = false;
                if (!await ReceiveAsync(connection))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client vanished, or the connection was ended or aborted: normal for a client on the internet.
        }
        finally
        {
            lock (connection.SendLock)
            {
                _ended = true;
            }

            connection.OnTransportClosed();

            // A write still outstanding would complete after the request is over: end it first.
            if (_writeCompletion is { IsCompleted: false } writing)
            {
                _context.Abort();
                await writing;
            }

            lock (connection.SendLock)
            {
                _finished = true;
            }

            _end.Dispose();
        }
    }

    public int Write(ReadOnlySpan<byte> bytes)
    {
        if (_ended)
        {
            return -1;
        }

        if (_writing)
        {
            _writeWanted = true;
            return 0;
        }

        var copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(copy);
        ValueTask pending;
        try
        {
            pending = _stream.WriteAsync(copy.AsMemory(0, bytes.Length), _context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(copy);
            return -1;
        }

        if (pending.IsCompleted)
        {
            ArrayPool<byte>.Shared.Return(copy);
            return Succeeded(pending) ? bytes.Length : -1;
        }

        _writing = true;
        _writeCompletion = CompleteWriteAsync(pending, copy);
        return bytes.Length;
    }

    public void SetReceiving(bool receiving)
    {
        _receiving = receiving;
        if (receiving)
        {
            WakeLocked();
        }
    }

    public void ScheduleReceive()
    {
        lock (_connection.SendLock)
        {
            _turnRequested = true;
            WakeLocked();
        }
    }

    public void Shutdown(bool handshakeComplete)
    {
        // An upgraded HTTP stream cannot be half-closed; after both closes the read loop ends, and Kestrel
        // closes the connection once what was written has gone.
        if (!handshakeComplete)
        {
            return;
        }

        lock (_connection.SendLock)
        {
            _endRequested = true;
            if (_writing)
            {
                return;
            }
        }

        End();
    }

    public void Abort()
    {
        lock (_connection.SendLock)
        {
            if (_finished)
            {
                return;
            }

            _context.Abort();
        }

        End();
    }

    private async Task<bool> ReceiveAsync(PeerConnection connection)
    {
        var space = connection.InboxSpace();
        if (!space.IsEmpty)
        {
            // Part of a frame is waiting: read straight after it, so a large message is copied once.
            var read = await _stream.ReadAsync(space, _end.Token);
            if (read == 0)
            {
                return false;
            }

            Turn((connection, read), static s => s.connection.OnReceivedIntoInbox(s.read));
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(PeerConnection.ReceiveBufferSize);
        try
        {
            var count = await _stream.ReadAsync(buffer.AsMemory(0, PeerConnection.ReceiveBufferSize), _end.Token);
            if (count == 0)
            {
                return false;
            }

            var batching = FlushDeferral.Open();
            try
            {
                connection.OnReceived(buffer.AsSpan(0, count));
            }
            finally
            {
                if (batching)
                {
                    FlushDeferral.Close();
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One turn of input, its answers batched into one write per connection as on an epoll loop.</summary>
    private static void Turn<T>(T state, Action<T> turn)
    {
        var batching = FlushDeferral.Open();
        try
        {
            turn(state);
        }
        finally
        {
            if (batching)
            {
                FlushDeferral.Close();
            }
        }
    }

    private async Task CompleteWriteAsync(ValueTask pending, byte[] copy)
    {
        var failed = false;
        try
        {
            await pending;
        }
        catch (Exception)
        {
            // The connection broke while writing; it is ended below like any dead transport.
            failed = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }

        bool wanted;
        bool end;
        lock (_connection.SendLock)
        {
            _writing = false;
            wanted = _writeWanted;
            _writeWanted = false;
            end = _endRequested;
        }

        try
        {
            if (failed)
            {
                Abort();
            }
            else if (end)
            {
                End();
            }
            else if (wanted)
            {
                _connection.OnWritable();
            }
        }
        catch (Exception)
        {
            // Only RunAsync's end awaits this: a failure here (a bug) costs this connection only.
            try
            {
                Abort();
            }
            catch (Exception)
            {
                // The request is already gone; RunAsync ends the connection.
            }
        }
    }

    private async Task<bool> WaitForTurnAsync()
    {
        while (true)
        {
            Task wake;
            lock (_connection.SendLock)
            {
                if (_ended)
                {
                    return false;
                }

                if (_receiving || _turnRequested)
                {
                    return true;
                }

                // Paused: the client is not taking its output. A turn request, room, or the end wakes it.
                _wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _wake.Task;
            }

            await wake;
        }
    }

    private bool TakeTurnRequest()
    {
        lock (_connection.SendLock)
        {
            var requested = _turnRequested;
            _turnRequested = false;
            return requested;
        }
    }

    private void WakeLocked()
    {
        _wake?.TrySetResult();
        _wake = null;
    }

    private void End()
    {
        lock (_connection.SendLock)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            WakeLocked();
        }

        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The read loop has already finished.
        }
    }

    private static bool Succeeded(ValueTask completed)
    {
        try
        {
            completed.GetAwaiter().GetResult();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
