using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Rooms;

/// <summary>
/// The one core every dialect calls: rooms, membership and routing. It owns the room registry; each
/// connection owns the list of rooms it is in, so a disconnect costs O(rooms joined).
/// </summary>
internal sealed partial class SignalingCore
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly SwitchboardOptions _options;
    private readonly ServerMessages _messages;
    private readonly ILogger<SignalingCore> _logger;
    private int _memberships;

    public SignalingCore(IOptions<SwitchboardOptions> options, ServerMessages messages, ILogger<SignalingCore> logger)
    {
        _options = options.Value;
        _messages = messages;
        _logger = logger;
    }

    public int RoomCount => _rooms.Count;

    /// <summary>The rooms that exist, live (for the dashboard; walking it takes no lock).</summary>
    public IEnumerable<Room> Rooms => _rooms.Values;

    /// <summary>Room memberships across all rooms (a peer in two rooms counts twice).</summary>
    public int MembershipCount => Volatile.Read(ref _memberships);

    public ServerMessages Messages => _messages;

    /// <summary>Creates a room with <paramref name="creator"/> as its first member and answers <c>roomCreated</c>.</summary>
    public JoinStatus CreateRoom(PeerConnection creator, int capacity)
    {
        if (creator.Rooms.Count >= _options.MaxRoomsPerConnection)
        {
            return JoinStatus.TooManyRooms;
        }

        Room room;
        do
        {
            room = new Room(IdGenerator.NewId(), capacity);
        }
        while (!_rooms.TryAdd(room.Id, room));

        room.TryAdd(creator, _ => creator.SendOwned(_messages.RoomCreated(room, creator.IdUtf8)));
        creator.Rooms.Add(room);
        Interlocked.Increment(ref _memberships);
        Log.RoomCreated(_logger, room.Id, creator.Id, capacity);
        return JoinStatus.Joined;
    }

    public Room? FindRoom(string roomId) => _rooms.TryGetValue(roomId, out var room) ? room : null;

    /// <summary>
    /// Adds <paramref name="peer"/> to <paramref name="room"/>. With <paramref name="answer"/> the joiner gets
    /// <c>joined</c> before it can receive anything from the room; the others get <c>peerJoined</c> before
    /// anything the joiner sends.
    /// </summary>
    public JoinStatus Join(PeerConnection peer, Room room, bool answer)
    {
        if (peer.Rooms.Contains(room))
        {
            if (answer)
            {
                peer.SendOwned(_messages.Joined(room, peer.IdUtf8, room.Members));
            }

            return JoinStatus.AlreadyMember;
        }

        if (peer.Rooms.Count >= _options.MaxRoomsPerConnection)
        {
            return JoinStatus.TooManyRooms;
        }

        var status = room.TryAdd(peer, answer ? members => peer.SendOwned(_messages.Joined(room, peer.IdUtf8, members)) : null);
        if (status != JoinStatus.Joined)
        {
            return status;
        }

        peer.Rooms.Add(room);
        Interlocked.Increment(ref _memberships);
        Log.PeerJoined(_logger, room.Id, peer.Id);
        Broadcast(room, peer, _messages.PeerJoined(room, peer.IdUtf8, peer.Auth?.Identity));
        return JoinStatus.Joined;
    }

    /// <summary>Removes <paramref name="peer"/> from <paramref name="room"/>, tells the others, and deletes the room when it empties.</summary>
    public bool Leave(PeerConnection peer, Room room)
    {
        if (!peer.Rooms.Remove(room))
        {
            return false;
        }

        RemoveMember(peer, room);
        return true;
    }

    /// <summary>Takes a closed connection out of every room it was in.</summary>
    public void Disconnect(PeerConnection peer)
    {
        foreach (var room in peer.Rooms)
        {
            RemoveMember(peer, room);
        }

        peer.Rooms.Clear();
    }

    /// <summary>Sends <paramref name="message"/> to every member but <paramref name="sender"/>; consumes the caller's reference. Returns how many it went to.</summary>
    public int Broadcast(Room room, PeerConnection? sender, OutboundMessage message)
    {
        var count = 0;
        foreach (var member in room.Members)
        {
            if (!ReferenceEquals(member, sender))
            {
                member.Send(message);
                count++;
            }
        }

        message.Release();
        return count;
    }

    private void RemoveMember(PeerConnection peer, Room room)
    {
        if (!room.TryRemove(peer, out var deleted))
        {
            return;
        }

        Interlocked.Decrement(ref _memberships);
        Log.PeerLeft(_logger, room.Id, peer.Id);
        if (deleted)
        {
            // Only this room instance is removed: the id is never reused, so a newer room cannot be hit.
            _rooms.TryRemove(new KeyValuePair<string, Room>(room.Id, room));
            Log.RoomDeleted(_logger, room.Id);
        }
        else
        {
            Broadcast(room, peer, _messages.PeerLeft(room, peer.IdUtf8));
        }
    }
}
