namespace Switchboard.LoadTest.Net;

/// <summary>What <see cref="FrameReader.Next"/> found in the bytes received so far.</summary>
internal enum FrameStep
{
    /// <summary>No complete frame is buffered: receive more.</summary>
    NeedMore,

    /// <summary>A whole text or binary message (reassembled if the server fragmented it).</summary>
    Message,

    /// <summary>A ping, which must be answered with a pong carrying its payload.</summary>
    Ping,

    /// <summary>The server's close frame; its payload is the status code and reason.</summary>
    Close,
}
