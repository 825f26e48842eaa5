namespace Switchboard.Server.Diagnostics;

/// <summary>How a WebSocket opening handshake ended, as <c>switchboard_handshakes_total{result}</c>.</summary>
internal enum HandshakeResult
{
    /// <summary>Upgraded: a signaling connection opened.</summary>
    Accepted,

    /// <summary>Refused as malformed: not a GET, HTTP/1.0, a bad key (400).</summary>
    BadRequest,

    /// <summary>Refused: a WebSocket version other than 13 (426).</summary>
    UnsupportedVersion,

    /// <summary>Refused because the server is draining for a restart (503).</summary>
    Draining,

    /// <summary>The client went away while the upgrade was being answered.</summary>
    Failed,

    /// <summary>Refused: an Origin that is neither the server's own nor allowed, or none where one is required (403).</summary>
    ForbiddenOrigin,

    /// <summary>Refused: the client's address holds <c>ConnectionLimits:PerAddress</c> connections (503).</summary>
    AddressLimit,

    /// <summary>Refused: the client's address opens new connections faster than <c>ConnectionLimits:NewPerSecond</c> allows (503).</summary>
    AddressRate,

    /// <summary>Refused: the server holds <c>ConnectionLimits:MaxConnections</c> connections (503).</summary>
    ServerFull,

    /// <summary>Closed unread: too many connections were still to send their request head (<c>ConnectionLimits:MaxPendingHandshakes</c>, or per address).</summary>
    PendingLimit,
}
