using System.Net;
using System.Net.Sockets;

namespace Switchboard.Server.Tests;

/// <summary>What the per-address limits rely on to cost an idle direct connection nothing.</summary>
public sealed class AcceptedSocketTests
{
    [Fact]
    public async Task RemoteEndPoint_OfAnAcceptedSocket_IsKnownWithoutAllocating()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await accepting;

        // The accept returned the peer and the socket keeps it: reading it (the direct path does, for every
        // handshake) must not build a new endpoint that the connection would then keep alive.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var peer = (IPEndPoint)accepted.RemoteEndPoint!;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Port, peer.Port);
    }
}
