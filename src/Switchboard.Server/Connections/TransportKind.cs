namespace Switchboard.Server.Connections;

/// <summary>The two ways a client comes in; the <c>transport</c> tag of <c>switchboard_connections</c>.</summary>
internal enum TransportKind
{
    /// <summary>A WebSocket taken straight from the socket by the epoll loops.</summary>
    Direct,

    /// <summary>A WebSocket upgraded through Kestrel's HTTP pipeline (TLS, HTTP/2, a path base).</summary>
    Pipeline,
}
