namespace Switchboard.LoadTest.Net;

/// <summary>Why a client's receive loop ended.</summary>
internal enum ClientEnd
{
    /// <summary>The server sent a close frame (or answered ours).</summary>
    ClosedByServer,

    /// <summary>This process aborted the socket (the normal end of a run).</summary>
    Aborted,

    /// <summary>The connection broke: reset, keep-alive timeout, protocol error.</summary>
    Failed,
}
