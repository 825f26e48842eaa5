using System.Net.WebSockets;

namespace Switchboard.Server.Protocol;

/// <summary>WebSocket close statuses the server sends (docs/protocol.md, "Close codes").</summary>
internal static class CloseCodes
{
    /// <summary>The connection's send queue overflowed or a send timed out.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)4008;
}
