using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// ROBUSTNESS.md C, bad inputs 5 (handshake) and the compression part of 4: requests a scanner or a
/// broken client sends to the WebSocket path. Each gets a clean HTTP refusal (never a 101 it should not
/// get, never a 5xx, never a hang), the server logs no error, and a pair keeps relaying meanwhile. On
/// the direct path each of these is one the narrow handshake parser leaves to Kestrel, so these tests
/// also pin down that hand-over.
/// </summary>
public abstract class HandshakeAbuseTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : HandshakeAbuseTests(WayIn.Direct);

    public sealed class Pipeline() : HandshakeAbuseTests(WayIn.Pipeline);

    /// <summary>The ws library's CVE-2024-37890: a crash on an upgrade with more headers than it expected.</summary>
    [Fact]
    public async Task Upgrade_TwoThousandHeaders_Gets431AndServerRelays()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var headers = string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-H{i}: {i}\r\n"));

        var head = await SendRequestAsync(server, RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: headers));

        Assert.StartsWith("HTTP/1.1 431", head, StringComparison.Ordinal);
        await pair.AssertStillRelayingAsync();
    }

    [Theory]
    [InlineData("/ws/PAD")]
    [InlineData("/ws?q=PAD")]
    [InlineData("/?access_token=PAD")]
    public async Task Upgrade_UrlOverKestrelsRequestLineLimit_Gets414AndServerRelays(string target)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        var head = await SendRequestAsync(server, RawWebSocket.UpgradeRequest(server.HttpAddress, target.Replace("PAD", new string('a', 16 * 1024), StringComparison.Ordinal)));

        Assert.StartsWith("HTTP/1.1 414", head, StringComparison.Ordinal);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>A query the size of a large JWT (issue 11 passes tokens as <c>access_token</c>) must still upgrade.</summary>
    [Fact]
    public async Task Upgrade_FourKilobyteQuery_StillUpgradesAndRelays()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);

        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, "/ws?access_token=" + new string('a', 4096)));
        await raw.ExpectUpgradeAsync();

        await raw.SendTextAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString((await raw.ReadFrameAsync().DefaultTimeout()).Payload));
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>
    /// Requests to the WebSocket path that are not a WebSocket handshake: other methods, and an Upgrade
    /// header without the Connection token (or the reverse). Each is a 4xx, never a 101 or a 5xx.
    /// </summary>
    [Theory]
    [InlineData("POST /ws HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"type\":\"ping\"}")]
    [InlineData("PUT /ws HTTP/1.1\r\nHost: HOST\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("DELETE /ws HTTP/1.1\r\nHost: HOST\r\n\r\n")]
    [InlineData("OPTIONS /ws HTTP/1.1\r\nHost: HOST\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: HOST\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("POST /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")]
    public async Task Request_NotAWebSocketHandshakeOnTheWebSocketPath_Gets4xx(string request)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        var head = await SendRequestAsync(server, request.Replace("HOST", server.HttpAddress.Authority, StringComparison.Ordinal));

        Assert.Matches("^HTTP/1.1 4[0-9][0-9] ", head);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>
    /// engine.io #658: a scanner's h2c upgrade (<c>Upgrade: h2c</c> with HTTP2-Settings) crashed the
    /// server. Here it is an HTTP/1.1 request like any other: answered in HTTP/1.1, never switched.
    /// </summary>
    [Theory]
    [InlineData("/ws")]
    [InlineData("/")]
    public async Task Request_H2cUpgradeScan_IsAnsweredInHttp11WithoutSwitching(string path)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        var head = await SendRequestAsync(
            server,
            $"GET {path} HTTP/1.1\r\nHost: {server.HttpAddress.Authority}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

        Assert.Matches("^HTTP/1.1 [24][0-9][0-9] ", head);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>The same scan with both tokens, websocket and h2c: the WebSocket is taken (RFC 7230 lets the server pick) or refused, nothing else.</summary>
    [Fact]
    public async Task Upgrade_OfferingH2cBesideWebSocket_IsEitherAWebSocketOrRefused()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        var head = await SendRequestAsync(
            server,
            RawWebSocket.UpgradeRequest(server.HttpAddress).Replace("Upgrade: websocket", "Upgrade: h2c, websocket", StringComparison.Ordinal));

        Assert.Matches("^HTTP/1.1 (101|4[0-9][0-9]) ", head);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>HTTP/2 with prior knowledge on an endpoint that speaks only HTTP/1.1: refused cleanly, the socket ends.</summary>
    [Fact]
    public async Task Connection_Http2PrefaceOnHttp11OnlyEndpoint_IsEndedCleanly()
    {
        await using var server = await StartServerAsync(HttpProtocols.Http1);
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);

        await raw.SendRawAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

        Assert.True(await raw.ServerClosedTcpAsync());
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>
    /// The permessage-deflate bomb needs compression negotiated: Switchboard never agrees to it, and a
    /// frame that claims to be compressed anyway (RSV1) is a protocol error, so nothing is ever inflated.
    /// </summary>
    [Fact]
    public async Task Upgrade_OfferingPermessageDeflate_IsNotNegotiatedAndACompressedFrameGets1002()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);

        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
        await raw.ExpectUpgradeAsync();
        await raw.SendBytesAsync(RawWebSocket.Frame(RawWebSocket.Text, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], reservedBits: 0b100));

        Assert.DoesNotContain("Sec-WebSocket-Extensions", raw.ResponseHead, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1002, await raw.ReadUntilCloseAsync());
        await pair.AssertStillRelayingAsync();
    }

    private static async Task<string> SendRequestAsync(TestServer server, string request)
    {
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);
        await raw.SendRawAsync(request);
        return await raw.ReadResponseHeadAsync();
    }
}
