using System.Net.WebSockets;

namespace Switchboard.Server.Protocol;

/// <summary>WebSocket close statuses the server sends (docs/protocol.md, "Close codes").</summary>
internal static class CloseCodes
{
    /// <summary>Another connection resumed this one's seat (docs/protocol.md, "Resuming a seat"): do not reconnect on your own.</summary>
    public const WebSocketCloseStatus Replaced = (WebSocketCloseStatus)4001;

    /// <summary>The connection's send queue overflowed or a send timed out.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)4008;

    /// <summary>"Service Restart" (IANA registry): the server is restarting; reconnect after a short, random delay.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>"Try Again Later" (IANA WebSocket close code registry): the server is short of what this connection needs right now.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
}
