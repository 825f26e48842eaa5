using Switchboard.Server.Auth;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Dialects;

/// <summary>
/// The native protocol (docs/protocol.md), a superset of the tutorial's: parses a message, calls the
/// core, and answers. Relays forward the sender's bytes with only <c>from</c> added.
/// </summary>
internal sealed class NativeDialect : IMessageHandler
{
    private readonly SignalingCore _core;
    private readonly SwitchboardOptions _options;
    private readonly ServerMessages _messages;
    private readonly SwitchboardMetrics _metrics;
    private readonly ConnectionAuthenticator? _authenticator;

    public NativeDialect(SignalingCore core, SwitchboardOptions options, SwitchboardMetrics metrics, ConnectionAuthenticator? authenticator = null)
    {
        _authenticator = authenticator;
        _metrics = metrics;
        _core = core;
        _options = options;
        _messages = core.Messages;
    }

    public void OnText(PeerConnection connection, ReadOnlySpan<byte> message)
    {
        var parsed = MessageParser.Parse(message);

        // Null while authentication is off: the relay path pays one field test.
        if (connection.Auth is { } auth && !_authenticator!.Admit(connection, auth, parsed, message))
        {
            return;
        }

        switch (parsed.Status)
        {
            case ParseStatus.BadJson:
                Error(connection, ErrorCodes.BadJson, "message is not valid JSON");
                return;
            case ParseStatus.BadMessage:
                Error(connection, ErrorCodes.BadMessage, parsed.Problem!);
                return;
        }

        switch (parsed.Kind)
        {
            case MessageKind.Ping:
                connection.SendOwned(ServerMessages.Pong());
                break;
            case MessageKind.IceServers:
                // Answered in and out of rooms: a client refreshes its TURN credentials before they expire.
                connection.SendOwned(_messages.IceServers(connection.IdUtf8));
                break;
            case MessageKind.CreateRoom:
                CreateRoom(connection, parsed);
                break;
            case MessageKind.Join:
                if (RefusesJoin(connection, message, parsed))
                {
                    break;
                }

                if (FindRoom(connection, message, parsed) is { } joinRoom)
                {
                    Answer(connection, _core.Join(connection, joinRoom, answer: true), joinRoom);
                }

                break;
            case MessageKind.Leave:
                Leave(connection, message, parsed);
                break;
            case MessageKind.Resume:
                Resume(connection, message);
                break;
            case MessageKind.Auth:
                // Only reached with authentication off: a client that sends a token anyway is told, not ignored.
                Error(connection, ErrorCodes.BadMessage, "this server does not use authentication: auth is not needed");
                break;
            default:
                Relay(connection, message, parsed);
                break;
        }
    }

    public void OnBinary(PeerConnection connection)
    {
        if (connection.Auth is { } auth && !_authenticator!.AdmitBinary(connection, auth))
        {
            return;
        }

        Error(connection, ErrorCodes.BadMessage, "binary frames are not supported: send JSON as text");
    }

    public void OnClosed(PeerConnection connection) => _core.Disconnect(connection);

    public void OnRateLimited(PeerConnection connection, int retryAfterMs) =>
        Error(connection, ErrorCodes.RateLimited, "too many messages: slow down", retryAfterMs: retryAfterMs);

    private void CreateRoom(PeerConnection connection, in ParsedMessage parsed)
    {
        if (connection.Auth is { } auth && _authenticator!.RefusesCreate(connection, auth))
        {
            return;
        }

        var capacity = parsed.Capacity ?? _options.DefaultRoomCapacity;
        if (parsed.CapacityInvalid || capacity < 2 || capacity > _options.MaxRoomCapacity)
        {
            Error(connection, ErrorCodes.BadMessage, $"\"capacity\" must be an integer from 2 to {_options.MaxRoomCapacity}");
            return;
        }

        Answer(connection, _core.CreateRoom(connection, capacity), room: null);
    }

    /// <summary>
    /// <c>resume</c>: only on a connection in no room (its own seat has nothing to lose). A token that takes
    /// no seat costs the connection a failed look-up, like a room id that finds no room.
    /// </summary>
    private void Resume(PeerConnection connection, ReadOnlySpan<byte> message)
    {
        if (connection.Rooms.Length > 0)
        {
            Error(connection, ErrorCodes.BadMessage, "resume must come before joining or creating a room: this connection is already in one");
            return;
        }

        if (AuthMessage.ReadToken(message, out var problem, "resume") is not { } text)
        {
            Error(connection, ErrorCodes.BadMessage, problem!);
            return;
        }

        if (!connection.CanLookUpRoom(out var retryAfterMs))
        {
            Error(connection, ErrorCodes.RateLimited, "too many failed look-ups: wait before trying another resume token", retryAfterMs: retryAfterMs);
            return;
        }

        if (!ResumeToken.TryParse(text, out var token) || !_core.Resume(connection, token))
        {
            connection.OnRoomNotFound();
            Error(connection, ErrorCodes.ResumeFailed, "this seat cannot be resumed (the token is unknown, used or expired): join the room again");
        }
    }

    private void Leave(PeerConnection connection, ReadOnlySpan<byte> message, in ParsedMessage parsed)
    {
        if (FindRoom(connection, message, parsed) is not { } room)
        {
            return;
        }

        if (_core.Leave(connection, room))
        {
            connection.SendOwned(_messages.Left(room));
        }
        else
        {
            Error(connection, ErrorCodes.NotInRoom, "not a member of this room", room);
        }
    }

