using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Connections;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// What waits for an absent peer is bounded by count and by bytes; a message that does not fit is
/// refused and its sender told (<c>peer-unavailable</c>), never dropped silently; what fitted arrives
/// on resume, in order.
/// </summary>
public abstract class ResumeBufferTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : ResumeBufferTests(WayIn.Direct);

    public sealed class Pipeline() : ResumeBufferTests(WayIn.Pipeline);

    [Theory]
    [InlineData(16, "count")]
    [InlineData(1000, "bytes")]
    public async Task Flood_AbsentPeer_SenderGetsPeerUnavailableOnceFullAndResumeGetsTheBufferedInOrder(int payloadLength, string limit)
    {
        const int Sent = 40;
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var absent = await server.ConnectAsync();
        var (roomId, absentId, token) = await Seat.CreateRoomAsync(absent);
        await using var sender = await server.ConnectAsync();
        await sender.JoinAsync(roomId);
        await absent.ExpectAsync("peerJoined");
        absent.Abort();
        await Seat.ExpectNoticeAsync(sender, "peerDisconnected", roomId, absentId);
        var payload = new string('x', payloadLength);

        for (var i = 0; i < Sent; i++)
        {
            await sender.SendAsync(i % 2 == 0 ? new { type = "candidate", roomId, to = absentId, n = i, payload } : new { type = "candidate", roomId, n = i, payload });
        }

        await sender.SendAsync(new { type = "ping" });
        var refused = 0;
        for (JsonObject answer; (string?)(answer = await sender.ReceiveAsync())["type"] != "pong";)
        {
            Assert.Equal("error", (string?)answer["type"]);
            Assert.Equal("peer-unavailable", (string?)answer["code"]);
            Assert.Equal(roomId, (string?)answer["roomId"]);
            Assert.Equal(absentId, (string?)answer["peerId"]);
            Assert.False(string.IsNullOrEmpty((string?)answer["payload"]));
            refused++;
        }

        var kept = Sent - refused;
        Assert.InRange(kept, 1, Seat.BufferLimit);
        if (limit == "count")
        {
            Assert.Equal(Seat.BufferLimit, kept);
        }
        else
        {
            Assert.InRange(kept * payloadLength, 1, Seat.BufferByteLimit);
            Assert.True(kept < Seat.BufferLimit, $"{kept} messages of {payloadLength} bytes: the byte limit did not apply");
        }

        var (back, resumed) = await Seat.ResumeAsync(server, token);
        await using var _ = back;
        Seat.AssertResumed(resumed);
        for (var i = 0; i < kept; i++)
        {
            var message = await back.ExpectAsync("candidate");
            Assert.Equal(i, (int)message["n"]!);
        }

        Assert.True(await back.NothingArrivesAsync(Seat.Quiet), "more arrived than the sender was told was kept");
        await Seat.ExpectNoticeAsync(sender, "peerReconnected", roomId, absentId);

        // Room again: the same sender is not refused once the peer is back.
        await sender.SendAsync(new { type = "candidate", roomId, to = absentId, n = Sent });
        Assert.Equal(Sent, (int)(await back.ExpectAsync("candidate"))["n"]!);
    }

    [Fact]
    public async Task BufferFull_BroadcastToARoomWithAnAbsentPeer_PresentMembersGetItAndTheSenderIsToldOfTheAbsentOne()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var sender = await server.ConnectAsync();
        var (roomId, _) = await sender.CreateRoomAsync(capacity: 3);
        await using var present = await server.ConnectAsync();
        await present.JoinAsync(roomId);
        await using var absent = await server.ConnectAsync();
        var absentId = (string)(await absent.JoinAsync(roomId))["peerId"]!;
        await sender.ExpectAsync("peerJoined");
        await sender.ExpectAsync("peerJoined");
        await present.ExpectAsync("peerJoined");
        absent.Abort();
        await Seat.ExpectNoticeAsync(sender, "peerDisconnected", roomId, absentId);
        await Seat.ExpectNoticeAsync(present, "peerDisconnected", roomId, absentId);
        for (var i = 0; i < Seat.BufferLimit; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, to = absentId, n = i });
        }

        await sender.SendAsync(new { type = "candidate", roomId, n = Seat.BufferLimit });

        var refused = await sender.ExpectAsync("error");
        Assert.Equal("peer-unavailable", (string?)refused["code"]);
        Assert.Equal(absentId, (string?)refused["peerId"]);
        Assert.Equal(roomId, (string?)refused["roomId"]);
        Assert.Equal(Seat.BufferLimit, (int)(await present.ExpectAsync("candidate"))["n"]!);
        Assert.True(await sender.NothingArrivesAsync(Seat.Quiet), "one refusal per message and absent peer");
    }

    [Fact]
    public async Task BufferBytes_OneMessageLargerThanTheLimit_RefusedAndASmallerOneAfterItStillWaits()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var absent = await server.ConnectAsync();
        var (roomId, absentId, token) = await Seat.CreateRoomAsync(absent);
        await using var sender = await server.ConnectAsync();
        await sender.JoinAsync(roomId);
        await absent.ExpectAsync("peerJoined");
        absent.Abort();
        await Seat.ExpectNoticeAsync(sender, "peerDisconnected", roomId, absentId);

        await sender.SendAsync(new { type = "offer", roomId, to = absentId, n = 1, payload = new string('x', Seat.BufferByteLimit + 1) });
        Assert.Equal("peer-unavailable", (string?)(await sender.ExpectAsync("error"))["code"]);
        await Seat.SendSettledAsync(sender, new { type = "candidate", roomId, to = absentId, n = 2 });

        var (back, resumed) = await Seat.ResumeAsync(server, token);
        await using var _ = back;
        Seat.AssertResumed(resumed);
        Assert.Equal(2, (int)(await back.ExpectAsync("candidate"))["n"]!);
        Assert.True(await back.NothingArrivesAsync(Seat.Quiet));
    }

    [Fact]
    public async Task Flood_ManyMegabytesAtAnAbsentPeer_ServerMemoryStaysBounded()
    {
        const int Sent = 4000;
        const int PayloadLength = 16 * 1024;
        await using var server = await StartServerAsync(o =>
        {
            // The defaults (256 messages, 256 KiB) against 64 MB of messages.
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var absent = await server.ConnectAsync();
        var (roomId, absentId, token) = await Seat.CreateRoomAsync(absent);
        await using var sender = await server.ConnectAsync();
        await sender.JoinAsync(roomId);
        await absent.ExpectAsync("peerJoined");
        absent.Abort();
        await Seat.ExpectNoticeAsync(sender, "peerDisconnected", roomId, absentId);
        var payload = new string('x', PayloadLength);
        var before = HeapAfterCollection();

        // The answers are counted as they come so this process does not hold 4000 of them itself.
        var refused = 0;
        var counting = Task.Run(async () =>
        {
            while ((string?)(await sender.ReceiveAsync())["type"] == "error")
            {
                refused++;
            }
        });
        for (var i = 0; i < Sent; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, to = absentId, n = i, payload });
        }

        await sender.SendAsync(new { type = "ping" });
        await counting.WaitAsync(TimeSpan.FromSeconds(60));
        var grown = HeapAfterCollection() - before;

        // What the seat keeps is counted in the server's budget for clients that are behind; the seat
        // is the only one here, and it may hold the default 256 KiB.
        var backlog = server.Services.GetRequiredService<SendBacklogBudget>();
        Assert.InRange(backlog.Held, 1, 256 * 1024);
        Assert.InRange(Sent - refused, 1, 256);
        Assert.InRange((Sent - refused) * PayloadLength, 1, 256 * 1024);

        // A coarse check of the same from outside the server's own accounting: 64 MB went at the seat.
        // Loose, because other tests' servers run in this process meanwhile.
        Assert.True(grown < 48L * 1024 * 1024, $"the managed heap grew {grown / 1024} KiB while 64 MB was sent to an absent peer");

        var (back, resumed) = await Seat.ResumeAsync(server, token);
        await using var _ = back;
        Seat.AssertResumed(resumed);
        for (var i = 0; i < Sent - refused; i++)
        {
            Assert.Equal(i, (int)(await back.ExpectAsync("candidate"))["n"]!);
        }

        await Retry.UntilAsync("the delivered messages are no longer held", () => backlog.Held == 0);
    }

    private static long HeapAfterCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
