using Microsoft.Extensions.Logging;

namespace Switchboard.Server.Rooms;

internal sealed partial class SignalingCore
{
    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "Room {RoomId} created by {PeerId} with capacity {Capacity}", EventName = "RoomCreated")]
        public static partial void RoomCreated(ILogger logger, string roomId, string peerId, int capacity);

        [LoggerMessage(101, LogLevel.Debug, "Peer {PeerId} joined room {RoomId}", EventName = "PeerJoined")]
        public static partial void PeerJoined(ILogger logger, string roomId, string peerId);

        [LoggerMessage(102, LogLevel.Debug, "Peer {PeerId} left room {RoomId}", EventName = "PeerLeft")]
        public static partial void PeerLeft(ILogger logger, string roomId, string peerId);

        [LoggerMessage(103, LogLevel.Debug, "Room {RoomId} deleted", EventName = "RoomDeleted")]
        public static partial void RoomDeleted(ILogger logger, string roomId);
    }
}
