using System.Buffers;
using System.Text.Json;
using Switchboard.Server.Connections;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;
using Switchboard.Server.Turn;

namespace Switchboard.Server.Protocol;

/// <summary>Formats the messages the server itself sends (docs/protocol.md, "Messages from the server").</summary>
internal sealed class ServerMessages
{
    private static readonly byte[] _pong = """{"type":"pong"}"""u8.ToArray();

    // One writer per thread, reset for each message: control messages are formatted without garbage.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    private readonly byte[][] _iceServerEntries;
    private readonly TurnCredentials? _turn;

    public ServerMessages(SwitchboardOptions options, TurnCredentials? turn = null)
    {
        _iceServerEntries = [.. options.IceServers.Select(FormatIceServer)];
        _turn = turn is { Enabled: true } ? turn : null;
    }

    public static OutboundMessage Pong() => OutboundMessage.CopyOf(_pong);

    public OutboundMessage RoomCreated(Room room, Seat seat)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "roomCreated"u8);
        writer.WriteString("payload"u8, room.IdUtf8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, seat.IdUtf8);
        writer.WriteNumber("capacity"u8, room.Capacity);
        WriteResumeToken(writer, seat);
        WriteIceServers(writer, seat.IdUtf8);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary><c>joined</c>, listing <paramref name="others"/>: the members before the joiner was added.</summary>
    public OutboundMessage Joined(Room room, Seat seat, Seat[] others)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "joined"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, seat.IdUtf8);
        writer.WriteNumber("capacity"u8, room.Capacity);
        WritePeers(writer, others, seat);
        WriteResumeToken(writer, seat);
        WriteIceServers(writer, seat.IdUtf8);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary>
    /// <c>resumed</c>: the seat's id, its new token, and each room with the members it had when the new
    /// connection was given it (null: the seat had left it meanwhile, so it is not listed).
    /// </summary>
    public OutboundMessage Resumed(Seat seat, Room[] rooms, Seat[]?[] members)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "resumed"u8);
        writer.WriteString("peerId"u8, seat.IdUtf8);
        WriteResumeToken(writer, seat);
        writer.WriteStartArray("rooms"u8);
        for (var i = 0; i < rooms.Length; i++)
        {
            if (members[i] is not { } others)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("roomId"u8, rooms[i].IdUtf8);
            writer.WriteNumber("capacity"u8, rooms[i].Capacity);
            WritePeers(writer, others, seat);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteIceServers(writer, seat.IdUtf8);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary><c>peers</c> (every member but <paramref name="self"/>, oldest first) and, with authentication on, their identities.</summary>
    private static void WritePeers(Utf8JsonWriter writer, Seat[] members, Seat self)
    {
        writer.WriteStartArray("peers"u8);
        foreach (var member in members)
        {
            if (!ReferenceEquals(member, self))
            {
                writer.WriteStringValue(member.IdUtf8);
            }
        }

        writer.WriteEndArray();
        WriteIdentities(writer, members, self);
    }

    private static void WriteResumeToken(Utf8JsonWriter writer, Seat seat)
    {
        var token = seat.Token;
        if (token != UInt128.Zero)
        {
            Span<byte> text = stackalloc byte[ResumeToken.Length];
            ResumeToken.Format(token, text);
            writer.WriteString("resumeToken"u8, text);
        }
    }

    /// <summary><c>iceServers</c>, the answer to a client's <c>{"type":"iceServers"}</c>: the list with a fresh TURN credential.</summary>
    public OutboundMessage IceServers(ReadOnlySpan<byte> peerId)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "iceServers"u8);
        WriteIceServers(writer, peerId);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary>
    /// With authentication on, who the members are (their tokens' <c>sub</c> and <c>sb:name</c>) by peer id,
    /// beside <c>peers</c> so clients that only read <c>peers</c> are unaffected. Absent when none has one.
    /// </summary>
    private static void WriteIdentities(Utf8JsonWriter writer, Seat[] others, Seat self)
    {
        var started = false;
        foreach (var member in others)
        {
            if (member.Identity is not { } identity || ReferenceEquals(member, self))
            {
                continue;
            }

            if (!started)
            {
                writer.WriteStartObject("identities"u8);
                started = true;
            }

            writer.WritePropertyName(member.IdUtf8);
            writer.WriteRawValue(identity, skipInputValidation: true);
        }

        if (started)
        {
            writer.WriteEndObject();
        }
    }

    public OutboundMessage Left(Room room) => Format(room, default, static (writer, room, _, _) =>
    {
        writer.WriteString("type"u8, "left"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
    });

    /// <summary><c>peerJoined</c>; with the joiner's <paramref name="identity"/> (a JSON object) when its token gave one.</summary>
    public OutboundMessage PeerJoined(Room room, ReadOnlySpan<byte> peerId, byte[]? identity = null)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "peerJoined"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, peerId);
        if (identity is not null)
        {
            writer.WritePropertyName("identity"u8);
            writer.WriteRawValue(identity, skipInputValidation: true);
        }

        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    public OutboundMessage PeerLeft(Room room, ReadOnlySpan<byte> peerId) => Format(room, peerId, static (writer, room, peerId, _) =>
    {
        writer.WriteString("type"u8, "peerLeft"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, peerId);
    });

    /// <summary><c>peerDisconnected</c>: the peer's connection vanished; its seat waits for a resume.</summary>
    public OutboundMessage PeerDisconnected(Room room, ReadOnlySpan<byte> peerId) => Format(room, peerId, static (writer, room, peerId, _) =>
    {
        writer.WriteString("type"u8, "peerDisconnected"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, peerId);
    });

    /// <summary><c>peerReconnected</c>: the peer is back on a new connection, with the same id.</summary>
    public OutboundMessage PeerReconnected(Room room, ReadOnlySpan<byte> peerId) => Format(room, peerId, static (writer, room, peerId, _) =>
    {
        writer.WriteString("type"u8, "peerReconnected"u8);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, peerId);
    });

    /// <summary><c>peer-unavailable</c>: the member <paramref name="peerId"/> is away and has no room for more; the message was not kept.</summary>
    public static OutboundMessage PeerUnavailable(Room room, ReadOnlySpan<byte> peerId)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteString("payload"u8, "the peer is reconnecting and cannot take more messages now: send it again once it is back (peerReconnected)"u8);
        writer.WriteString("code"u8, ErrorCodes.PeerUnavailable);
        writer.WriteString("roomId"u8, room.IdUtf8);
        writer.WriteString("peerId"u8, peerId);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary>
    /// <c>error</c>; with <paramref name="retryAfterMs"/> (for <c>rate-limited</c>) when trying again later can
    /// succeed. Only a refusal allocates this; the relay path does not.
    /// </summary>
    public static OutboundMessage Error(string code, string text, Room? room = null, int? retryAfterMs = null)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteString("payload"u8, text);
        writer.WriteString("code"u8, code);
        if (room is not null)
        {
            writer.WriteString("roomId"u8, room.IdUtf8);
        }

        if (retryAfterMs is { } retryAfter)
        {
            writer.WriteNumber("retryAfterMs"u8, retryAfter);
        }

        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary><c>{"type":"authenticated","exp":…,"identity":{…}}</c>: exp in Unix seconds, as in the token, so a client knows when to refresh.</summary>
    public static OutboundMessage Authenticated(DateTimeOffset expiresAt, byte[]? identity)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "authenticated"u8);
        writer.WriteNumber("exp"u8, expiresAt.ToUnixTimeSeconds());
        if (identity is not null)
        {
            writer.WritePropertyName("identity"u8);
            writer.WriteRawValue(identity, skipInputValidation: true);
        }

        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    private delegate void Body(Utf8JsonWriter writer, Room room, ReadOnlySpan<byte> peerId, ServerMessages self);

    private OutboundMessage Format(Room room, ReadOnlySpan<byte> peerId, Body body)
    {
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        body(writer, room, peerId, this);
        writer.WriteEndObject();
        return Complete(writer, buffer);
    }

    /// <summary>
    /// <c>iceServers</c>: the configured list, and with TURN credentials on, a TURN entry minted for
    /// <paramref name="peerId"/> after it and <c>iceServersTtlMs</c>, how long that credential is good for.
    /// </summary>
    private void WriteIceServers(Utf8JsonWriter writer, ReadOnlySpan<byte> peerId)
    {
        writer.WriteStartArray("iceServers"u8);
        foreach (var entry in _iceServerEntries)
        {
            writer.WriteRawValue(entry, skipInputValidation: true);
        }

        _turn?.WriteIceServer(writer, peerId);
        writer.WriteEndArray();
        if (_turn is not null)
        {
            writer.WriteNumber("iceServersTtlMs"u8, (long)_turn.Ttl.TotalMilliseconds);
        }
    }

    private static Utf8JsonWriter RentWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        if (_threadWriter is null)
        {
            _threadWriter = new Utf8JsonWriter(buffer);
        }
        else
        {
            _threadWriter.Reset(buffer);
        }

        return _threadWriter;
    }

    private static OutboundMessage Complete(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        writer.Flush();
        return OutboundMessage.CopyOf(buffer.WrittenSpan);
    }

    private static byte[] FormatIceServer(IceServerOptions server)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        WriteIceServer(writer, server);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIceServer(Utf8JsonWriter writer, IceServerOptions server)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("urls"u8);
        foreach (var url in server.Urls)
        {
            writer.WriteStringValue(url);
        }

        writer.WriteEndArray();
        if (server.Username is not null)
        {
            writer.WriteString("username"u8, server.Username);
        }

        if (server.Credential is not null)
        {
            writer.WriteString("credential"u8, server.Credential);
        }

        writer.WriteEndObject();
    }
}
