using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The same guarantees when upgrades go through Kestrel's HTTP pipeline (<c>DirectWebSockets</c> off, or
/// HTTPS endpoints, where the direct path cannot look inside).
/// </summary>
public sealed class HttpPipelineTests
{
    private static Task<TestServer> StartAsync(Action<Switchboard.Server.SwitchboardOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.DirectWebSockets = false;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task HttpPipeline_SeedFlow_RelaysWithFrom()
    {
        await using var server = await StartAsync();
        await using var creator = await server.ConnectAsync("/");
        await using var joiner = await server.ConnectAsync("/");
        var (roomId, creatorId) = await creator.CreateRoomAsync();

        await joiner.SendAsync(new { type = "offer", roomId, payload = "sdp" });
        var joinerId = (string)(await creator.ExpectAsync("peerJoined"))["peerId"]!;
        Assert.Equal(joinerId, (string)(await creator.ExpectAsync("offer"))["from"]!);
        await creator.SendAsync(new { type = "answer", roomId, payload = "sdp" });
        Assert.Equal(creatorId, (string)(await joiner.ExpectAsync("answer"))["from"]!);
    }

    [Fact]
    public async Task HttpPipeline_OversizedMessage_ClosesWith1009()
    {
        await using var server = await StartAsync(o => o.MaxMessageSize = 1024);
        await using var pair = await RelayingPair.StartAsync(server);
        await using var offender = await server.ConnectAsync();

        await offender.SendTextAsync("{\"type\":\"x\",\"p\":\"" + new string('a', 2000) + "\"}");

        await offender.Closed.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, offender.CloseStatus);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task HttpPipeline_InvalidUtf8_ClosesWith1007()
    {
        await using var server = await StartAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Text, new byte[] { (byte)'"', 0xFF, (byte)'"' });

        Assert.Equal(1007, await raw.ReadUntilCloseAsync());
    }

    [Fact]
    public async Task HttpPipeline_SilentPeer_IsDroppedByKeepAlive()
    {
        await using var server = await StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(600);
        });
        await using var partner = await server.ConnectAsync();
        var (roomId, _) = await partner.CreateRoomAsync();
        await using var silent = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await silent.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        await partner.ExpectAsync("peerJoined");

        await partner.ExpectAsync("peerLeft");
    }

    [Fact]
    public async Task HttpPipeline_ServerStops_ClientsGet1001()
    {
        var server = await StartAsync();
        var client = await server.ConnectAsync();

        await server.StopAsync();

        await client.Closed.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }
}
