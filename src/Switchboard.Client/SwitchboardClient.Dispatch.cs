using System.Text.Json;
using Switchboard.Client.Internal;

namespace Switchboard.Client;

public sealed partial class SwitchboardClient
{
    /// <summary>
    /// Keeps the client's view (peer id, token, rooms) in step with one message from the server, hands an answer to
    /// the call waiting for it, and returns the event to report; null for what is not reported (an error already
    /// thrown from its call, a frame that is not a JSON object). <paramref name="followUps"/> are reported right after it.
    /// </summary>
    private SwitchboardEvent? Dispatch(ReadOnlySpan<byte> utf8, out List<SwitchboardEvent>? followUps)
    {
        followUps = null;
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize(utf8, ClientJsonContext.Default.JsonElement);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var type = typeElement.GetString()!;
        if (!_serverTypes.Contains(type))
        {
            return Relayed(root, type);
        }

        ServerMessage fields;
        try
        {
            fields = root.Deserialize(ClientJsonContext.Default.ServerMessage)!;
        }
        catch (JsonException)
        {
            return new OtherServerMessage(root, type);
        }

        SwitchboardEvent item;
        PendingRequest? answered = null;
        lock (_gate)
        {
            item = Apply(root, type, fields, out followUps);
            if (_pending is { } pending && pending.IsAnsweredBy(type, fields))
            {
                answered = pending;
                _pending = null;
            }
        }

        answered?.Complete(new Answer(type, fields, root));

        // An error that answered a call is thrown from that call; reporting it as well would tell it twice.
        return answered is not null && item is ServerError ? null : item;
    }

    private static SwitchboardEvent Relayed(JsonElement root, string type)
    {
        if (root.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.String
            && root.TryGetProperty("roomId", out var roomId) && roomId.ValueKind == JsonValueKind.String)
        {
            var to = root.TryGetProperty("to", out var toElement) && toElement.ValueKind == JsonValueKind.String ? toElement.GetString() : null;
            var payload = root.TryGetProperty("payload", out var p) ? p : default;
            return new MessageReceived(root, type, roomId.GetString()!, from.GetString()!, to, payload);
        }

        return new OtherServerMessage(root, type);
    }

    /// <summary>Called under the lock.</summary>
    private SwitchboardEvent Apply(JsonElement root, string type, ServerMessage m, out List<SwitchboardEvent>? followUps)
    {
        followUps = null;
        var iceServers = m.IceServers ?? default;
        switch (type)
        {
            case "roomCreated" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                _peerId = peerId;
                _resumeToken = m.ResumeToken ?? _resumeToken;
                _rooms[roomId] = new RoomState(m.Capacity ?? 0, []);
                return new RoomCreated(root, roomId, peerId, m.Capacity ?? 0, iceServers);
            case "joined" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                _peerId = peerId;
                _resumeToken = m.ResumeToken ?? _resumeToken;
                _rooms[roomId] = new RoomState(m.Capacity ?? 0, [.. m.Peers ?? []]);
                return new Joined(root, roomId, peerId, m.Capacity ?? 0, m.Peers ?? [], iceServers);
            case "left" when m.RoomId is { } roomId:
                _rooms.Remove(roomId);
                return new Left(root, roomId);
            case "peerJoined" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                if (_rooms.TryGetValue(roomId, out var joinedRoom) && !joinedRoom.Peers.Contains(peerId))
                {
                    joinedRoom.Peers.Add(peerId);
                }

                return new PeerJoined(root, roomId, peerId);
            case "peerLeft" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                if (_rooms.TryGetValue(roomId, out var leftRoom))
                {
                    leftRoom.Peers.Remove(peerId);
                }

                return new PeerLeft(root, roomId, peerId);
            case "peerDisconnected" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                return new PeerDisconnected(root, roomId, peerId);
            case "peerReconnected" when m is { RoomId: { } roomId, PeerId: { } peerId }:
                return new PeerReconnected(root, roomId, peerId);
            case "resumed" when m.PeerId is { } peerId:
                _peerId = peerId;
                _resumeToken = m.ResumeToken ?? _resumeToken;
                var before = new Dictionary<string, RoomState>(_rooms, StringComparer.Ordinal);
                _rooms.Clear();
                foreach (var room in m.Rooms ?? [])
                {
                    if (room.RoomId is { } id)
                    {
                        _rooms[id] = new RoomState(room.Capacity ?? 0, [.. room.Peers ?? []]);
                    }
                }

                followUps = MembershipChanges(before);
                return new Resumed(root, peerId, [.. _rooms.Select(r => r.Value.Snapshot(r.Key))]);
            case "error":
                var retryAfter = m.RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
                return new ServerError(root, m.Code ?? string.Empty, Text(m.Payload) ?? string.Empty, m.RoomId, m.PeerId, retryAfter);
            default:
                return new OtherServerMessage(root, type);
        }
    }

    /// <summary>
    /// The server does not keep membership notices for an away seat (<c>resumed.rooms</c> is the fresh state), so an
    /// application that tracks peers by <see cref="PeerJoined"/> and <see cref="PeerLeft"/> is told the difference as if
    /// it had been there.
    /// </summary>
    private List<SwitchboardEvent>? MembershipChanges(Dictionary<string, RoomState> before)
    {
        List<SwitchboardEvent>? changes = null;
        foreach (var (roomId, now) in _rooms)
        {
            if (!before.TryGetValue(roomId, out var then))
            {
                continue;
            }

            foreach (var gone in then.Peers.Where(p => !now.Peers.Contains(p)))
            {
                (changes ??= []).Add(new PeerLeft(Notice("peerLeft", roomId, gone), roomId, gone));
            }

            foreach (var added in now.Peers.Where(p => !then.Peers.Contains(p)))
            {
                (changes ??= []).Add(new PeerJoined(Notice("peerJoined", roomId, added), roomId, added));
            }
        }

        return changes;
    }

    private static JsonElement Notice(string type, string roomId, string peerId) =>
        JsonSerializer.SerializeToElement(new MembershipNotice(type, roomId, peerId), ClientJsonContext.Default.MembershipNotice);

    /// <summary>A room as this client knows it; guarded by the client's lock.</summary>
    private sealed class RoomState(int capacity, List<string> peers)
    {
        public int Capacity { get; } = capacity;

        public List<string> Peers { get; } = peers;

        public SwitchboardRoom Snapshot(string roomId) => new(roomId, Capacity, [.. Peers]);
    }
}
