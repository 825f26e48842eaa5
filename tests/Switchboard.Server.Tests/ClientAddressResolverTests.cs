using System.Net;
using Switchboard.Server.Admission;

namespace Switchboard.Server.Tests;

public sealed class ClientAddressResolverTests
{
    [Theory]
    [InlineData("192.0.2.1", "203.0.113.7", "192.0.2.1")]
    [InlineData("127.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "203.0.113.7:4711", "203.0.113.7")]
    [InlineData("127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1")]
    [InlineData("127.0.0.1", "2001:db8::1", "2001:db8::1")]
    [InlineData("127.0.0.1", "unknown", "127.0.0.1")]
    [InlineData("127.0.0.1", "   ", "127.0.0.1")]
    [InlineData("127.0.0.1", "1.2.3.4, 10.9.9.9, 127.0.0.1", "1.2.3.4")]
    public void Resolve_ForwardedChain_StopsAtTheFirstHopThatIsNotAKnownProxy(string peer, string header, string expected)
    {
        var resolver = new ClientAddressResolver(["127.0.0.1", "10.0.0.0/8"]);

        Assert.Equal(IPAddress.Parse(expected), resolver.Resolve(IPAddress.Parse(peer), header));
    }

    [Fact]
    public void Resolve_NoKnownProxies_IgnoresTheHeader()
    {
        var resolver = new ClientAddressResolver([]);

        Assert.Equal(IPAddress.Loopback, resolver.Resolve(IPAddress.Loopback, "203.0.113.7"));
    }

    [Fact]
    public void Resolve_HeaderLongerThanTheLimit_IsNotRead()
    {
        var resolver = new ClientAddressResolver(["127.0.0.1"]);
        var header = string.Join(", ", Enumerable.Repeat("203.0.113.7", 200));

        Assert.Equal(IPAddress.Loopback, resolver.Resolve(IPAddress.Loopback, header));
    }

    [Fact]
    public void Resolve_MappedIpv4Peer_MatchesAnIpv4Proxy()
    {
        var resolver = new ClientAddressResolver(["127.0.0.1"]);

        Assert.Equal(IPAddress.Parse("203.0.113.7"), resolver.Resolve(IPAddress.Loopback.MapToIPv6(), "203.0.113.7"));
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("::1", true)]
    [InlineData("not-an-address", false)]
    [InlineData("10.0.0.0/99", false)]
    public void TryParseProxy_Text_AcceptsAddressesAndNetworks(string text, bool valid)
    {
        Assert.Equal(valid, ClientAddressResolver.TryParseProxy(text, out _));
    }
}
