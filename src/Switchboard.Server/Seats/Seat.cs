using System.Text;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Seats;

/// <summary>
/// A member's place in its rooms, apart from the connection that holds it: the peer id, the rooms, the
/// resume token, and what waits for it while it is away. Rooms hold seats, not connections, so a dropped
/// connection can leave its seat for <see cref="SwitchboardOptions.ResumeGracePeriod"/> and a new one take
/// it back (docs/protocol.md, "Resuming a seat").
/// </summary>
/// <remarks>
/// <para>
/// Sending to a present seat reads one field and hands the message to its connection: the relay path takes
/// no lock of the seat's. The seat's lock (its own monitor: nothing else locks a seat) guards the state, the
/// rooms' changes and the absence; it is taken inside a room's lock, never the other way round, and never
/// while calling out except into a connection's non-blocking <see cref="PeerConnection.Send"/>.
/// </para>
/// <para>Every connection gets a seat of its own when it opens, holding the peer id; a resume swaps it for the old one.</para>
/// </remarks>
internal sealed class Seat
{
    private readonly SeatLimits _limits;
    private PeerConnection? _connection;
    private Room[] _rooms = [];
    private SeatAbsence? _absence;
    private volatile SeatState _state;

    /// <param name="connection">The connection it is made for; null for a seat that no connection holds (tests).</param>
    /// <param name="limits">What it may keep while away.</param>
    /// <param name="id">Its peer id; a new random one unless given (tests).</param>
    public Seat(PeerConnection? connection, SeatLimits limits, string? id = null)
    {
        _connection = connection;
        _limits = limits;
        Id = id ?? IdGenerator.NewId();
        IdUtf8 = Encoding.UTF8.GetBytes(Id);
    }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    /// <summary>The identity others see (the token's <c>sub</c>/<c>sb:name</c> as a JSON object), fixed when the seat first joins a room.</summary>
    public byte[]? Identity { get; set; }

    /// <summary>The resume token; zero until the seat is in a room with resume on. Set by <see cref="ISeatDirectory.Issue"/>.</summary>
    public UInt128 Token { get; set; }

    /// <summary>The rooms the seat is in. Replaced whole on every change, so it can be walked without a lock.</summary>
    public Room[] Rooms => Volatile.Read(ref _rooms);

    /// <summary>The connection holding the seat; null while away or resuming.</summary>
    public PeerConnection? Connection => Volatile.Read(ref _connection);

    public SeatState State => _state;

    /// <summary>
    /// A relayed message for this member. True: sent, or kept for its return, or dropped because the seat
    /// has ended (its rooms hear <c>peerLeft</c>). False: it is away and its buffer is full; the sender must be told.
    /// </summary>
    public bool Send(OutboundMessage message)
    {
        var connection = Volatile.Read(ref _connection);
        return connection is not null && connection.Send(message) || SendAbsent(message);
    }

    /// <summary>
    /// A membership notice about <paramref name="room"/>, sent under its lock. While the seat is away it is not
    /// kept: <c>resumed</c> carries the members as they are then, and a notice on top of that would tell twice.
    /// </summary>
    public void Notify(OutboundMessage message, Room room)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is not null && connection.Send(message))
        {
            return;
        }

        lock (this)
        {
            connection = _connection;
            if (connection is not null && connection.Send(message))
            {
                return;
            }

            if (_state == SeatState.Resuming && _absence?.Synced?.Contains(room) == true)
            {
                _absence.KeepNotice(message, _limits);
            }
        }
    }

    /// <summary>Adds a room, if <paramref name="owner"/> still holds the seat (a replaced connection's last message must not change it).</summary>
    public bool TryAddRoom(Room room, PeerConnection owner)
    {
        lock (this)
        {
            if (_connection != owner)
            {
                return false;
            }

            Volatile.Write(ref _rooms, [.. _rooms, room]);
            return true;
        }
    }

    /// <summary>Removes a room; false if the seat was not in it, or <paramref name="owner"/> (when given) no longer holds the seat.</summary>
    public bool TryRemoveRoom(Room room, PeerConnection? owner)
    {
        lock (this)
        {
            if (owner is not null && _connection != owner)
            {
                return false;
            }

            var index = Array.IndexOf(_rooms, room);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _rooms, [.. _rooms.AsSpan(0, index), .. _rooms.AsSpan(index + 1)]);
            return true;
        }
    }

    /// <summary>
    /// <paramref name="connection"/> vanished without a close frame: the seat stays, away, and
    /// <paramref name="expire"/> runs with the absence when the grace period ends. False if the connection no
    /// longer held the seat.
    /// </summary>
    public bool TryGoAway(PeerConnection connection, TimeProvider time, TimerCallback expire)
    {
        lock (this)
        {
            if (_connection != connection || _state != SeatState.Attached)
            {
                return false;
            }

            _connection = null;
            _state = SeatState.Away;
            var absence = _absence ??= new SeatAbsence();
            absence.GraceTimer = time.CreateTimer(expire, (this, absence), _limits.GracePeriod, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    /// <summary>
    /// Ends the seat if <paramref name="connection"/> holds it (null: if it is away, waiting for
    /// <paramref name="absence"/>'s grace period). What waits is dropped. The caller then takes it out of its rooms.
    /// </summary>
    public bool TryEnd(PeerConnection? connection, SeatAbsence? absence = null)
    {
        lock (this)
        {
            if (connection is not null ? _connection != connection : _state != SeatState.Away || _absence != absence)
            {
                return false;
            }

            _state = SeatState.Ended;
            _connection = null;
            _absence?.Release(_limits);
            _absence = null;
            return true;
        }
    }

    /// <summary>
    /// Starts handing the seat to a new connection. Until <see cref="CompleteResume"/> what is sent to it
    /// waits. <paramref name="replaced"/> is the connection that still held it (to be closed with 4001).
    /// False if the seat has ended or another resume is under way.
    /// </summary>
    public bool TryBeginResume(out PeerConnection? replaced)
    {
        lock (this)
        {
            replaced = null;
            if (_state is SeatState.Ended or SeatState.Resuming)
            {
                return false;
            }

            replaced = _connection;
            _connection = null;
            _state = SeatState.Resuming;
            var absence = _absence ??= new SeatAbsence();
            absence.GraceTimer?.Dispose();
            absence.GraceTimer = null;
            absence.Synced = new List<Room>(_rooms.Length);
            return true;
        }
    }

    /// <summary>The new connection has been given <paramref name="room"/>'s members (under the room's lock): its later notices wait too.</summary>
    public void MarkSynced(Room room)
    {
        lock (this)
        {
            _absence?.Synced?.Add(room);
        }
    }

    /// <summary>Sends <paramref name="resumed"/>, then everything that waited, in order, then attaches <paramref name="connection"/> for live traffic.</summary>
    public void CompleteResume(PeerConnection connection, OutboundMessage resumed)
    {
        lock (this)
        {
            connection.Send(resumed);
            // The grace timer went in TryBeginResume; what waited leaves now, and its bytes go back.
            _absence?.DrainTo(connection, _limits);
            _absence = null;
            _connection = connection;
            _state = SeatState.Attached;
        }
    }

    private bool SendAbsent(OutboundMessage message)
    {
        lock (this)
        {
            var connection = _connection;
            if (connection is not null && connection.Send(message))
            {
                return true;
            }

            if (_state == SeatState.Ended)
            {
                return true;
            }

            // Away, resuming, or held by a connection that has just ended and is about to be found gone.
            return (_absence ??= new SeatAbsence()).TryKeep(message, _limits);
        }
    }
}
