using System.Net;
using System.Net.Sockets;

namespace Switchboard.LoadTest.Targets;

/// <summary>
/// The server under load. Only loopback addresses are accepted: this tool generates enough traffic to
/// be mistaken for an attack, so it must never be pointed at another machine.
/// </summary>
internal sealed class LoopbackTarget
{
    private LoopbackTarget(Uri uri, IPEndPoint endPoint, ServerKind kind, int? processId)
    {
        Uri = uri;
        EndPoint = endPoint;
        Kind = kind;
        ProcessId = processId;
    }

    public Uri Uri { get; }

    /// <summary>Where sockets connect: the address is resolved once, here, so nothing later can wander off loopback.</summary>
    public IPEndPoint EndPoint { get; }

    public ServerKind Kind { get; }

    /// <summary>wss://: every connection runs a TLS handshake and carries its frames encrypted.</summary>
    public bool Tls => Uri.Scheme == "wss";

    /// <summary>The server's process on this machine, for its CPU time and memory; null when not given.</summary>
    public int? ProcessId { get; }

    /// <summary>Validates <paramref name="uri"/>; throws <see cref="ArgumentException"/> for anything but ws:// or wss:// on loopback.</summary>
    public static LoopbackTarget Create(Uri uri, ServerKind kind, int? processId)
    {
        if (uri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"the target must be a ws:// or wss:// URL (was '{uri}')");
        }

        var address = Resolve(uri.Host)
            ?? throw new ArgumentException($"refusing target '{uri.Host}': only loopback addresses (127.0.0.0/8, ::1, localhost) may be loaded");
        return new LoopbackTarget(uri, new IPEndPoint(address, uri.Port), kind, processId);
    }

    private static IPAddress? Resolve(string host)
    {
        var trimmed = host.Trim('[', ']');
        if (IPAddress.TryParse(trimmed, out var address))
        {
            return IPAddress.IsLoopback(address) ? address : null;
        }

        // "localhost" is loopback by definition; no name is ever looked up, so DNS cannot redirect the load.
        return string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
    }

    public AddressFamily AddressFamily => EndPoint.AddressFamily;
}
