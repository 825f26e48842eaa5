using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// When a seat ends: at the end of the grace period without a resume; at once on a clean close, a
/// <c>leave</c>, a protocol error or a slow-consumer close; never kept with resume turned off; and gone
/// with the rooms when the server restarts. Then the others get <c>peerLeft</c> and the token is dead.
/// </summary>
public abstract class SeatEndTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : SeatEndTests(WayIn.Direct);

    public sealed class Pipeline() : SeatEndTests(WayIn.Pipeline);

    [Fact]
    public async Task GraceExpiry_NoResume_OthersGetPeerLeftAndTheTokenFailsButTheConnectionWorks()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, bId);

        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        var away = System.Diagnostics.Stopwatch.StartNew();
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);

        // Not long before the grace period ends: the clock started when this notice arrived, not when
        // the server noticed the cut, so only a generous lower bound is safe on a busy machine.
        Assert.True(away.Elapsed >= Seat.Grace / 2, $"peerLeft {away.Elapsed} after peerDisconnected, with a grace period of {Seat.Grace}");
        var (late, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = late;
        Seat.AssertResumeFailed(answer);
        var again = await late.JoinAsync(roomId);
        var newId = (string)again["peerId"]!;
        Assert.NotEqual(bId, newId);
        Assert.Equal([aId], Seat.Peers(again));
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, newId);
        var (_, ownId) = await late.CreateRoomAsync();
        Assert.Equal(newId, ownId);
    }

    [Fact]
    public async Task GraceExpiry_LastMemberAway_RoomIsGoneAfterwards()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, _, token) = await Seat.CreateRoomAsync(a);

        a.Abort();

        // While the seat waits the room is kept for it; then both go.
        await Retry.UntilAsync("the server noticed the cut", () => server.Stats.Connections == 0);
        Assert.Equal(1, server.Stats.Rooms);
        await Retry.UntilAsync("the away seat's room is gone", () => server.Stats.Rooms == 0 && server.Stats.Peers == 0, timeout: Seat.Grace + TestTimeouts.Default);
        await using var late = await server.ConnectAsync();
        await late.SendAsync(new { type = "resume", token });
        Seat.AssertResumeFailed(await late.ReceiveAsync());
        await late.SendAsync(new { type = "join", roomId });
        await Seat.ExpectErrorAsync(late, "room-not-found");
    }

    [Fact]
    public async Task CleanClose_CloseFrameFromClient_PeerLeftAtOnceAndNoPeerDisconnected()
    {
        // A grace period far longer than the wait for peerLeft: only an ended seat can explain it.
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
        });
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");

        await b.CloseAsync();

        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);
        var (late, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = late;
        Seat.AssertResumeFailed(answer);
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet));
    }

    [Fact]
    public async Task Leave_ThenCut_PeerLeftOnceAndNothingAboutThePeerAfterwards()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
        });
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var bId = (string)(await b.JoinAsync(roomId))["peerId"]!;
        await a.ExpectAsync("peerJoined");

        await b.SendAsync(new { type = "leave", roomId });

        await b.ExpectAsync("left");
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);

        // It left the room: its connection's end is nothing the room hears about.
        b.Abort();
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet), "a notice about a peer that had left");
        Assert.Equal(1, server.Stats.Peers);
    }

    [Fact]
    public async Task ProtocolErrorClose_Frame1002_SeatEndsAtOnce()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
            o.CloseTimeout = TimeSpan.FromSeconds(1);
        });
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await raw.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var joined = await Seat.ReadJsonAsync(raw);
        var rawId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, rawId);

        await raw.SendBytesAsync(RawWebSocket.Frame(RawWebSocket.Text, "{}"u8, reservedBits: 0b100));

        Assert.Equal(1002, await raw.ReadUntilCloseAsync());
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, rawId);
        var (late, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = late;
        Seat.AssertResumeFailed(answer);
    }

    [Fact]
    public async Task ResumeOff_GraceZero_NoResumeTokenAndACutIsPeerLeftAtOnce()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.Zero;
        });
        await using var a = await server.ConnectAsync();
        await a.SendAsync(new { type = "createRoom" });
        var created = await a.ExpectAsync("roomCreated");
        var roomId = (string)created["roomId"]!;
        await using var b = await server.ConnectAsync();

        var joined = await b.JoinAsync(roomId);

        Assert.False(created.ContainsKey("resumeToken"), created.ToJsonString());
        Assert.False(joined.ContainsKey("resumeToken"), joined.ToJsonString());
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);
        await Retry.UntilAsync("the cut peer is gone", () => server.Stats.Peers == 1 && server.Stats.Connections == 1);
        var (stray, answer) = await Seat.ResumeAsync(server, Seat.RandomToken());
        await using var _ = stray;
        Seat.AssertResumeFailed(answer);
    }

    [Fact]
    public async Task SlowConsumer_Closed4008_LosesItsSeat()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
            o.SendQueueLimit = 32;
            o.SendTimeout = TimeSpan.FromSeconds(2);
            o.CloseTimeout = TimeSpan.FromSeconds(1);
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var sender = await server.ConnectAsync();
        var (roomId, _) = await sender.CreateRoomAsync(capacity: 3);
        await using var reader = await server.ConnectAsync();
        await reader.JoinAsync(roomId);
        await sender.ExpectAsync("peerJoined");

        // Joins, reads its answer for the token, then never reads again: its socket fills, then its queue.
        await using var stuck = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await stuck.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var joined = await Seat.ReadJsonAsync(stuck);
        var stuckId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(sender, "peerJoined", roomId, stuckId);
        await Seat.ExpectNoticeAsync(reader, "peerJoined", roomId, stuckId);
        var payload = new string('x', 16 * 1024);

        // In lock step with the reader, so only the stuck peer falls behind.
        string? notice = null;
        for (var i = 0; i < 1000 && notice is null; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, n = i, payload });
            var message = await reader.ReceiveAsync();
            if ((string?)message["type"] != "candidate")
            {
                notice = (string?)message["type"];
                Assert.Equal(stuckId, (string?)message["peerId"]);
            }
        }

        // The socket buffers can take most of the 16 MB first: then the notice comes after the last candidate.
        if (notice is null)
        {
            var message = await reader.ReceiveAsync();
            notice = (string?)message["type"];
            Assert.Equal(stuckId, (string?)message["peerId"]);
        }

        Assert.Equal("peerLeft", notice);
        while ((string?)(await sender.ReceiveAsync())["type"] is { } type && type != "peerLeft")
        {
            Assert.NotEqual("peerDisconnected", type);
        }

        var (late, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = late;
        Seat.AssertResumeFailed(answer);
        Assert.Single(server.Logs.Named("SlowConsumer"));
    }

    [Fact]
    public async Task SendTimeout_ReaderThatStopped_LosesItsSeat()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);

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
        var joined = await Seat.ReadJsonAsync(stuck);
        var stuckId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(sender, "peerJoined", roomId, stuckId);

        // Enough to fill the loopback socket buffers, so one write has to wait, and keeps waiting.
        var payload = new string('x', 64 * 1024 - 200);
        for (var i = 0; i < 400 && server.Stats.Peers == 2; i++)
        {
            await sender.SendAsync(new { type = "candidate", roomId, payload });
        }

        // Not peerDisconnected: a client that could not keep up does not get to keep what it could not take.
        await Seat.ExpectNoticeAsync(sender, "peerLeft", roomId, stuckId);
        var (late, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var __ = late;
        Seat.AssertResumeFailed(answer);
    }

    [Fact]
    public async Task ServerRestart_Closed1012_RoomsGoneResumeFailsAndJoinFindsNoRoom()
    {
        var first = await TestServer.StartAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromMinutes(1);
            o.DirectWebSockets = WayIn == WayIn.Direct;
        });
        var port = first.HttpAddress.Port;
        await using var a = await first.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await first.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");

        await first.DisposeAsync();

        await b.Closed.DefaultTimeout();
        Assert.Equal((WebSocketCloseStatus)1012, b.CloseStatus);
        await using var second = await TestServer.StartAsync(
            o =>
            {
                Seat.Quick(o);
                o.DirectWebSockets = WayIn == WayIn.Direct;
            },
            port);
        var (back, answer) = await Seat.ResumeAsync(second, Seat.Token(joined));
        await using var _ = back;
        Seat.AssertResumeFailed(answer);
        await back.SendAsync(new { type = "join", roomId });
        await Seat.ExpectErrorAsync(back, "room-not-found");
    }
}
