using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Admission;
using Switchboard.Server.Diagnostics;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// Switchboard:ConnectionLimits on a real server: an attacker on 127.0.0.1 holds its maximum while a
/// legitimate pair on 127.0.0.2 still connects and relays; every refused upgrade gets 503 with
/// Retry-After; every count comes back when its connections end. Both ways in, except handshakes in
/// progress, which only the direct path holds (Kestrel's own limits guard the pipeline's).
/// </summary>
public abstract class ConnectionLimitTests(WayIn wayIn) : WayInTests(wayIn)
{
    private static readonly IPAddress _attacker = IPAddress.Loopback;
    private static readonly IPAddress _legitimate = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress _third = IPAddress.Parse("127.0.0.3");

    public sealed class Direct() : ConnectionLimitTests(WayIn.Direct)
    {
        [Fact]
        public async Task PendingHandshakes_AttackerHoldsItsMaximum_NextIsClosedUnreadAndOthersConnect()
        {
            await using var server = await StartServerAsync(o =>
            {
                // Long enough that nothing here is closed by the timeout instead of the cap.
                o.HandshakeTimeout = TimeSpan.FromMinutes(2);
                o.ConnectionLimits.PendingHandshakesPerAddress = 5;
                o.ConnectionLimits.MaxPendingHandshakes = 8;
            });
            var limits = Limits(server);
            var silent = new List<RawWebSocket>();
            for (var i = 0; i < 5; i++)
            {
                silent.Add(await RawWebSocket.OpenFromAsync(_attacker, server.HttpAddress));
            }

            await Retry.UntilAsync("the attacker's five silent connections are pending", () => limits.Pending == 5);
            await using (var sixth = await RawWebSocket.OpenFromAsync(_attacker, server.HttpAddress))
            {
                Assert.True(await sixth.ServerClosedTcpAsync());
            }

            Assert.Equal(1, Handshakes(server)["pending-limit"]);

            await using (var pair = await RelayingPair.StartFromAsync(server, _legitimate))
            {
                await pair.AssertStillRelayingAsync();
            }

            // The cap on all addresses together: three more from a third address fill it, then nobody gets in.
            for (var i = 0; i < 3; i++)
            {
                silent.Add(await RawWebSocket.OpenFromAsync(_third, server.HttpAddress));
            }

            await Retry.UntilAsync("eight pending in all", () => limits.Pending == 8);
            await using (var ninth = await RawWebSocket.OpenFromAsync(IPAddress.Parse("127.0.0.4"), server.HttpAddress))
            {
                Assert.True(await ninth.ServerClosedTcpAsync());
            }

            foreach (var socket in silent)
            {
                socket.Vanish();
            }

            await Retry.UntilAsync("every pending handshake is given back", () => limits.Pending == 0);
            await using var after = await RawWebSocket.ConnectFromAsync(_attacker, server.HttpAddress);
        }
    }

    public sealed class Pipeline() : ConnectionLimitTests(WayIn.Pipeline);

    [Fact]
    public async Task PerAddress_AttackerHoldsItsMaximum_503ForItWhileAnotherAddressConnectsAndRelays()
    {
        await using var server = await StartServerAsync(o => o.ConnectionLimits.PerAddress = 5);
        var limits = Limits(server);
        var held = new List<RawWebSocket>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(await RawWebSocket.ConnectFromAsync(_attacker, server.HttpAddress));
        }

        var refused = await AnswerFromAsync(server, _attacker);
        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("Retry-After: 5", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Handshakes(server)["address-limit"]);

        await using (var pair = await RelayingPair.StartFromAsync(server, _legitimate))
        {
            await pair.AssertStillRelayingAsync();
            Assert.Equal(2, limits.ConnectionsOf(_legitimate));
        }

        foreach (var socket in held)
        {
            socket.Vanish();
        }

        // Given back once each: a count that was released twice would go below zero and let in more than five.
        await Retry.UntilAsync("the attacker's connections are given back", () => limits.ConnectionsOf(_attacker) == 0 && limits.Connections == 0);
        for (var i = 0; i < 5; i++)
        {
            held.Add(await RawWebSocket.ConnectFromAsync(_attacker, server.HttpAddress));
        }

