using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Rooms;

/// <summary>
/// The one core every dialect calls: rooms, membership, seats and routing. It owns the room registry; each
/// seat owns the list of rooms it is in, so a disconnect costs O(rooms joined).
/// </summary>
internal sealed partial class SignalingCore
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly SwitchboardOptions _options;
    private readonly ServerMessages _messages;
    private readonly ISeatDirectory _seats;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalingCore> _logger;
    private readonly TimerCallback _expire;
    private int _memberships;

    public SignalingCore(IOptions<SwitchboardOptions> options, ServerMessages messages, ISeatDirectory seats, TimeProvider time, ILogger<SignalingCore> logger)
    {
        _options = options.Value;
        _messages = messages;
        _seats = seats;
        _time = time;
        _logger = logger;
        _expire = OnGracePeriodOver;
    }

    public int RoomCount => _rooms.Count;

    /// <summary>The rooms that exist, live (for the dashboard; walking it takes no lock).</summary>
    public IEnumerable<Room> Rooms => _rooms.Values;

    /// <summary>Room memberships across all rooms (a peer in two rooms counts twice).</summary>
    public int MembershipCount => Volatile.Read(ref _memberships);

    public ServerMessages Messages => _messages;

    private bool ResumeEnabled => _options.ResumeGracePeriod > TimeSpan.Zero;

    /// <summary>Creates a room with <paramref name="creator"/> as its first member and answers <c>roomCreated</c>.</summary>
    public JoinStatus CreateRoom(PeerConnection creator, int capacity)
    {
        var seat = creator.Seat;
        if (seat.Rooms.Length >= _options.MaxRoomsPerConnection)
        {
            return JoinStatus.TooManyRooms;
        }

        Room room;
        do
        {
            room = new Room(IdGenerator.NewId(), capacity);
        }
        while (!_rooms.TryAdd(room.Id, room));

        PrepareSeat(creator, seat);
        room.TryAdd(seat, static (state, _) => state.Messages.RoomCreated(state.Room, state.Seat), (Messages: _messages, Room: room, Seat: seat), announce: null);
        Log.RoomCreated(_logger, room.Id, seat.Id, capacity);
        return Admit(creator, seat, room);
    }

    public Room? FindRoom(string roomId) => _rooms.TryGetValue(roomId, out var room) ? room : null;

    /// <summary>
    /// Adds <paramref name="peer"/> to <paramref name="room"/>. With <paramref name="answer"/> the joiner gets
    /// <c>joined</c> before it can receive anything from the room; the others get <c>peerJoined</c> before
    /// anything the joiner sends.
    /// </summary>
    public JoinStatus Join(PeerConnection peer, Room room, bool answer)
    {
        var seat = peer.Seat;
        if (Array.IndexOf(seat.Rooms, room) >= 0)
        {
            if (answer)
            {
                peer.SendOwned(_messages.Joined(room, seat, room.Members));
            }

            return JoinStatus.AlreadyMember;
        }

        if (seat.Rooms.Length >= _options.MaxRoomsPerConnection)
        {
            return JoinStatus.TooManyRooms;
        }

        PrepareSeat(peer, seat);
        var announce = _messages.PeerJoined(room, seat.IdUtf8, seat.Identity);
        var status = room.TryAdd(seat, answer ? static (state, members) => state.Messages.Joined(state.Room, state.Seat, members) : null, (Messages: _messages, Room: room, Seat: seat), announce);
        announce.Release();
        return status == JoinStatus.Joined ? Admit(peer, seat, room) : status;
    }

    /// <summary>Removes <paramref name="peer"/> from <paramref name="room"/>, tells the others, and deletes the room when it empties.</summary>
    public bool Leave(PeerConnection peer, Room room)
    {
        var seat = peer.Seat;
        if (!seat.TryRemoveRoom(room, peer))
        {
            return false;
        }

        RemoveMember(seat, room);
        return true;
    }

    /// <summary>
    /// A connection has ended. One that vanished without a close frame leaves its seat away for the grace
    /// period (its rooms hear <c>peerDisconnected</c>); any other end gives the seat up (<c>peerLeft</c>).
    /// </summary>
    public void Disconnect(PeerConnection connection)
    {
        var seat = connection.Seat;
        if (seat.Rooms.Length > 0 && ResumeEnabled && KeepsSeat(connection.EndReason) && seat.TryGoAway(connection, _time, _expire))
        {
            Log.SeatAway(_logger, seat.Id, _options.ResumeGracePeriod);
            Interlocked.Increment(ref _away);
            foreach (var room in seat.Rooms)
            {
                var announce = _messages.PeerDisconnected(room, seat.IdUtf8);
                room.AnnounceAway(seat, announce);
                announce.Release();
            }

            return;
        }

        if (seat.TryEnd(connection))
        {
            EndSeat(seat);
        }
    }

    /// <summary>Gives the seat a token (with resume on) and its identity before it first becomes a member.</summary>
    private void PrepareSeat(PeerConnection connection, Seat seat)
    {
        if (seat.Rooms.Length > 0)
        {
            return;
        }

        seat.Identity = connection.Auth?.Identity;
        if (ResumeEnabled && seat.Token == UInt128.Zero)
        {
            _seats.Issue(seat);
        }
    }

    /// <summary>The seat is a member of <paramref name="room"/> now; it records so unless its connection was replaced meanwhile.</summary>
    private JoinStatus Admit(PeerConnection connection, Seat seat, Room room)
    {
        Interlocked.Increment(ref _memberships);
        if (!seat.TryAddRoom(room, connection))
        {
            // A resume took the seat while this connection's last message was joining: the new connection
            // was given the rooms without this one, so the seat must not stay in it.
            RemoveMember(seat, room);
            return JoinStatus.NotFound;
        }

        Log.PeerJoined(_logger, room.Id, seat.Id);
        return JoinStatus.Joined;
    }

    /// <summary>Takes an ended seat out of its rooms and forgets its token.</summary>
    private void EndSeat(Seat seat)
    {
        _seats.Forget(seat);
        foreach (var room in seat.Rooms)
        {
            seat.TryRemoveRoom(room, owner: null);
            RemoveMember(seat, room);
        }
    }

    private void RemoveMember(Seat seat, Room room)
    {
        var announce = _messages.PeerLeft(room, seat.IdUtf8);
        var removed = room.TryRemove(seat, announce, out var deleted);
        announce.Release();
        if (!removed)
        {
            return;
        }

        Interlocked.Decrement(ref _memberships);
        Log.PeerLeft(_logger, room.Id, seat.Id);
        if (deleted)
        {
            // Only this room instance is removed: the id is never reused, so a newer room cannot be hit.
            _rooms.TryRemove(new KeyValuePair<string, Room>(room.Id, room));
            Log.RoomDeleted(_logger, room.Id);
        }
    }
}
