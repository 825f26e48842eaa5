using System.Text;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// Upgrades taken straight from the socket, and everything that must still reach Kestrel's HTTP pipeline
/// through the same listener.
/// </summary>
public sealed class TransportTests
{
    [Fact]
    public async Task DirectTransport_PlainUpgrade_IsAnsweredWithoutTheHttpPipeline()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        // Kestrel adds Server and Date to every response it writes; the direct path writes only what RFC 6455 needs.
        Assert.DoesNotContain("Server: Kestrel", raw.ResponseHead, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sec-WebSocket-Accept: ", raw.ResponseHead, StringComparison.Ordinal);
        await raw.SendTextAsync("""{"type":"ping"}""");
        var (opcode, payload) = await raw.ReadFrameAsync().DefaultTimeout();
        Assert.Equal(RawWebSocket.Text, opcode);
        Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task HttpPipeline_DirectWebSocketsOff_UpgradesThroughKestrel()
    {
        await using var server = await TestServer.StartAsync(o => o.DirectWebSockets = false);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        Assert.Contains("Server: Kestrel", raw.ResponseHead, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DirectTransport_HandshakeArrivingInPieces_StillUpgrades()
    {
        await using var server = await TestServer.StartAsync();
        var request = RawWebSocket.UpgradeRequest(server.HttpAddress);

        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress, [request[..10], request[10..40], request[40..]], TimeSpan.FromMilliseconds(50));

        Assert.DoesNotContain("Server: Kestrel", raw.ResponseHead, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DirectTransport_UpgradeItLeavesToKestrel_IsStillServedByThePipeline()
    {
        await using var server = await TestServer.StartAsync();
        var manyHeaders = string.Concat(Enumerable.Range(0, 80).Select(i => $"X-Extra-{i}: {i}\r\n"));

        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress, [RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: manyHeaders)], TimeSpan.Zero);

        Assert.Contains("Server: Kestrel", raw.ResponseHead, StringComparison.OrdinalIgnoreCase);
        await raw.SendTextAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString((await raw.ReadFrameAsync().DefaultTimeout()).Payload));
    }

    [Fact]
    public async Task DirectTransport_HttpRequestThenUpgradeOnTheSameConnection_BothAreAnswered()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);

        await raw.SendRawAsync($"GET /ws HTTP/1.1\r\nHost: {server.HttpAddress.Authority}\r\n\r\n");
        var first = await raw.ReadResponseHeadAsync();
        var length = int.Parse(first.Split("\r\n").First(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await raw.ReadBodyAsync(length);
        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress));
        await raw.ExpectUpgradeAsync();

        Assert.StartsWith("HTTP/1.1 400", first, StringComparison.Ordinal);
        await raw.SendTextAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString((await raw.ReadFrameAsync().DefaultTimeout()).Payload));
    }

    [Fact]
    public async Task DirectTransport_ClientSilentAfterConnect_IsHandedToKestrelAndClosedThere()
    {
        await using var server = await TestServer.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200));
        await using var silent = await RawWebSocket.OpenAsync(server.HttpAddress);
        await using var pair = await RelayingPair.StartAsync(server);

        // Kestrel now owns the silent connection; the signaling path is unaffected meanwhile.
        await pair.AssertStillRelayingAsync();
        await silent.SendRawAsync($"GET /ws HTTP/1.1\r\nHost: {server.HttpAddress.Authority}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", await silent.ReadResponseHeadAsync(), StringComparison.Ordinal);
    }
}
