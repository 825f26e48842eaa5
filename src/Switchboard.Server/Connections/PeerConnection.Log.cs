using System.Net;
using Microsoft.Extensions.Logging;

namespace Switchboard.Server.Connections;

internal sealed partial class PeerConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Peer {PeerId} connected from {ClientAddress} ({Transport})", EventName = "Connected")]
        public static partial void Connected(ILogger logger, string peerId, IPAddress? clientAddress, TransportKind transport);

        [LoggerMessage(2, LogLevel.Debug, "Peer {PeerId} disconnected: {Reason} after {Duration} (from {ClientAddress})", EventName = "Disconnected")]
        public static partial void Disconnected(ILogger logger, string peerId, string reason, TimeSpan duration, IPAddress? clientAddress);

        [LoggerMessage(4, LogLevel.Information, "Peer {PeerId} sent a message larger than {Limit} bytes; closing with 1009", EventName = "MessageTooBig")]
        public static partial void MessageTooBig(ILogger logger, string peerId, int limit);

        [LoggerMessage(5, LogLevel.Warning, "Peer {PeerId} is not reading: more than {Messages} messages or {Bytes} bytes queued; closing with 4008", EventName = "SlowConsumer")]
        public static partial void SlowConsumer(ILogger logger, string peerId, int messages, int bytes);

        [LoggerMessage(6, LogLevel.Warning, "Peer {PeerId} did not take what was sent to it within {Timeout}; dropping the connection", EventName = "SendTimedOut")]
        public static partial void SendTimedOut(ILogger logger, string peerId, TimeSpan timeout);

        [LoggerMessage(7, LogLevel.Debug, "Peer {PeerId}: the connection broke while writing to it", EventName = "SendFailed")]
        public static partial void SendFailed(ILogger logger, string peerId);

        [LoggerMessage(8, LogLevel.Error, "Peer {PeerId}: handling a message failed; closing this connection with 1011", EventName = "HandlerFailed")]
        public static partial void HandlerFailed(ILogger logger, string peerId, Exception exception);

        [LoggerMessage(9, LogLevel.Error, "Peer {PeerId}: unexpected failure", EventName = "UnexpectedFailure")]
        public static partial void UnexpectedFailure(ILogger logger, string peerId, Exception exception);

        [LoggerMessage(10, LogLevel.Information, "Peer {PeerId} broke the WebSocket protocol: {Reason}; closing with {Status}", EventName = "ProtocolViolation")]
        public static partial void ProtocolViolation(ILogger logger, string peerId, string reason, int status);

        [LoggerMessage(11, LogLevel.Information, "Peer {PeerId} did not answer a keep-alive ping within {Timeout}; dropping the connection", EventName = "KeepAliveTimedOut")]
        public static partial void KeepAliveTimedOut(ILogger logger, string peerId, TimeSpan timeout);

        [LoggerMessage(13, LogLevel.Warning, "Peer {PeerId} is not reading while the clients that are behind already hold {Limit} queued bytes in all; closing with 4008", EventName = "SlowConsumersOverBudget")]
        public static partial void SlowConsumersOverBudget(ILogger logger, string peerId, long limit);

        [LoggerMessage(14, LogLevel.Information, "Peer {PeerId} took longer than {Timeout} to send one message; closing with 1008", EventName = "PartialMessageTimedOut")]
        public static partial void PartialMessageTimedOut(ILogger logger, string peerId, TimeSpan timeout);

        [LoggerMessage(12, LogLevel.Warning, "Peer {PeerId}: incomplete messages of all clients already hold {Limit} bytes; closing with 1013", EventName = "PartialMessagesOverBudget")]
        public static partial void PartialMessagesOverBudget(ILogger logger, string peerId, long limit);
    }
}
