using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// A client that stops reading for a while fills its socket; what the server still has for it waits in
/// its queue, and once the client reads again it gets everything, in order, exactly once.
/// </summary>
public abstract class BackpressureTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : BackpressureTests(WayIn.Direct);

    public sealed class Pipeline() : BackpressureTests(WayIn.Pipeline);

    [Fact]
    public async Task Backpressure_ReaderPausesWhileMegabytesArrive_GetsEverythingInOrderAfterwards()
    {
        const int count = 10_000;
        await using var server = await StartServerAsync(o =>
        {
            o.SendQueueLimit = 2 * count;
            o.SendQueueByteLimit = 64 * 1024 * 1024;

            // 10 000 messages in a row from one sender, far past its default burst: this test is about
            // the writer waiting for the socket, not the sender's message limit (MessageRateLimitTests).
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var sender = await TestClient.ConnectAsync(server.WebSocketAddress);
        var (roomId, _) = await sender.CreateRoomAsync();
        await using var reader = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await reader.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        Assert.Contains("\"joined\"", await ReadTextAsync(reader));
        await sender.ExpectAsync("peerJoined");
        var filler = new string('x', 2000);

        // About 20 MB while the reader reads nothing: far beyond what the kernel buffers on loopback, so
        // the server's writes must stop, wait for the socket, and resume.
        for (var i = 0; i < count; i++)
        {
            await sender.SendTextAsync($$$"""{"type":"candidate","roomId":"{{{roomId}}}","payload":{"seq":{{{i}}},"filler":"{{{filler}}}"}}""");
        }

        for (var i = 0; i < count; i++)
        {
            var message = JsonNode.Parse(await ReadTextAsync(reader))!;
            Assert.Equal(i, (int)message["payload"]!["seq"]!);
        }

        await sender.SendAsync(new { type = "ping" });
        await sender.ExpectAsync("pong");
    }

    private static async Task<string> ReadTextAsync(RawWebSocket raw)
    {
        var (opcode, payload) = await raw.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Text, opcode);
        return Encoding.UTF8.GetString(payload);
    }
}
