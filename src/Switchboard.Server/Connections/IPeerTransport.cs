namespace Switchboard.Server.Connections;

/// <summary>
/// What carries one connection's bytes: a socket of the direct path's epoll loops, or the stream Kestrel
/// hands over after an HTTP upgrade. A transport only moves bytes and reports what happened to them;
/// every rule about them (framing, limits, the close handshake, time-outs) is <see cref="PeerConnection"/>'s,
/// so each rule holds on both ways in and is written once.
/// </summary>
/// <remarks>
/// A transport passes what it reads to <see cref="PeerConnection.OnReceived"/> (or reads into
/// <see cref="PeerConnection.InboxSpace"/>) on one thread at a time, and calls
/// <see cref="PeerConnection.OnTransportClosed"/> exactly once when the connection is over, on that thread.
/// </remarks>
internal interface IPeerTransport
{
    /// <summary>Which way in this is, for metrics and logs.</summary>
    TransportKind Kind { get; }

    /// <summary>The socket's peer; null once it is gone. Read only when needed (logs): the direct path keeps no copy.</summary>
    System.Net.IPAddress? RemoteAddress { get; }

    /// <summary>
    /// Takes as much of <paramref name="bytes"/> as it can without waiting and returns how much; the caller
    /// may reuse the span as soon as this returns. Fewer than all means the transport is full: it calls
    /// <see cref="PeerConnection.OnWritable"/> once it has room again, never from inside this call.
    /// -1 means the connection is dead; the transport ends it.
    /// </summary>
    /// <remarks>Called under the connection's send lock.</remarks>
    int Write(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Whether the transport should read more from the client. False while the connection's output is
    /// blocked (a client that does not read must not be able to make the server do more work for it) and
    /// while input already read waits for its turn. Called under the connection's send lock.
    /// </summary>
    void SetReceiving(bool receiving);

    /// <summary>
    /// Asks for <see cref="PeerConnection.ContinueReceiving"/> on the receiving thread once other
    /// connections sharing it have had their turn: input that was read but not yet handled.
    /// </summary>
    void ScheduleReceive();

    /// <summary>
    /// The connection's close frame has been written. <paramref name="handshakeComplete"/> false: the
    /// client has not answered yet; send nothing more (half-close where the transport can) and keep
    /// reading. True: both closes are exchanged; end the connection.
    /// </summary>
    void Shutdown(bool handshakeComplete);

    /// <summary>Ends the connection without a close handshake. Any thread; idempotent.</summary>
    void Abort();
}
