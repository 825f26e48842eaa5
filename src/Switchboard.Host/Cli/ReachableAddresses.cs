using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Switchboard.Host.Cli;

/// <summary>
/// The addresses people can open for what Kestrel bound: <c>http://[::]:8080</c> is not an address
/// anyone can type, so an endpoint on every interface becomes localhost plus this machine's own addresses.
/// </summary>
internal static class ReachableAddresses
{
    /// <summary>One bound endpoint, as Kestrel reports it (e.g. <c>https://[::]:8443</c>, <c>http://127.0.0.1:5000</c>, <c>http://+:80</c>).</summary>
    public sealed record Endpoint(string Scheme, string Host, int Port)
    {
        public bool IsAnyAddress => Host is "::" or "0.0.0.0" or "+" or "*";

        public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

        public bool IsTls => Scheme == "https";
    }

    public static Endpoint? Parse(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var portStart = address.LastIndexOf(':');
        if (schemeEnd < 0 || portStart <= schemeEnd + 2)
        {
            return null;
        }

        var host = address[(schemeEnd + 3)..portStart].Trim('[', ']');
        var portText = address[(portStart + 1)..].TrimEnd('/');
        return int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? new Endpoint(address[..schemeEnd].ToLowerInvariant(), host, port)
            : null;
    }

    /// <summary>
    /// The page addresses for <paramref name="endpoint"/>, localhost first: browsers give the camera to
    /// http://localhost but only to https:// elsewhere.
    /// </summary>
    public static IReadOnlyList<Uri> For(Endpoint endpoint, string pathBase)
    {
        if (!endpoint.IsAnyAddress)
        {
            return [Page(endpoint.Scheme, endpoint.IsLoopback ? "localhost" : endpoint.Host, endpoint.Port, pathBase)];
        }

        // "[::]" is dual-stack (Kestrel's ListenAnyIP), "0.0.0.0" is IPv4 only.
        var ipv6 = endpoint.Host is "::" or "+" or "*";
        var pages = new List<Uri> { Page(endpoint.Scheme, "localhost", endpoint.Port, pathBase) };
        foreach (var address in InterfaceAddresses())
        {
            if (address.AddressFamily == AddressFamily.InterNetwork || (ipv6 && address.AddressFamily == AddressFamily.InterNetworkV6))
            {
                pages.Add(Page(endpoint.Scheme, address.ToString(), endpoint.Port, pathBase));
            }
        }

        return pages;
    }

    /// <summary>The signaling address that goes with a page address: same place, ws or wss, at <paramref name="path"/>.</summary>
    public static Uri Signaling(Uri page, string path)
    {
        var signaling = new UriBuilder(page) { Scheme = page.Scheme == "https" ? "wss" : "ws", Port = page.Port };
        signaling.Path = page.AbsolutePath.TrimEnd('/') + path;
        return signaling.Uri;
    }

    private static Uri Page(string scheme, string host, int port, string pathBase) =>
        new UriBuilder(scheme, host, port, pathBase.TrimEnd('/') + "/").Uri;

    /// <summary>This machine's non-loopback addresses on interfaces that are up; link-local IPv6 needs a zone nobody types, so it is left out.</summary>
    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            yield break;
        }

        foreach (var nic in interfaces)
        {
            if (nic.OperationalStatus != OperationalStatus.Up && nic.OperationalStatus != OperationalStatus.Unknown)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (!IPAddress.IsLoopback(address) && !address.IsIPv6LinkLocal && !address.IsIPv6Multicast)
                {
                    yield return address;
                }
            }
        }
    }
}
