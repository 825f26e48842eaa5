namespace Switchboard.Server.Connections;

/// <summary>
/// How far a connection's close handshake (RFC 6455 §7) has come, from the server's side. It only moves
/// forward. Whether the client's close has arrived is kept beside it (<c>PeerConnection._closeReceived</c>):
/// either side may close first.
/// </summary>
internal enum ClosePhase : byte
{
    /// <summary>Messages flow both ways.</summary>
    Open,

    /// <summary>
    /// Our close frame is queued behind what was queued before it. Nothing more is queued; messages that
    /// still arrive are read (to find the client's close) but not acted on.
    /// </summary>
    Closing,

    /// <summary>
    /// Our close frame has been written and our side shut for sending. The connection ends when the
    /// client's close arrives (or has already), when it hangs up, or after <c>CloseTimeout</c>.
    /// </summary>
    CloseSent,

    /// <summary>The transport has closed; the rooms have been told and everything is released.</summary>
    Ended,
}
