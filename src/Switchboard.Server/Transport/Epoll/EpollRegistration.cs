using System.Net.Sockets;

namespace Switchboard.Server.Transport.Epoll;

/// <summary>
/// One socket in one loop's epoll set. The generation makes events that were already collected for a
/// registration that has since been removed (and whose slot may be reused) harmless.
/// </summary>
internal sealed class EpollRegistration
{
    public EpollRegistration(EpollLoop loop, Socket socket, IEpollTarget target, int slot, uint generation)
    {
        Loop = loop;
        Socket = socket;
        Fd = (int)socket.Handle;
        Target = target;
        Slot = slot;
        Generation = generation;
    }

    public EpollLoop Loop { get; }

    public Socket Socket { get; }

    /// <summary>Kept from registration: unregistering must happen before the socket is disposed, never after.</summary>
    public int Fd { get; }

    /// <summary>Who handles the events. Changed only on the loop's thread (a handshake becomes a connection).</summary>
    public IEpollTarget Target { get; set; }

    public int Slot { get; }

    public uint Generation { get; }

    public ulong Data => ((ulong)Generation << 32) | (uint)Slot;

    /// <summary>Changes what the socket is watched for. Any thread.</summary>
    public void Modify(uint events) => Loop.Modify(this, events);

    /// <summary>Stops watching the socket. Any thread; idempotent. The socket itself is left open.</summary>
    public void Unregister() => Loop.Unregister(this);
}
