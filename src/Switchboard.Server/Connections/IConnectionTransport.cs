namespace Switchboard.Server.Connections;

/// <summary>What carries a <see cref="WebSocketPeerConnection"/>'s WebSocket: Kestrel's HTTP pipeline (the direct path frames its own).</summary>
internal interface IConnectionTransport
{
    /// <summary>
    /// The WebSocket layer sent a close frame and gave up the connection; keep TCP open until the client
    /// hangs up or <c>CloseTimeout</c> passes, so closing does not reset the frame away before the client
    /// reads it (docs/decisions/0003-lingering-close.md). Runs before the WebSocket is disposed.
    /// </summary>
    Task LingerAsync();

    /// <summary>The connection has ended and its WebSocket is disposed.</summary>
    void OnConnectionEnded();
}
