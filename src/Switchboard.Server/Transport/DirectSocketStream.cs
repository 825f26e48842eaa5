using System.Net.Sockets;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Transport;

/// <summary>
/// The WebSocket's view of a socket Switchboard accepted itself, tuned for connections that are idle
/// almost all the time:
/// <list type="bullet">
/// <item>writes go out with a non-blocking send first, so the socket never builds the asynchronous send
/// machinery (about 300 bytes kept per connection) unless the client actually stops reading;</item>
/// <item>.NET's WebSocket gives up a connection (keep-alive timeout, protocol error) by disposing its
/// stream; that shuts the socket's receive side, which ends the pending read, but leaves the socket open
/// so the transport can still let the client read a close frame (lingering).</item>
/// </list>
/// </summary>
internal sealed class DirectSocketStream : NetworkStream, IConnectionTransport
{
    private readonly Socket _socket;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lingerTime;

    public DirectSocketStream(Socket socket, TimeProvider timeProvider, TimeSpan lingerTime)
        : base(socket, ownsSocket: false)
    {
        _socket = socket;
        _timeProvider = timeProvider;
        _lingerTime = lingerTime;
        _socket.Blocking = false;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var sent = _socket.Send(buffer.Span, SocketFlags.None, out var error);
        if (error == SocketError.Success && sent == buffer.Length)
        {
            return ValueTask.CompletedTask;
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            return ValueTask.FromException(new IOException($"Unable to write data to the transport connection: {error}.", new SocketException((int)error)));
        }

        // The socket buffer is full: the rest waits asynchronously, which is when a send timeout matters.
        return base.WriteAsync(buffer[sent..], cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public async Task LingerAsync()
    {
        // FIN after the close frame, then give the client time to read it before the socket is closed.
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return;
        }

        await Task.Delay(_lingerTime, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void OnConnectionEnded() => _socket.Dispose();
}
