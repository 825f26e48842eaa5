using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Server.Protocol;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// What a hostile client does to the transport, over real sockets and on both ways in: floods of pings,
/// floods it never reads the answers to, a reader that takes a trickle, headers announcing absurd
/// lengths, upgrades in a protocol version WebSockets do not run on. Each costs that client only.
/// </summary>
public abstract class HostileClientTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : HostileClientTests(WayIn.Direct);

    public sealed class Pipeline() : HostileClientTests(WayIn.Pipeline);

    [Fact]
    public async Task PingFlood_ThousandPingsInOneWrite_FewerPongsAndTheLastAnswersTheLastPing()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var flood = Enumerable.Range(0, 1000).SelectMany(i => RawWebSocket.Frame(RawWebSocket.Ping, Encoding.ASCII.GetBytes($"ping {i}"))).ToArray();

        await raw.SendBytesAsync(flood);
        await raw.SendTextAsync("""{"type":"ping"}""");

        // RFC 6455 §5.5.3: a pong may answer only the latest ping. One pong waits at a time, so a flood
        // cannot make the server hold (or write) a pong per ping.
        var pongs = new List<string>();
        while (true)
        {
            var (opcode, payload) = await raw.ReadFrameAsync().DefaultTimeout();
            if (opcode == RawWebSocket.Text)
            {
                Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString(payload));
                break;
            }

            Assert.Equal(RawWebSocket.Pong, opcode);
            pongs.Add(Encoding.ASCII.GetString(payload));
        }

        Assert.InRange(pongs.Count, 1, 100);
        Assert.Equal("ping 999", pongs[^1]);
    }

    [Fact]
    public async Task Flood_ClientNeverReadsItsAnswers_IsThrottledNotClosedAndLosesNothing()
    {
        // A queue limit far below what the flood produces: a server that kept reading would overflow it
        // (4008). One that stops reading a client whose output is blocked never queues more than a turn.
        const int Requests = 300_000;
        // The flood must reach the server's reading, not its message limit, which would refuse it and then
        // close it (MessageRateLimitTests): the limit is off here.
        await using var server = await StartServerAsync(o =>
        {
            o.SendQueueLimit = 1000;
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var request = RawWebSocket.Frame(RawWebSocket.Text, """{"type":"createRoom","capacity":1}"""u8);
        var batch = Enumerable.Repeat(request, 1000).SelectMany(f => f).ToArray();
        long sent = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Requests / 1000; i++)
            {
                await raw.WriteAsync(batch, stop.Token);
                Interlocked.Add(ref sent, 1000);
            }
        });

        // Wait until the writer is stuck behind the server (or done): the answers are ~35 MB, more than
        // the kernel buffers on both ends hold.
        var seen = -1L;
        await Retry.UntilAsync("the flood stalls or ends", () =>
        {
            var now = Interlocked.Read(ref sent);
            var stalled = now == seen;
            seen = now;
            return writer.IsCompleted || stalled;
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        await pair.AssertStillRelayingAsync();

        var answers = 0;
        while (answers < Requests)
        {
            var (opcode, payload) = await raw.ReadFrameAsync().DefaultTimeout();
            Assert.True(opcode == RawWebSocket.Text, $"after {answers} answers: opcode {opcode} {Encoding.UTF8.GetString(payload)}");
            answers++;
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        await raw.SendTextAsync("""{"type":"ping"}""");
        Assert.Contains("pong", Encoding.UTF8.GetString((await raw.ReadFrameAsync().DefaultTimeout()).Payload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowReader_ReadsOftenButFallsFurtherBehind_IsDroppedOnceSendTimeoutPasses()
    {
        // A queue large enough that only the time rule can end it within the test.
        await using var server = await StartServerAsync(o =>
        {
            o.SendTimeout = TimeSpan.FromSeconds(1);
            o.SendQueueLimit = 1_000_000;
            o.SendQueueByteLimit = 256 * 1024 * 1024;
            o.TotalSendQueueByteLimit = 512 * 1024 * 1024;

            // The sender must outrun the reader for as long as the test takes; its message limit would
            // refuse it after the burst (and close it as a flood), so it is off here.
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var sender = await server.ConnectAsync();
        var (roomId, _) = await sender.CreateRoomAsync();
        await using var slow = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await slow.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var slowId = (string)(await sender.ExpectAsync("peerJoined"))["peerId"]!;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var filler = new string('x', 4000);
        var flood = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await sender.SendTextAsync($$"""{"type":"candidate","roomId":"{{roomId}}","payload":"{{filler}}"}""");
            }
        });
        var reader = Task.Run(async () =>
        {
            // A megabyte every 200 ms: each read frees the socket for a moment, so no single write waits
            // long, yet the reader falls further behind the sender all the time.
            var buffer = new byte[1024 * 1024];
            while (true)
            {
                for (var taken = 0; taken < buffer.Length;)
                {
                    var count = await slow.ReadSomeAsync(buffer.AsMemory(taken), stop.Token);
                    if (count == 0)
                    {
                        return;
                    }

                    taken += count;
                }

                await Task.Delay(200, stop.Token);
            }
        });

        var left = await sender.ExpectAsync("peerLeft", TimeSpan.FromSeconds(20));

        Assert.Equal(slowId, (string)left["peerId"]!);
        Assert.Contains(server.Logs.Entries, e => e.EventName == "SendTimedOut");
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventName == "SlowConsumer");
        await stop.CancelAsync();
        await Task.WhenAll(flood, reader).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task FragmentedMessage_ThenALargerMessageInOneFrame_BothAreRelayed()
    {
        await using var server = await StartServerAsync();
        await using var receiver = await server.ConnectAsync();
        var (roomId, _) = await receiver.CreateRoomAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await raw.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        Assert.Contains("joined", Encoding.UTF8.GetString((await raw.ReadFrameAsync().DefaultTimeout()).Payload), StringComparison.Ordinal);
        await receiver.ExpectAsync("peerJoined");
        var first = Encoding.UTF8.GetBytes($$"""{"type":"candidate","roomId":"{{roomId}}","payload":"{{new string('a', 40_000)}}"}""");
        var second = Encoding.UTF8.GetBytes($$"""{"type":"candidate","roomId":"{{roomId}}","payload":"{{new string('b', 40_000)}}"}""");

        // 40 kB in three fragments, then 40 kB in one frame: each is under the 64 kB limit on its own.
        await raw.SendFrameAsync(RawWebSocket.Text, first.AsMemory(0, 15_000), fin: false);
        await raw.SendFrameAsync(RawWebSocket.Continuation, first.AsMemory(15_000, 15_000), fin: false);
        await raw.SendFrameAsync(RawWebSocket.Continuation, first.AsMemory(30_000));
        await raw.SendFrameAsync(RawWebSocket.Text, second);

        Assert.Equal(new string('a', 40_000), (string?)(await receiver.ExpectAsync("candidate"))["payload"]);
        Assert.Equal(new string('b', 40_000), (string?)(await receiver.ExpectAsync("candidate"))["payload"]);
    }

    [Fact]
    public async Task FrameHeader_AnnouncingTwoToTheSixtySecondBytes_ClosesWith1009AtOnce()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var header = new byte[14];
        header[0] = 0x80 | RawWebSocket.Text;
        header[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), 1UL << 62);

        await raw.SendBytesAsync(header);

        Assert.Equal(1009, await raw.ReadUntilCloseAsync());
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Upgrade_Http10_IsRefusedWith400()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);
        var request = RawWebSocket.UpgradeRequest(server.HttpAddress).Replace("HTTP/1.1", "HTTP/1.0", StringComparison.Ordinal);

        await raw.SendRawAsync(request);

        var head = await raw.ReadResponseHeadAsync();
        Assert.Matches("^HTTP/1\\.[01] 400 ", head);
        Assert.Equal(0, server.Stats.Connections);
    }

    [Fact]
    public async Task PartialMessages_OverTheSharedBudget_TheOneThatNeedsMoreGets1013AndOthersCarryOn()
    {
        // 512-byte messages; 2 kB for all partial ones together: four half-sent frames fill it.
        await using var server = await StartServerAsync(o =>
        {
            o.MaxMessageSize = 512;
            o.PartialMessageByteLimit = 2048;
        });
        await using var pair = await RelayingPair.StartAsync(server);
        var frame = RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"pad\":\"" + new string('x', 470) + "\"}"));
        var holders = new List<RawWebSocket>();
        for (var i = 0; i < 4; i++)
        {
            var holder = await RawWebSocket.ConnectAsync(server.HttpAddress);
            holders.Add(holder);
            await holder.SendBytesAsync(frame.AsMemory(0, 400));
        }

        await Retry.UntilAsync("the four partial frames are held", () => server.ReceiveBudgetHeld == 2048);
        await using var fifth = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await fifth.SendBytesAsync(frame.AsMemory(0, 400));

        Assert.Equal(1013, await fifth.ReadUntilCloseAsync());
        await pair.AssertStillRelayingAsync();
        await holders[0].SendBytesAsync(frame.AsMemory(400));
        Assert.Contains("pong", Encoding.UTF8.GetString((await holders[0].ReadFrameAsync().DefaultTimeout()).Payload), StringComparison.Ordinal);
        await Retry.UntilAsync("the completed frame's buffer is returned", () => server.ReceiveBudgetHeld == 1536);
        foreach (var holder in holders)
        {
            await holder.DisposeAsync();
        }

        await Retry.UntilAsync("every partial frame's buffer is returned", () => server.ReceiveBudgetHeld == 0);
    }
}
