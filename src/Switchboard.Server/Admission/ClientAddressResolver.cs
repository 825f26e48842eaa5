using System.Net;

namespace Switchboard.Server.Admission;

/// <summary>
/// Decides which address a client connects from, the same way on both ways in: the socket's peer, unless
/// that peer is one of <see cref="SwitchboardOptions.KnownProxies"/>. Then <c>X-Forwarded-For</c> is read
/// from its right end (the hop the proxy itself added) leftwards, past every listed proxy; the first
/// address that is not one is the client. Whatever a client writes further left is never believed.
/// </summary>
internal sealed class ClientAddressResolver
{
    /// <summary>An <c>X-Forwarded-For</c> longer than this is not read at all (a proxy chain has a few hops).</summary>
    public const int MaxHeaderLength = 1024;

    private readonly IPNetwork[] _proxies;

    public ClientAddressResolver(IEnumerable<string> knownProxies)
    {
        _proxies = [.. knownProxies.Select(p => TryParseProxy(p, out var network) ? network : throw new ArgumentException($"Not an address or network: '{p}'.", nameof(knownProxies)))];
    }

    /// <summary>Whether any proxy is configured: without one, no header needs reading.</summary>
    public bool TrustsProxies => _proxies.Length > 0;

    public static bool TryParseProxy(string text, out IPNetwork network)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }

    /// <summary>The client's address, given the socket's peer and the request's <c>X-Forwarded-For</c> values (if any).</summary>
    public IPAddress? Resolve(IPAddress? peer, ReadOnlySpan<char> forwardedFor)
    {
        if (peer is null || _proxies.Length == 0 || forwardedFor.IsEmpty || forwardedFor.Length > MaxHeaderLength)
        {
            return peer;
        }

        var client = peer;
        var rest = forwardedFor;
        while (IsProxy(client))
        {
            rest = rest.TrimEnd();
            if (rest.IsEmpty)
            {
                break;
            }

            var comma = rest.LastIndexOf(',');
            var hop = rest[(comma + 1)..].Trim();
            rest = comma < 0 ? [] : rest[..comma];
            if (!TryParseHop(hop, out var address))
            {
                // A hop that is not an address (garbage, "unknown"): stop believing at the last good one.
                break;
            }

            client = address;
        }

        return client;
    }

    /// <summary>Whether <paramref name="address"/> is one of the known proxies.</summary>
    public bool IsKnownProxy(IPAddress address) => _proxies.Length > 0 && IsProxy(address);

    private bool IsProxy(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var proxy in _proxies)
        {
            if (proxy.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseHop(ReadOnlySpan<char> hop, out IPAddress address)
    {
        // Proxies write "203.0.113.7", "[2001:db8::1]" or "[2001:db8::1]:4711"; ports are dropped.
        if (hop.StartsWith("[") && hop.IndexOf(']') is var close and > 0)
        {
            hop = hop[1..close];
        }
        else if (hop.IndexOf(':') is var colon and > 0 && hop.LastIndexOf(':') == colon)
        {
            hop = hop[..colon];
        }

        return IPAddress.TryParse(hop, out address!);
    }
}
