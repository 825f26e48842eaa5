using System.Diagnostics.CodeAnalysis;
using System.Net;
using Switchboard.Server.Auth;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Connections;

/// <summary>
/// One signaling client: the only object that holds its state, and every rule about it, whichever way it
/// arrived. The core and the dialects see its id, its rooms and <see cref="Send"/>; below it an
/// <see cref="IPeerTransport"/> only moves bytes. Above both ways in, once: RFC 6455 framing and its
/// limits (PeerConnection.Receive.cs), the bounded single writer and the slow-consumer rule
/// (PeerConnection.Send.cs), keep-alive, the close handshake and the 1011 catch.
/// </summary>
/// <remarks>
/// <para>
/// Threads: received bytes are handled on the transport's receiving thread, one call at a time (for the
/// direct path the socket's epoll loop). <see cref="Send"/>, <see cref="RequestClose"/> and
/// <see cref="Abort()"/> may come from any thread; sending is serialised by the send lock. The transport
/// reports the end once, on the receiving thread, and only then is receive state released.
/// </para>
/// <para>
/// The close handshake, as <see cref="ClosePhase"/> records it:
/// <code>
///   Open ──RequestClose / protocol error / slow consumer──► Closing ──close frame written──► CloseSent
///     │                                                       │                              │
///     └── client's close: answered with its status ──────────►┘   client's close or hang-up, ─┴─► Ended
///                                                                 or CloseTimeout (abort)
///   any phase ── hang-up, reset, keep-alive or send time-out (abort) ─────────────────────────► Ended
/// </code>
/// After a protocol error the rest of the input cannot be framed and is dropped unread; otherwise frames
/// are still read while closing, to find the client's close.
/// </para>
/// An idle connection holds this object and its transport's; no buffer, no timer, no task.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "Owns no disposable: the transport owns the socket or stream.")]
internal sealed partial class PeerConnection
{
    private readonly IPeerTransport _transport;
    private readonly PeerConnectionFactory _shared;
    private Seat _seat;
    private long _lastHeard;
    private long _pingSentAt;
    private long _startedAt;
    private int _closeReason;

    private readonly IPAddress? _forwardedFor;

    /// <summary>This connection's share of the connection limits, given back once when it ends (null: given back, or never counted).</summary>
    private Admission.AddressCount? _admitted;

    public PeerConnection(IPeerTransport transport, PeerConnectionFactory shared, IPAddress? forwardedFor, Admission.AddressCount? admitted = null)
    {
        _transport = transport;
        _shared = shared;
        _forwardedFor = forwardedFor;
        _admitted = admitted;
        _seat = new Seat(this, shared.SeatLimits);
        _lastHeard = shared.TimeProvider.GetTimestamp();
    }

    /// <summary>The peer id: its seat's, which a resume may swap for the seat it takes back.</summary>
    public string Id => Volatile.Read(ref _seat).Id;

    public byte[] IdUtf8 => Volatile.Read(ref _seat).IdUtf8;

    /// <summary>
    /// The seat this connection holds (docs/protocol.md, "Resuming a seat"): its own from the start, or the
    /// one it resumed. Set only by the core, on this connection's receiving thread.
    /// </summary>
    public Seat Seat
    {
        get => Volatile.Read(ref _seat);
        set => Volatile.Write(ref _seat, value);
    }

    /// <summary>Why the connection ended (or is ending); <see cref="CloseReason.None"/> for a hang-up without a close frame.</summary>
    public CloseReason EndReason => (CloseReason)Volatile.Read(ref _closeReason);

    /// <summary>Where the client connects from: the address a known proxy forwarded for, else the socket's peer.</summary>
    public IPAddress? ClientAddress => _forwardedFor ?? _transport.RemoteAddress;

    /// <summary>How the client came in.</summary>
    public TransportKind TransportKind => _transport.Kind;

    /// <summary>The rooms this connection's seat is in.</summary>
    public Room[] Rooms => Seat.Rooms;

    /// <summary>Which slice of <see cref="ConnectionStore"/> holds this connection.</summary>
    public int StoreShard { get; set; }

    /// <summary>How far the close handshake has come.</summary>
    public ClosePhase Phase => _phase;

    /// <summary>This connection's authentication; null when authentication is off (docs/auth.md).</summary>
    public ConnectionAuth? Auth { get; init; }