    private void Relay(PeerConnection sender, ReadOnlySpan<byte> message, in ParsedMessage parsed)
    {
        if (!parsed.RoomId.IsPresent)
        {
            Error(sender, ErrorCodes.BadMessage, "a relayed message needs a string \"roomId\"");
            return;
        }

        // The hot path: the sender's own rooms are searched by the raw bytes of roomId, no lookup string.
        var room = FindJoinedRoom(sender, message, parsed.RoomId);
        if (room is null)
        {
            // Not a member: only the tutorial's join (an offer) may go on, into a room that exists.
            if (parsed.Kind == MessageKind.Offer && RefusesJoin(sender, message, parsed))
            {
                return;
            }

            room = LookUp(sender, message, parsed.RoomId);
            if (room is null)
            {
                return;
            }

            if (parsed.Kind != MessageKind.Offer)
            {
                Error(sender, ErrorCodes.NotInRoom, "not a member of this room", room);
                return;
            }

            if (!Answer(sender, _core.Join(sender, room, answer: false), room))
            {
                return;
            }
        }

        var self = sender.Seat;
        Seat? target = null;
        if (parsed.To.IsPresent)
        {
            target = FindPeer(room, message, parsed.To);
            if (target is null || ReferenceEquals(target, self))
            {
                Error(sender, ErrorCodes.PeerNotFound, "no such peer in this room", room);
                return;
            }
        }

        var relayed = RelayFormatter.Format(message, parsed, self.IdUtf8);
        if (target is not null)
        {
            Deliver(sender, room, target, relayed);
        }
        else
        {
            foreach (var member in room.Members)
            {
                if (!ReferenceEquals(member, self))
                {
                    Deliver(sender, room, member, relayed);
                }
            }
        }

        relayed.Release();
    }

    /// <summary>One relayed message to one member; an away member with no room left for it is reported to the sender, never dropped unsaid.</summary>
    private void Deliver(PeerConnection sender, Room room, Seat member, OutboundMessage relayed)
    {
        if (member.Send(relayed))
        {
            _metrics.Local.Hot.MessagesRelayed++;
            return;
        }

        _metrics.CountError(ErrorCodes.PeerUnavailable);
        sender.SendOwned(ServerMessages.PeerUnavailable(room, member.IdUtf8));
    }

    /// <summary>A join the connection's token does not allow (sb:rooms): refused before the room is looked up.</summary>
    private bool RefusesJoin(PeerConnection connection, ReadOnlySpan<byte> message, in ParsedMessage parsed) =>
        connection.Auth is { } auth && parsed.RoomId.IsPresent && _authenticator!.RefusesJoin(connection, auth, message, parsed.RoomId);

    private Room? FindRoom(PeerConnection connection, ReadOnlySpan<byte> message, in ParsedMessage parsed)
    {
        if (!parsed.RoomId.IsPresent)
        {
            Error(connection, ErrorCodes.BadMessage, "this message needs a string \"roomId\"");
            return null;
        }

        return FindJoinedRoom(connection, message, parsed.RoomId) ?? LookUp(connection, message, parsed.RoomId);
    }

    /// <summary>
    /// A room from the registry, or null once the connection has been answered: <c>room-not-found</c>, or
    /// <c>rate-limited</c> without asking the registry when its failed look-ups are spent (room-id guessing).
    /// </summary>
    private Room? LookUp(PeerConnection connection, ReadOnlySpan<byte> message, in JsonField roomId)
    {
        if (!connection.CanLookUpRoom(out var retryAfterMs))
        {
            Error(connection, ErrorCodes.RateLimited, "too many rooms not found: wait before looking up another", retryAfterMs: retryAfterMs);
            return null;
        }

        var room = _core.FindRoom(roomId.GetString(message));
        if (room is null)
        {
            connection.OnRoomNotFound();
            Error(connection, ErrorCodes.RoomNotFound, "room not found");
        }

        return room;
    }

    private static Room? FindJoinedRoom(PeerConnection connection, ReadOnlySpan<byte> message, in JsonField roomId)
    {
        foreach (var room in connection.Rooms)
        {
            if (roomId.ValueEquals(message, room.IdUtf8))
            {
                return room;
            }
        }

        return null;
    }

    private static Seat? FindPeer(Room room, ReadOnlySpan<byte> message, in JsonField peerId)
    {
        if (!peerId.IsEscaped)
        {
            return room.FindMember(peerId.Raw(message));
        }

        return room.FindMember(System.Text.Encoding.UTF8.GetBytes(peerId.GetString(message)));
    }

    /// <summary>Answers a failed join or create with its error; true when it succeeded.</summary>
    private bool Answer(PeerConnection connection, JoinStatus status, Room? room)
    {
        switch (status)
        {
            case JoinStatus.Joined:
            case JoinStatus.AlreadyMember:
                return true;
            case JoinStatus.Full:
                Error(connection, ErrorCodes.RoomFull, "room is already full", room);
                return false;
            case JoinStatus.TooManyRooms:
                Error(connection, ErrorCodes.TooManyRooms, "too many rooms for this connection");
                return false;
            default:
                Error(connection, ErrorCodes.RoomNotFound, "room not found");
                return false;
        }
    }

    private void Error(PeerConnection connection, string code, string text, Room? room = null, int? retryAfterMs = null)
    {
        _metrics.CountError(code);
        connection.SendOwned(ServerMessages.Error(code, text, room, retryAfterMs));
    }
}
