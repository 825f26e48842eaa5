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

        [LoggerMessage(104, LogLevel.Debug, "Peer {PeerId}'s connection vanished: its seat is kept for {GracePeriod}", EventName = "SeatAway")]
        public static partial void SeatAway(ILogger logger, string peerId, TimeSpan gracePeriod);

        [LoggerMessage(105, LogLevel.Debug, "Peer {PeerId} resumed its seat (old connection still open: {Replaced})", EventName = "SeatResumed")]
        public static partial void SeatResumed(ILogger logger, string peerId, bool replaced);

        [LoggerMessage(106, LogLevel.Debug, "Peer {PeerId} did not resume within the grace period: its seat is given up", EventName = "SeatExpired")]
        public static partial void SeatExpired(ILogger logger, string peerId);

        [LoggerMessage(107, LogLevel.Error, "Giving up peer {PeerId}'s seat failed", EventName = "SeatExpiryFailed")]
        public static partial void SeatExpiryFailed(ILogger logger, string peerId, Exception exception);
    }
}
