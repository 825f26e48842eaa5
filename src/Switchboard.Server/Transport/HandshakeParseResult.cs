namespace Switchboard.Server.Transport;

internal enum HandshakeParseResult
{
    /// <summary>A complete, valid WebSocket upgrade on one of Switchboard's paths.</summary>
    Upgrade,

    /// <summary>The request head has not fully arrived yet.</summary>
    Incomplete,

    /// <summary>Anything else (a page, TLS, HTTP/2, an unusual upgrade): Kestrel's HTTP pipeline takes it.</summary>
    NotOurs,
}
