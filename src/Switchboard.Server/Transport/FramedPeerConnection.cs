using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Switchboard.Server.Connections;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// A client on a socket Switchboard accepted itself, with WebSocket framing of its own (RFC 6455) driven
/// by an <see cref="EpollLoop"/>. Why not .NET's WebSocket here: it reads each message with three
/// receive calls and keeps a timer per connection; this reads whatever has arrived with one call into
/// the loop's buffer, writes each burst of messages with one call, and leaves keep-alive to
/// <see cref="ConnectionSweeper"/> (docs/decisions/0005-epoll-transport.md).
/// </summary>
/// <remarks>
/// Threads: reading, frame handling and tear-down run only on the owning loop's thread. Sending may come
/// from any thread and is serialised by the send lock (FramedPeerConnection.Send.cs). Any thread may call
/// <see cref="Abort"/>: it shuts the socket down, and the loop sees the hang-up and tears down.
/// An idle connection keeps this object, its socket and its registration; no buffer and no timer.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The loop thread disposes the socket in Teardown; nothing else is owned.")]
internal sealed partial class FramedPeerConnection : PeerConnection, IEpollTarget
{
    private const uint ReadEvents = EpollInterop.In | EpollInterop.ReadHangUp;

    private readonly Socket _socket;
    private readonly PeerConnectionFactory _shared;
    private readonly EpollRegistration _registration;
    private long _lastHeard;
    private long _pingSentAt;
    private bool _tornDown;

    public FramedPeerConnection(Socket socket, EpollRegistration registration, PeerConnectionFactory shared)
    {
        _socket = socket;
        _registration = registration;
        _shared = shared;
        _lastHeard = shared.TimeProvider.GetTimestamp();
    }

    /// <summary>Takes over the socket's registration from the handshake; runs on the loop's thread.</summary>
    public void Start()
    {
        _shared.Connections.Add(this);
        Log.Connected(_shared.Logger, Id);
        _registration.Target = this;

        // Level-triggered from here on: whatever is left unread is reported again, so one read per
        // readiness is enough and bytes that followed the handshake are not missed.
        _registration.Modify(ReadEvents);
    }

    public void OnEvents(EpollRegistration registration, uint events)
    {
        if ((events & EpollInterop.Out) != 0)
        {
            OnWritable();
        }

        if ((events & (EpollInterop.In | EpollInterop.ReadHangUp | EpollInterop.HangUp | EpollInterop.Error)) != 0 && !_tornDown)
        {
            OnReadable();
        }
    }

    public void Drop() => Teardown();

    public override void Abort()
    {
        // The loop owns tear-down: a shut-down socket reads as ended there, whoever shut it.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset or torn down; the loop has seen (or will see) the hang-up.
        }
    }

    public override void Sweep(long now)
    {
        if (Volatile.Read(ref _tornDown))
        {
            return;
        }

        var options = _shared.Options;
        var time = _shared.TimeProvider;
        if (SweepSending(now))
        {
            return;
        }

        var heard = Volatile.Read(ref _lastHeard);
        var pingSentAt = _pingSentAt;
        if (pingSentAt != 0)
        {
            if (heard >= pingSentAt)
            {
                _pingSentAt = 0;
            }
            else if (time.GetElapsedTime(pingSentAt, now) > options.KeepAliveTimeout)
            {
                Log.KeepAliveTimedOut(_shared.Logger, Id, options.KeepAliveTimeout);
                Abort();
            }
        }
        else if (time.GetElapsedTime(heard, now) >= options.KeepAliveInterval - PingEarly(options.KeepAliveInterval) && !IsClosing)
        {
            // Anything the client sends counts as a sign of life; only a quiet connection is pinged.
            _pingSentAt = now;
            SendControl(Protocol.WebSocketOpcode.Ping, []);
        }
    }

    /// <summary>
    /// Up to a quarter of the interval, fixed per connection (from its random id): connections that arrived
    /// together do not fall quiet together, so their pings, and the pongs, do not come as one burst.
    /// </summary>
    private TimeSpan PingEarly(TimeSpan interval) => interval / 4 * (IdUtf8[0] % 32) / 32;

    /// <summary>Ends the connection: the rooms hear of it, everything queued is dropped, the socket is closed. Loop thread only.</summary>
    private void Teardown()
    {
        if (_tornDown)
        {
            return;
        }

        Volatile.Write(ref _tornDown, true);
        try
        {
            _shared.Handler.OnClosed(this);
        }
        catch (Exception ex)
        {
            Log.UnexpectedFailure(_shared.Logger, Id, ex);
        }

        CompleteSending();
        _shared.Connections.Remove(this);
        _registration.Unregister();
        _socket.Dispose();
        ReturnReceiveBuffers();
        Log.Disconnected(_shared.Logger, Id);
    }

    private void ReturnReceiveBuffers()
    {
        if (_inbox is not null)
        {
            ArrayPool<byte>.Shared.Return(_inbox);
            _inbox = null;
        }

        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }
    }
}