    /// <summary>The transport can deliver events: the connection is counted and its bytes handled from now on.</summary>
    public void Start()
    {
        _startedAt = _shared.TimeProvider.GetTimestamp();
        _shared.Connections.Add(this);
        _shared.Metrics.CountHandshake(HandshakeResult.Accepted);
        if (_shared.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.Connected(_shared.Logger, Id, ClientAddress, _transport.Kind);
        }

        if (Auth is not null)
        {
            _shared.Authenticator!.OnStarted(this, Auth);
        }
    }

    /// <summary>Sends a message this caller owns and no one else will send.</summary>
    public void SendOwned(OutboundMessage message)
    {
        Send(message);
        message.Release();
    }

    /// <summary>Drops the connection without a close handshake; its rooms hear of it. Any thread.</summary>
    public void Abort() => _transport.Abort();

    /// <summary>Drops the connection without a close handshake, for <paramref name="reason"/> unless an earlier one was recorded.</summary>
    public void Abort(CloseReason reason)
    {
        NoteCloseReason(reason);
        _transport.Abort();
    }

    /// <summary>Records why the connection is ending; the first reason wins. Any thread.</summary>
    public void NoteCloseReason(CloseReason reason) => Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None);

    /// <summary>
    /// Called about every quarter of the shortest timeout by <see cref="ConnectionSweeper"/>, one timer for
    /// all connections: a backlog the client has not taken within SendTimeout, a close it never answered,
    /// keep-alive. No connection carries a timer of its own.
    /// </summary>
    public void Sweep(long now)
    {
        var phase = Phase;
        if (phase == ClosePhase.Ended)
        {
            return;
        }

        var options = _shared.Options;
        var time = _shared.TimeProvider;
        var backlogSince = Volatile.Read(ref _backlogSince);
        if (backlogSince != 0 && time.GetElapsedTime(backlogSince, now) > options.SendTimeout)
        {
            // Progress over time, not one write: a client that reads a trickle still has to catch up.
            Log.SendTimedOut(_shared.Logger, Id, options.SendTimeout);
            Abort(CloseReason.SlowConsumer);
            return;
        }

        if (phase != ClosePhase.Open)
        {
            if (time.GetElapsedTime(Volatile.Read(ref _closeRequestedAt), now) > options.CloseTimeout)
            {
                Abort();
            }

            return;
        }

        SweepPartial(now);
        if (Auth is not null && _shared.Authenticator!.Sweep(this, Auth, now))
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
                Abort(CloseReason.KeepAlive);
            }
        }
        else if (time.GetElapsedTime(heard, now) >= options.KeepAliveInterval - PingEarly(options.KeepAliveInterval))
        {
            // Anything the client sends counts as a sign of life; only a quiet connection is pinged.
            _pingSentAt = now;
            QueuePing();
        }
    }

    /// <summary>
    /// The transport has closed, for whatever reason: the rooms hear of it, everything queued and every
    /// buffer is released. Called once, by the transport, on the receiving thread.
    /// </summary>
    public void OnTransportClosed()
    {
        if (!EndSending())
        {
            return;
        }

        try
        {
            _shared.Handler.OnClosed(this);
        }
        catch (Exception ex)
        {
            Log.UnexpectedFailure(_shared.Logger, Id, ex);
        }
        finally
        {
            // Whatever the rooms made of it, the connection is gone and its buffers go back.
            _shared.Connections.Remove(this);
            ReleaseReceiveBuffers();
            if (Interlocked.Exchange(ref _admitted, null) is { } admitted)
            {
                _shared.Admission.Release(admitted);
            }
        }

        var reason = (CloseReason)Volatile.Read(ref _closeReason);
        _shared.Metrics.CountClose(reason);
        if (_shared.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.Disconnected(_shared.Logger, Id, CloseReasons.Name(reason), _shared.TimeProvider.GetElapsedTime(_startedAt), ClientAddress);
        }
    }

    /// <summary>
    /// Up to a quarter of the interval, fixed per connection (from its random id): connections that arrived
    /// together do not fall quiet together, so their pings, and the pongs, do not come as one burst.
    /// </summary>
    private TimeSpan PingEarly(TimeSpan interval) => interval / 4 * (IdUtf8[0] % 32) / 32;
}
