using System.Net;
using System.Net.Sockets;

namespace Switchboard.Server.Admission;

/// <summary>
/// What per-address limits count by: an IPv4 address (also when it arrives mapped into IPv6), or the /64 an
/// IPv6 address belongs to. One subscriber gets a whole /64 and can pick any address in it, so counting
/// single IPv6 addresses would limit nothing.
/// </summary>
internal static class AddressKey
{
    public static IPAddress Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
