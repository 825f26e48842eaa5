using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Switchboard.Server.Connections;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// The direct path's transport: a socket Switchboard accepted itself, driven by an <see cref="EpollLoop"/>
/// (docs/decisions/0005-epoll-transport.md). It reads whatever has arrived with one call into the loop's
/// buffer (or into the connection's buffer for a frame that is still arriving) and writes without ever
/// blocking; the <see cref="PeerConnection"/> above it makes every decision about the bytes.
/// </summary>
/// <remarks>
/// Threads: reading and tear-down run only on the owning loop's thread. Writes come from any thread under
/// the connection's send lock, which also guards the set of events the socket is watched for. Any thread
/// may abort: it shuts the socket down, and the loop sees the hang-up and tears down.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The loop thread disposes the socket in Close; nothing else is owned.")]
internal sealed class DirectTransport : IPeerTransport, IEpollTarget, IEpollTurn
{
    public TransportKind Kind => TransportKind.Direct;

    public System.Net.IPAddress? RemoteAddress
    {
        get
        {
            try
            {
                return (_socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return null;
            }
        }
    }

    private const uint ReadEvents = EpollInterop.In | EpollInterop.ReadHangUp;
    private const uint EndEvents = EpollInterop.HangUp | EpollInterop.Error;

    [ThreadStatic]
    private static byte[]? _receiveBuffer;

    private readonly Socket _socket;
    private readonly EpollRegistration _registration;
    private PeerConnection _connection = null!;
    /// <summary>What the socket is watched for; none of the real masks until <see cref="Start"/> applies one.</summary>
    private uint _events = uint.MaxValue;
    private bool _wantsWrite;
    private volatile bool _receiving = true;
    private bool _closed;

    public DirectTransport(Socket socket, EpollRegistration registration)
    {
        _socket = socket;
        _registration = registration;
    }

    /// <summary>Takes over the socket's registration from the handshake; runs on the loop's thread.</summary>
    public void Start(PeerConnection connection)
    {
        _connection = connection;
        _registration.Target = this;
        connection.Start();

        // Level-triggered from here on: whatever is left unread is reported again, so one read per
        // readiness is enough and bytes that followed the handshake are not missed.
        lock (connection.SendLock)
        {
            // From the flags, not a fixed mask: a keep-alive ping may already have found the socket full.
            ApplyEventsLocked();
        }
    }

    public void OnEvents(EpollRegistration registration, uint events)
    {
        if ((events & EpollInterop.Out) != 0)
        {
            lock (_connection.SendLock)
            {
                _wantsWrite = false;
                ApplyEventsLocked();
            }

            _connection.OnWritable();
        }

        if (_closed)
        {
            return;
        }

        if (_receiving)
        {
            if ((events & (ReadEvents | EndEvents)) != 0)
            {
                OnReadable();
            }
        }
        else if ((events & EndEvents) != 0)
        {
            // Paused (the client is not taking its output) and now gone: nothing it still sent can be
            // answered. Readiness collected before the pause is ignored; a hang-up or an error never is.
            Close();
        }
    }

    public void RunTurn()
    {
        if (!_closed)
        {
            _connection.ContinueReceiving();
        }
    }

    public void Drop() => Close();

    public int Write(ReadOnlySpan<byte> bytes)
    {
        // Under the send lock, and the connection ends (under it) before the socket is closed: the descriptor is open.
        var sent = EpollInterop.Send(_registration.Fd, bytes, out var errno);
        if (sent < 0)
        {
            if (errno is not (EpollInterop.WouldBlock or EpollInterop.Interrupted))
            {
                return -1;
            }

            sent = 0;
        }

        if (sent < bytes.Length && !_wantsWrite)
        {
            _wantsWrite = true;
            ApplyEventsLocked();
        }

        return sent;
    }

    public void SetReceiving(bool receiving)
    {
        _receiving = receiving;
        ApplyEventsLocked();
    }

    public void ScheduleReceive() => _registration.Loop.ScheduleTurn(this);

    public void Shutdown(bool handshakeComplete)
    {
        try
        {
            // Complete: the loop sees the shut-down socket and tears down. Half: FIN after our close, and
            // keep reading until the client answers.
            _socket.Shutdown(handshakeComplete ? SocketShutdown.Both : SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client is already gone.
        }
    }

    public void Abort()
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

    private void OnReadable()
    {
        var space = _connection.InboxSpace();
        int count;
        int errno;
        if (!space.IsEmpty)
        {
            // Part of a frame is waiting: read straight after it, so a large message is copied once.
            count = EpollInterop.Receive(_registration.Fd, space.Span, out errno);
            if (count > 0)
            {
                _connection.OnReceivedIntoInbox(count);
                return;
            }
        }
        else
        {
            var buffer = _receiveBuffer ??= new byte[PeerConnection.ReceiveBufferSize];
            count = EpollInterop.Receive(_registration.Fd, buffer, out errno);
            if (count > 0)
            {
                _connection.OnReceived(buffer.AsSpan(0, count));
                return;
            }
        }

        if (count < 0 && errno is EpollInterop.WouldBlock or EpollInterop.Interrupted)
        {
            // Nothing after all, or a signal: level-triggered epoll reports the socket again if need be.
            return;
        }

        // The client hung up or reset, or the server shut the socket to end it.
        Close();
    }

    private void ApplyEventsLocked()
    {
        var events = (_receiving ? ReadEvents : 0) | (_wantsWrite ? EpollInterop.Out : 0);
        if (events != _events)
        {
            _events = events;
            _registration.Modify(events);
        }
    }

    /// <summary>Ends the connection: the rooms hear of it, everything is released, the socket is closed. Loop thread only.</summary>
    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            _connection.OnTransportClosed();
        }
        finally
        {
            _registration.Unregister();
            _socket.Dispose();
        }
    }
}
