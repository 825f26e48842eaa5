using System.Net.WebSockets;
using System.Text;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Connections;

/// <summary>
/// One signaling client, as the core and the dialects see it: an id, the rooms it is in, and a single
/// writer that never blocks its caller. How the bytes travel is the subclass's business:
/// <see cref="WebSocketPeerConnection"/> over .NET's WebSocket (the HTTP pipeline), or
/// <c>Transport.FramedPeerConnection</c> straight on an epoll-driven socket.
/// </summary>
internal abstract partial class PeerConnection
{
    private List<Room>? _rooms;

    protected PeerConnection()
    {
        Id = IdGenerator.NewId();
        IdUtf8 = Encoding.UTF8.GetBytes(Id);
    }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    /// <summary>The rooms this connection is in. Touched only while handling this connection's messages and at its final clean-up.</summary>
    public List<Room> Rooms => _rooms ??= new List<Room>(1);

    /// <summary>Which slice of <see cref="ConnectionStore"/> holds this connection.</summary>
    public int StoreShard { get; set; }

    /// <summary>True once a close has been requested; nothing more is sent after that.</summary>
    public abstract bool IsClosing { get; }

    /// <summary>Queues <paramref name="message"/> for this connection (taking a reference of its own). Never blocks, never throws.</summary>
    public abstract void Send(OutboundMessage message);

    /// <summary>Sends a message this caller owns and no one else will send.</summary>
    public void SendOwned(OutboundMessage message)
    {
        Send(message);
        message.Release();
    }

    /// <summary>Closes with <paramref name="status"/> after what is already queued has been written.</summary>
    public abstract void RequestClose(WebSocketCloseStatus status, string reason);

    /// <summary>Drops the connection without a close handshake.</summary>
    public abstract void Abort();

    /// <summary>
    /// Called about every quarter of the shortest timeout by <see cref="ConnectionSweeper"/>, one timer for
    /// all connections: the connection checks its own deadlines (a stuck write, keep-alive, a close the
    /// client never answered) so that no idle connection carries a timer of its own.
    /// </summary>
    public abstract void Sweep(long now);
}
