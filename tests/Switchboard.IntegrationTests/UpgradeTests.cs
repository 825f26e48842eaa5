using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The opening handshake, whichever way in it takes: RFC 6455 over HTTP/1.1, RFC 8441's extended CONNECT
/// over HTTP/2, and the answers a malformed upgrade gets.
/// </summary>
public abstract class UpgradeTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : UpgradeTests(WayIn.Direct);

    public sealed class Pipeline() : UpgradeTests(WayIn.Pipeline);

    [Fact]
    public async Task Upgrade_OverHttp2ExtendedConnect_RelaysLikeAnyOther()
    {
        await using var server = await StartServerAsync(HttpProtocols.Http2);
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var a = new ClientWebSocket();
        using var b = new ClientWebSocket();
        foreach (var socket in new[] { a, b })
        {
            socket.Options.HttpVersion = HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            await socket.ConnectAsync(server.WebSocketAddress, invoker, CancellationToken.None).DefaultTimeout();
        }

        await SendAsync(a, """{"type":"createRoom"}""");
        var roomId = System.Text.Json.Nodes.JsonNode.Parse(await ReceiveAsync(a))!["roomId"]!.ToString();
        await SendAsync(b, $$"""{"type":"join","roomId":"{{roomId}}"}""");
        Assert.Contains("\"joined\"", await ReceiveAsync(b), StringComparison.Ordinal);
        Assert.Contains("\"peerJoined\"", await ReceiveAsync(a), StringComparison.Ordinal);
        await SendAsync(b, $$"""{"type":"candidate","roomId":"{{roomId}}","payload":"over h2"}""");

        Assert.Contains("over h2", await ReceiveAsync(a), StringComparison.Ordinal);
        await a.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, a.CloseStatus);
    }

    [Fact]
    public async Task Upgrade_VersionOtherThan13_Gets426NamingTheSupportedVersion()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);

        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress).Replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", StringComparison.Ordinal));

        var head = await raw.ReadResponseHeadAsync();
        Assert.StartsWith("HTTP/1.1 426", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Version: 13", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Upgrade_KeyThatIsNotSixteenBytes_Gets400()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);
        var request = $"GET /ws HTTP/1.1\r\nHost: {server.HttpAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dG9vIHNob3J0\r\nSec-WebSocket-Version: 13\r\n\r\n";

        await raw.SendRawAsync(request);

        Assert.StartsWith("HTTP/1.1 400", await raw.ReadResponseHeadAsync(), StringComparison.Ordinal);
        Assert.Equal(0, server.Stats.Connections);
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).AsTask().DefaultTimeout();
            count += result.Count;
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
