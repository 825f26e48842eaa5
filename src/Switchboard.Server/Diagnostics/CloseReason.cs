namespace Switchboard.Server.Diagnostics;

/// <summary>
/// Why a connection ended, as <c>switchboard_closes_total{reason}</c> and the close log event name it
/// (docs/operations.md). The first decisive event wins: a client that is dropped for not answering pings
/// and then resets the socket was closed for keep-alive.
/// </summary>
internal enum CloseReason : byte
{
    /// <summary>Nothing decided yet: a connection that ends like this hung up without a close frame.</summary>
    None,

    /// <summary>The client sent a close frame.</summary>
    Client,

    /// <summary>The client went away without a close frame (TCP reset, hang-up, broken pipe).</summary>
    ClientGone,

    /// <summary>The client did not answer a keep-alive ping in time.</summary>
    KeepAlive,

    /// <summary>The client did not take what was sent to it (4008, or the send timeout).</summary>
    SlowConsumer,

    /// <summary>A message larger than the limit (1009).</summary>
    TooBig,

    /// <summary>The client broke the WebSocket protocol (1002, 1007).</summary>
    Protocol,

    /// <summary>A message took longer than allowed to arrive, or another policy was broken (1008).</summary>
    Policy,

    /// <summary>The server was short of memory for incomplete messages (1013).</summary>
    ServerBusy,

    /// <summary>The server is restarting or stopping (1012).</summary>
    Shutdown,

    /// <summary>The client kept sending far above its message limit (1008).</summary>
    RateLimited,

    /// <summary>The client's token was missing, invalid or expired (1008).</summary>
    Unauthorized,

    /// <summary>A failure inside the server (1011).</summary>
    InternalError,

    /// <summary>Another connection resumed this one's seat (4001).</summary>
    Replaced,
}