        Assert.StartsWith("HTTP/1.1 503", await AnswerFromAsync(server, _attacker), StringComparison.Ordinal);
        foreach (var socket in held)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task NewPerSecond_BurstSpent_503WithRetryAfterUntilTheBucketRefills()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.ConnectionLimits.NewPerSecond = 1;
            o.ConnectionLimits.NewBurst = 3;
        });
        var held = new List<RawWebSocket>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await RawWebSocket.ConnectFromAsync(_attacker, server.HttpAddress));
        }

        var refused = await AnswerFromAsync(server, _attacker);
        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("Retry-After: 1", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Handshakes(server)["address-rate"]);

        // Another address has a bucket of its own.
        await using (var pair = await RelayingPair.StartFromAsync(server, _legitimate))
        {
            await pair.AssertStillRelayingAsync();
        }

        // One token a second: within a few seconds the attacker's address may connect again.
        await Retry.UntilAsync(
            "the attacker's bucket refills",
            async () => (await AnswerFromAsync(server, _attacker)).StartsWith("HTTP/1.1 101", StringComparison.Ordinal),
            TimeSpan.FromMilliseconds(250),
            TimeSpan.FromSeconds(10));
        foreach (var socket in held)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task MaxConnections_Reached_503ForEveryAddressAndTheDropOfOneLetsTheNextIn()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.ConnectionLimits.PerAddress = 4;
            o.ConnectionLimits.MaxConnections = 6;
        });
        var limits = Limits(server);
        var held = new List<RawWebSocket>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await RawWebSocket.ConnectFromAsync(_attacker, server.HttpAddress));
        }

        // The attacker at its own maximum leaves room for others: they connect and relay.
        await using var pair = await RelayingPair.StartFromAsync(server, _legitimate);
        await pair.AssertStillRelayingAsync();

        // Now the server is full: anyone, from any address, is told so.
        var refused = await AnswerFromAsync(server, _third);
        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("Retry-After", refused, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(server.Logs.Named("ServerFull"));
        Assert.Equal(1, Handshakes(server)["server-full"]);
        Assert.Equal(6, limits.Connections);

        held[0].Vanish();
        await Retry.UntilAsync("one place comes free", () => limits.Connections == 5);
        await using var third = await RawWebSocket.ConnectFromAsync(_third, server.HttpAddress);
        await pair.AssertStillRelayingAsync();
        foreach (var socket in held)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task PerAddress_BehindAKnownProxy_CountsTheForwardedClientNotTheProxy()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.KnownProxies = ["127.0.0.1"];
            o.ConnectionLimits.PerAddress = 2;
        });
        var held = new List<RawWebSocket>();
        for (var i = 0; i < 2; i++)
        {
            held.Add(await ConnectForwardedAsync(server, _attacker, "203.0.113.7"));
        }

        Assert.StartsWith("HTTP/1.1 503", await AnswerFromAsync(server, _attacker, "X-Forwarded-For: 203.0.113.7\r\n"), StringComparison.Ordinal);
        // Another client behind the same proxy has a count of its own.
        held.Add(await ConnectForwardedAsync(server, _attacker, "203.0.113.8"));
        Assert.Equal(2, Limits(server).ConnectionsOf(IPAddress.Parse("203.0.113.7")));
        Assert.Equal(0, Limits(server).ConnectionsOf(_attacker));
        foreach (var socket in held)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task PerAddress_ForgedForwardedFor_IsNotBelievedAndCountsTheSocketPeer()
    {
        await using var server = await StartServerAsync(o => o.ConnectionLimits.PerAddress = 2);
        await using var first = await ConnectForwardedAsync(server, _attacker, "198.51.100.1");
        await using var second = await ConnectForwardedAsync(server, _attacker, "198.51.100.2");

        // No KnownProxies: whatever a client writes in X-Forwarded-For, it is counted as the address it connects from.
        Assert.StartsWith("HTTP/1.1 503", await AnswerFromAsync(server, _attacker, "X-Forwarded-For: 198.51.100.3\r\n"), StringComparison.Ordinal);
        Assert.Equal(2, Limits(server).ConnectionsOf(_attacker));
    }

    private static async Task<RawWebSocket> ConnectForwardedAsync(TestServer server, IPAddress source, string forwardedFor)
    {
        var socket = await RawWebSocket.OpenFromAsync(source, server.HttpAddress);
        await socket.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: $"X-Forwarded-For: {forwardedFor}\r\n"));
        await socket.ExpectUpgradeAsync();
        return socket;
    }

    private static ConnectionLimits Limits(TestServer server) => server.Services.GetRequiredService<ConnectionLimits>();

    private static IReadOnlyDictionary<string, long> Handshakes(TestServer server) => server.Services.GetRequiredService<SwitchboardMetrics>().Snapshot().Handshakes;

    private static async Task<string> AnswerFromAsync(TestServer server, IPAddress source, string extraHeaders = "")
    {
        await using var raw = await RawWebSocket.OpenFromAsync(source, server.HttpAddress);
        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: extraHeaders));
        return await raw.ReadResponseHeadAsync();
    }
}
