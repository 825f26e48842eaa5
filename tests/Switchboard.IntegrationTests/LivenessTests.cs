using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Peers that vanish are found by keep-alive and removed; their rooms are told.</summary>
public abstract class LivenessTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : LivenessTests(WayIn.Direct);

    public sealed class Pipeline() : LivenessTests(WayIn.Pipeline);

    private static void FastKeepAlive(Switchboard.Server.SwitchboardOptions options)
    {
        options.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        options.KeepAliveTimeout = TimeSpan.FromMilliseconds(600);

        // A dead peer leaves at once only with resume off; Seats/ covers the grace period.
        options.ResumeGracePeriod = TimeSpan.Zero;
    }

    [Fact]
    public async Task KeepAlive_PeerStopsAnsweringWithoutCloseFrame_PartnerGetsPeerLeft()
    {
        await using var server = await StartServerAsync(FastKeepAlive);
        await using var partner = await server.ConnectAsync();
        var (roomId, _) = await partner.CreateRoomAsync();
        // A raw client that joins and then never reads again: it answers no ping, sends no close.
        await using var silent = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await silent.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var silentId = (string)(await partner.ExpectAsync("peerJoined"))["peerId"]!;

        var left = await partner.ExpectAsync("peerLeft");

        Assert.Equal(silentId, (string)left["peerId"]!);
        await Retry.UntilAsync("the silent peer is removed", () => server.Stats.Connections == 1 && server.Stats.Peers == 1);
    }

    [Fact]
    public async Task KeepAlive_ResponsiveIdlePeer_StaysConnected()
    {
        // Frequent pings, but a timeout generous enough that a test machine busy with browsers cannot
        // starve a responsive client past it: this test is about pings being answered, not about speed.
        await using var server = await StartServerAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(250);
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1.5);
        });
        await using var pair = await RelayingPair.StartAsync(server);

        // Twice interval + timeout passes; a client that answers pings (every WebSocket library does) stays.
        Assert.True(await pair.A.NothingArrivesAsync(TimeSpan.FromSeconds(3.5)));

        await pair.AssertStillRelayingAsync();
        Assert.Equal(2, server.Stats.Connections);
    }

    [Fact]
    public async Task Disconnect_TcpDroppedWithoutCloseFrame_PartnerGetsPeerLeftAtOnce()
    {
        await using var server = await StartServerAsync(o => o.ResumeGracePeriod = TimeSpan.Zero);
        await using var partner = await server.ConnectAsync();
        var (roomId, _) = await partner.CreateRoomAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await raw.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        await partner.ExpectAsync("peerJoined");

        raw.Vanish();

        await partner.ExpectAsync("peerLeft");
        await Retry.UntilAsync("the dropped peer is removed", () => server.Stats.Connections == 1);
    }

    [Fact]
    public async Task Shutdown_ServerStops_ClientsGet1012ServiceRestart()
    {
        var server = await StartServerAsync();
        var client = await server.ConnectAsync();
        await client.CreateRoomAsync();

        await server.StopAsync();

        await client.Closed.DefaultTimeout();
        Assert.Equal((WebSocketCloseStatus)1012, client.CloseStatus);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }
}
