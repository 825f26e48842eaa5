using System.Net;
using System.Net.Sockets;

namespace Switchboard.Testing;

/// <summary>A loopback port nothing listens on right now, for a listener that cannot be told to use port 0.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
