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
}
