using System.Net;
using Switchboard.Server.Admission;
using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Tests;

public sealed class ConnectionLimitsTests
{
    private static readonly IPAddress _a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress _b = IPAddress.Parse("192.0.2.2");

    private static ConnectionLimits Limits(Action<ConnectionLimitOptions> change)
    {
        var options = new ConnectionLimitOptions { NewPerSecond = 0 };
        change(options);
        return new ConnectionLimits(options, descriptorLimit: 20_000);
    }

    [Fact]
    public void Defaults_FromTheOpenFileLimit_LeaveAReserveAndRoomForHandshakes()
    {
        using var limits = new ConnectionLimits(new ConnectionLimitOptions(), descriptorLimit: 20_000);

        // 20 000 descriptors: 2 000 reserved, 1 024 for handshakes in progress, the rest for connections.
        Assert.Equal(1024, limits.MaxPendingHandshakes);
        Assert.Equal(20_000 - 2_000 - 1_024, limits.MaxConnections);
    }

    [Theory]
    [InlineData(1024, 128, 102)]
    [InlineData(65_536, 4096, 1024)]
    [InlineData(1_048_576, 4096, 1024)]
    public void Defaults_ForCommonOpenFileLimits_StayWithinThem(long descriptors, long reserve, int pending)
    {
        Assert.Equal(reserve, DescriptorLimit.Reserve(descriptors));
        Assert.Equal(pending, DescriptorLimit.DefaultPendingHandshakes(descriptors));
        Assert.Equal(descriptors - reserve - pending, DescriptorLimit.DefaultMaxConnections(descriptors, pending));
    }

    [Fact]
    public void Soft_OnThisMachine_IsTheProcessLimit()
    {
        Assert.InRange(DescriptorLimit.Soft(), 64, DescriptorLimit.Fallback);
    }

    [Fact]
    public void TryAdmit_PerAddressReached_RefusesThatAddressOnly()
    {
        using var limits = Limits(o => o.PerAddress = 2);
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out var first, out _));
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out _, out _));

        Assert.Equal(HandshakeResult.AddressLimit, limits.TryAdmit(_a, out var none, out _));
        Assert.Null(none);
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_b, out _, out _));

        limits.Release(first!);
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out _, out _));
        Assert.Equal(3, limits.Connections);
    }

    [Fact]
    public void Release_LastOfAnAddress_ForgetsTheAddressAndCountsAfreshLater()
    {
        using var limits = Limits(o => o.PerAddress = 1);
        limits.TryAdmit(_a, out var ticket, out _);
        limits.Release(ticket!);

        Assert.Equal(0, limits.ConnectionsOf(_a));
        Assert.Equal(0, limits.Connections);
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out _, out _));
    }

    [Fact]
    public void TryAdmit_Ipv6_CountsTheWhole64()
    {
        using var limits = Limits(o => o.PerAddress = 1);
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(IPAddress.Parse("2001:db8:1:2::1"), out _, out _));

        // Another address of the same /64 is the same subscriber; another /64 is not.
        Assert.Equal(HandshakeResult.AddressLimit, limits.TryAdmit(IPAddress.Parse("2001:db8:1:2:ffff::9"), out _, out _));
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(IPAddress.Parse("2001:db8:1:3::1"), out _, out _));
    }

    [Fact]
    public void TryAdmit_Ipv4MappedIntoIpv6_CountsAsTheIpv4Address()
    {
        using var limits = Limits(o => o.PerAddress = 1);
        limits.TryAdmit(_a, out _, out _);

        Assert.Equal(HandshakeResult.AddressLimit, limits.TryAdmit(_a.MapToIPv6(), out _, out _));
    }

    [Fact]
    public void TryAdmit_TotalReached_RefusesEveryAddressAndGivesItsAddressCountBack()
    {
        using var limits = Limits(o =>
        {
            o.PerAddress = 5;
            o.MaxConnections = 2;
        });
        limits.TryAdmit(_a, out _, out _);
        limits.TryAdmit(_a, out _, out _);

        Assert.Equal(HandshakeResult.ServerFull, limits.TryAdmit(_b, out _, out _));
        Assert.Equal(0, limits.ConnectionsOf(_b));
        Assert.Equal(2, limits.Connections);
    }

    [Fact]
    public void TryAdmit_BurstSpent_RefusesWithRetryAfterAndOtherAddressesKeepTheirs()
    {
        using var limits = Limits(o =>
        {
            o.NewPerSecond = 1;
            o.NewBurst = 2;
        });
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out _, out _));
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_a, out _, out _));

        Assert.Equal(HandshakeResult.AddressRate, limits.TryAdmit(_a, out _, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(HandshakeResult.Accepted, limits.TryAdmit(_b, out _, out _));
    }

    [Fact]
    public void TryStartPending_PerPeerAndTotal_KnownProxyExemptFromPerPeer()
    {
        using var limits = Limits(o =>
        {
            o.PendingHandshakesPerAddress = 1;
            o.MaxPendingHandshakes = 3;
        });
        var first = limits.TryStartPending(_a, exempt: false);
        Assert.NotNull(first);
        Assert.Null(limits.TryStartPending(_a, exempt: false));

        // A proxy carries many clients: only the total applies to it.
        Assert.NotNull(limits.TryStartPending(_b, exempt: true));
        Assert.NotNull(limits.TryStartPending(_b, exempt: true));
        Assert.Null(limits.TryStartPending(_b, exempt: true));

        limits.EndPending(first!);
        Assert.Equal(2, limits.Pending);
        Assert.NotNull(limits.TryStartPending(_a, exempt: false));
    }

    [Fact]
    public async Task TryAdmitAndRelease_ManyThreadsOnOneAddress_NeverExceedTheLimitAndEndAtZero()
    {
        using var limits = Limits(o => o.PerAddress = 3);
        var over = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (limits.TryAdmit(_a, out var ticket, out _) == HandshakeResult.Accepted)
                {
                    if (limits.ConnectionsOf(_a) > 3)
                    {
                        Interlocked.Increment(ref over);
                    }

                    limits.Release(ticket!);
                }
            }
        })));

        Assert.Equal(0, over);
        Assert.Equal(0, limits.ConnectionsOf(_a));
        Assert.Equal(0, limits.Connections);
    }
}
