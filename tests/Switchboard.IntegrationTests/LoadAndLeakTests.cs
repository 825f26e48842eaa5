using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Nothing leaks and nothing is lost under many clients and concurrent senders.</summary>
public abstract class LoadAndLeakTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : LoadAndLeakTests(WayIn.Direct);

    public sealed class Pipeline() : LoadAndLeakTests(WayIn.Pipeline);

    [Fact]
    public async Task Churn_ThousandClientsCreateJoinRelayAndDisconnect_ServerEndsWithZeroRoomsAndPeers()
    {
        // A thousand connections from one address within a few seconds is a load generator, not people: the
        // connect rate per address (32 a second after a burst of 128) would refuse most of them.
        await using var server = await StartServerAsync(o =>
        {
            o.ConnectionLimits.NewPerSecond = 100_000;
            o.ConnectionLimits.NewBurst = 100_000;

            // Vanished members keep their seats briefly: the end state is reached through the expiry path.
            o.ResumeGracePeriod = TimeSpan.FromMilliseconds(100);
        });
        const int Pairs = 500;
        const int Batch = 25;
        for (var start = 0; start < Pairs; start += Batch)
        {
            await Task.WhenAll(Enumerable.Range(start, Batch).Select(RunPairAsync));
        }

        await Retry.UntilAsync(
            "every room and peer is gone",
            () => server.Stats.Rooms == 0 && server.Stats.Peers == 0 && server.Stats.Connections == 0,
            TimeSpan.FromSeconds(20));

        async Task RunPairAsync(int index)
        {
            var a = await server.ConnectAsync();
            var b = await server.ConnectAsync();
            var (roomId, _) = await a.CreateRoomAsync();
            // Half join the tutorial's way, half with join.
            if (index % 2 == 0)
            {
                await b.SendAsync(new { type = "offer", roomId, payload = "sdp" });
                await a.ExpectAsync("peerJoined");
                await a.ExpectAsync("offer");
            }
            else
            {
                await b.JoinAsync(roomId);
                await a.ExpectAsync("peerJoined");
            }

            await a.SendAsync(new { type = "answer", roomId, payload = "sdp" });
            await b.ExpectAsync("answer");

            // A quarter each: both close cleanly, both vanish, one of each.
            switch (index % 4)
            {
                case 0:
                    await a.CloseAsync();
                    await b.CloseAsync();
                    break;
                case 1:
                    a.Abort();
                    b.Abort();
                    break;
                default:
                    b.Abort();
                    await a.ExpectAsync("peerDisconnected");
                    await a.ExpectAsync("peerLeft");
                    await a.CloseAsync();
                    break;
            }

            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// <summary>With one loop, with one per core, and with more loops than cores: senders on other loops than the receiver's.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Concurrency_FiftySendersIntoOneReceiver_NothingLostNothingReordered(int ioThreads)
    {
        const int Senders = 50;
        const int PerSender = 100;
        await using var server = await StartServerAsync(o =>
        {
            o.MaxRoomCapacity = 64;
            o.IoThreads = ioThreads;

            // All 5 000 messages may be queued for the receiver at once on a machine busy with other tests;
            // this test is about order and loss, not the slow-consumer limit (LoadAndLeakTests.SlowConsumer_…).
            o.SendQueueLimit = 2 * Senders * PerSender;
        });
        await using var receiver = await server.ConnectAsync();
        var (roomId, receiverId) = await receiver.CreateRoomAsync(capacity: Senders + 1);
        var senders = new List<TestClient>();
        for (var i = 0; i < Senders; i++)
        {
            var sender = await server.ConnectAsync();
            await sender.JoinAsync(roomId);
            senders.Add(sender);
        }

        for (var i = 0; i < Senders; i++)
        {
            await receiver.ExpectAsync("peerJoined");
        }

        await Task.WhenAll(senders.Select((sender, s) => Task.Run(async () =>
        {
            for (var n = 0; n < PerSender; n++)
            {
                await sender.SendAsync(new { type = "candidate", roomId, to = receiverId, s, n });
            }
        })));

        var next = new int[Senders];
        for (var i = 0; i < Senders * PerSender; i++)
        {
            var message = await receiver.ExpectAsync("candidate");
            var s = (int)message["s"]!;
            Assert.Equal(next[s], (int)message["n"]!);
            next[s]++;
        }

        Assert.All(next, count => Assert.Equal(PerSender, count));
        Assert.Empty(receiver.Unparsable);
        await NPartyRoomTests.DisposeAllAsync(senders);
    }

    [Fact]
    public async Task SlowConsumer_NeverReads_IsDroppedAndTheRoomKeepsWorking()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.SendQueueLimit = 32;
            o.SendTimeout = TimeSpan.FromSeconds(2);
            o.CloseTimeout = TimeSpan.FromSeconds(1);

            // 1000 messages as fast as loopback carries them: past the default burst (600), and this test
            // is about the reader that never reads, not the sender's message limit (MessageRateLimitTests).
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var sender = await server.ConnectAsync();
        await using var reader = await server.ConnectAsync();
        var (roomId, _) = await sender.CreateRoomAsync(capacity: 3);
        await reader.JoinAsync(roomId);
        await sender.ExpectAsync("peerJoined");
        // Joins, then never reads a byte: its socket buffers fill, then its queue.
        await using var stuck = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await stuck.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var stuckId = (string)(await sender.ExpectAsync("peerJoined"))["peerId"]!;
        await reader.ExpectAsync("peerJoined");

        // 16 MB: more than the loopback socket buffers and the queue can hold for a peer that never reads.
        var payload = new string('x', 16 * 1024);
        const int Count = 1000;

        // In lock step, so the reader is never the slow one; the stuck peer falls behind and is dropped
        // (the reader is told, in between the candidates).
        string? leftPeer = null;
        for (var i = 0; i < Count; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, n = i, payload });
            var message = await reader.ReceiveAsync();
            if ((string?)message["type"] == "peerLeft")
            {
                leftPeer = (string)message["peerId"]!;
                message = await reader.ReceiveAsync();
            }

            Assert.Equal("candidate", (string?)message["type"]);
            Assert.Equal(i, (int)message["n"]!);
        }

        leftPeer ??= (string)(await reader.ExpectAsync("peerLeft"))["peerId"]!;
        Assert.Equal(stuckId, leftPeer);
        Assert.Equal(stuckId, (string)(await sender.ExpectAsync("peerLeft"))["peerId"]!);
        await sender.SendAsync(new { type = "candidate", roomId, payload = "after" });
        Assert.Equal("after", (string)(await reader.ExpectAsync("candidate"))["payload"]!);
        await Retry.UntilAsync("the stuck connection is gone", () => server.Stats.Connections == 2);
    }

    [Fact]
    public async Task SendTimeout_ClientStopsReadingWithRoomInItsQueue_IsDroppedByTheWatchdog()
    {
        await using var server = await StartServerAsync(o =>
        {
            // The queue never fills: only a write that cannot finish can end this connection.
            o.SendQueueLimit = 100_000;
            o.SendQueueByteLimit = 256 * 1024 * 1024;
            o.TotalSendQueueByteLimit = 256 * 1024 * 1024;
            o.SendTimeout = TimeSpan.FromSeconds(1);
        });
        await using var sender = await server.ConnectAsync();
        var (roomId, _) = await sender.CreateRoomAsync();
        await using var stuck = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await stuck.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var stuckId = (string)(await sender.ExpectAsync("peerJoined"))["peerId"]!;

        // Enough to fill the loopback socket buffers, so one write has to wait, and keeps waiting.
        var payload = new string('x', 64 * 1024 - 200);
        for (var i = 0; i < 400 && server.Stats.Peers == 2; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, payload });
        }

        Assert.Equal(stuckId, (string)(await sender.ExpectAsync("peerLeft"))["peerId"]!);
        await Retry.UntilAsync("the stuck connection is gone", () => server.Stats.Connections == 1);
    }
}
