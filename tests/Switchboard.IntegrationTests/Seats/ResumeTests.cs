using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Turn;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// A member whose connection is cut (no close frame) keeps its seat for the grace period: the others
/// are told it is away, what is sent to it waits, and a new connection with the resume token gets the
/// seat back with its peer id, its rooms and every waiting message, exactly once and in order.
/// </summary>
public abstract class ResumeTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : ResumeTests(WayIn.Direct);

    public sealed class Pipeline() : ResumeTests(WayIn.Pipeline);

    public enum Cut
    {
        /// <summary>The client's TCP connection ends (FIN) with no close frame before it.</summary>
        Fin,

        /// <summary>The connection is reset (RST), as when a network vanishes under it.</summary>
        Reset,
    }

    [Theory]
    [InlineData(Cut.Fin)]
    [InlineData(Cut.Reset)]
    public async Task Resume_AfterCut_SamePeerIdWaitingMessagesOnceInOrderAndOthersNeverSeePeerLeft(Cut cut)
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var b = await server.ConnectAsync();
        var (roomId, bId) = await b.CreateRoomAsync(capacity: 3);
        await using var c = await server.ConnectAsync();
        var cId = (string)(await c.JoinAsync(roomId))["peerId"]!;
        await Seat.ExpectNoticeAsync(b, "peerJoined", roomId, cId);
        var a = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await a.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var joined = await Seat.ReadJsonAsync(a);
        Assert.Equal("joined", (string?)joined["type"]);
        var aId = (string)joined["peerId"]!;
        var token = Seat.Token(joined);
        await Seat.ExpectNoticeAsync(b, "peerJoined", roomId, aId);
        await Seat.ExpectNoticeAsync(c, "peerJoined", roomId, aId);

        if (cut == Cut.Reset)
        {
            a.Vanish();
        }
        else
        {
            await a.DisposeAsync();
        }

        await Seat.ExpectNoticeAsync(b, "peerDisconnected", roomId, aId);
        await Seat.ExpectNoticeAsync(c, "peerDisconnected", roomId, aId);

        // Addressed to the absent peer and broadcast, from two senders, in an order the server saw.
        await Seat.SendSettledAsync(b, new { type = "candidate", roomId, to = aId, n = 1 });
        await Seat.SendSettledAsync(b, new { type = "candidate", roomId, n = 2 });
        Assert.Equal(2, (int)(await c.ExpectAsync("candidate"))["n"]!);
        await Seat.SendSettledAsync(c, new { type = "offer", roomId, to = aId, n = 3 });
        await Seat.SendSettledAsync(b, new { type = "answer", roomId, to = aId, n = 4 });
        await Seat.SendSettledAsync(c, new { type = "candidate", roomId, n = 5 });
        Assert.Equal(5, (int)(await b.ExpectAsync("candidate"))["n"]!);

        var (a2, answer) = await Seat.ResumeAsync(server, token);
        await using var _ = a2;

        var resumed = Seat.AssertResumed(answer);
        Assert.Equal(aId, (string?)resumed["peerId"]);
        Assert.NotEqual(token, Seat.Token(resumed));
        var room = Seat.Room(resumed, roomId);
        Assert.Equal(3, (int)room["capacity"]!);
        Assert.Equal([bId, cId], Seat.Peers(room));
        foreach (var (n, from, type) in new[] { (1, bId, "candidate"), (2, bId, "candidate"), (3, cId, "offer"), (4, bId, "answer"), (5, cId, "candidate") })
        {
            var waiting = await a2.ExpectAsync(type);
            Assert.Equal(n, (int)waiting["n"]!);
            Assert.Equal(from, (string?)waiting["from"]);
            Assert.Equal(roomId, (string?)waiting["roomId"]);
        }

        Assert.True(await a2.NothingArrivesAsync(Seat.Quiet), "a message arrived twice, or one nobody sent");
        await Seat.ExpectNoticeAsync(b, "peerReconnected", roomId, aId);
        await Seat.ExpectNoticeAsync(c, "peerReconnected", roomId, aId);

        // Live both ways, under the old peer id.
        await a2.SendAsync(new { type = "candidate", roomId, n = 6 });
        Assert.Equal(aId, (string?)(await b.ExpectAsync("candidate"))["from"]);
        Assert.Equal(aId, (string?)(await c.ExpectAsync("candidate"))["from"]);
        await b.SendAsync(new { type = "candidate", roomId, to = aId, n = 7 });
        Assert.Equal(7, (int)(await a2.ExpectAsync("candidate"))["n"]!);
        Assert.True(await b.NothingArrivesAsync(Seat.Quiet), "the resumed peer was announced as gone");
        Assert.True(await c.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(3, server.Stats.Peers);
    }

    [Fact]
    public async Task Resume_RoomChangedWhileAway_ResumedRoomsAreTheFreshStateAndNoNoticeWasBuffered()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync(capacity: 4);
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await using var c = await server.ConnectAsync();
        var cId = (string)(await c.JoinAsync(roomId))["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, bId);
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, cId);
        await Seat.ExpectNoticeAsync(b, "peerJoined", roomId, cId);
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await Seat.ExpectNoticeAsync(c, "peerDisconnected", roomId, bId);

        await c.SendAsync(new { type = "leave", roomId });
        await c.ExpectAsync("left");
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, cId);
        await using var d = await server.ConnectAsync();
        var dJoined = await d.JoinAsync(roomId);
        var dId = (string)dJoined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, dId);
        await Seat.SendSettledAsync(a, new { type = "candidate", roomId, n = 1 });
        Assert.Equal(1, (int)(await d.ExpectAsync("candidate"))["n"]!);
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;

        Assert.Equal([aId, dId], Seat.Peers(Seat.Room(Seat.AssertResumed(answer), roomId)));
        Assert.Equal(1, (int)(await b2.ExpectAsync("candidate"))["n"]!);
        Assert.True(await b2.NothingArrivesAsync(Seat.Quiet), "a membership notice was kept for the absent peer");
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);

        // The newcomer hears about the returning peer only in terms of what it was told on joining.
        var toldOfB = Seat.Peers(dJoined).Contains(bId);
        var notice = await d.ReceiveAsync();
        Assert.Equal(toldOfB ? "peerReconnected" : "peerJoined", (string?)notice["type"]);
        Assert.Equal(bId, (string?)notice["peerId"]);
        Assert.True(await d.NothingArrivesAsync(Seat.Quiet));
        Assert.True(await c.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)), "a notice reached a peer that had left");
    }

    [Fact]
    public async Task Resume_WhileTheOtherKeepsSending_EveryMessageOnceInOrderAcrossTheHandOver()
    {
        const int Count = 200;
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);

            // Room for all of them: this test is about the seam between what waited and live traffic.
            o.ResumeBufferLimit = 256;
            o.ResumeBufferByteLimit = 64 * 1024;
        });
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        var someSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i++)
            {
                // Broadcast and addressed: both reach the seat, one queue.
                await a.SendAsync(i % 3 == 0 ? new { type = "candidate", roomId, n = i } : new { type = "candidate", roomId, to = bId, n = i });
                if (i == Count / 10)
                {
                    someSent.SetResult();
                }
            }
        });
        await someSent.Task.DefaultTimeout();
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var __ = b2;
        await sending.DefaultTimeout();

        Assert.Equal(bId, (string?)Seat.AssertResumed(answer)["peerId"]);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i, (int)(await b2.ExpectAsync("candidate"))["n"]!);
        }

        Assert.True(await b2.NothingArrivesAsync(Seat.Quiet));
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);
        Assert.True(await a.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)), "a message was refused or a notice was wrong");
    }

    [Fact]
    public async Task Resume_TurnCredentialsOn_ResumedCarriesAFreshEntryForTheSeatsPeerId()
    {
        await using var server = await TestServer.StartAsync(
            WayIn,
            o =>
            {
                Seat.Quick(o);
                o.IceServers.Add(new() { Urls = ["stun:stun.example.test:3478"] });
            },
            services: services => services.Configure<TurnOptions>(turn =>
            {
                turn.Secret = "a turn secret for the seat tests";
                turn.Urls = ["turn:127.0.0.1:3478"];
            }));
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);

        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;

        var resumed = Seat.AssertResumed(answer);
        var servers = resumed["iceServers"]!.AsArray();
        Assert.Equal(2, servers.Count);
        Assert.Equal("stun:stun.example.test:3478", (string?)servers[0]!["urls"]![0]);
        Assert.EndsWith(":" + bId, (string)servers[1]!["username"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)servers[1]!["credential"]));
        Assert.True((long)resumed["iceServersTtlMs"]! > 0);
    }

    [Fact]
    public async Task Resume_SenderJoinedAndLeftWhileAway_ItsMessageArrivesButItIsNotAMember()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync(capacity: 3);
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await using var c = await server.ConnectAsync();
        var cId = (string)(await c.JoinAsync(roomId))["peerId"]!;
        await Seat.SendSettledAsync(c, new { type = "offer", roomId, to = bId, n = 1 });
        await c.SendAsync(new { type = "leave", roomId });
        await c.ExpectAsync("left");
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, cId);
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, cId);

        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;

        Assert.Equal([aId], Seat.Peers(Seat.Room(Seat.AssertResumed(answer), roomId)));
        var offer = await b2.ExpectAsync("offer");
        Assert.Equal(cId, (string?)offer["from"]);
        Assert.True(await b2.NothingArrivesAsync(Seat.Quiet), "a notice about the peer that came and went");
    }

    [Fact]
    public async Task Resume_AfterKeepAliveTimeout_KeepsTheSeat()
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(600);
        });
        await using var b = await server.ConnectAsync();
        var (roomId, _) = await b.CreateRoomAsync();

        // Joins, reads its answer, then answers no ping and sends no close: the server gives up on it.
        await using var silent = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await silent.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var joined = await Seat.ReadJsonAsync(silent);
        var silentId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(b, "peerJoined", roomId, silentId);

        await Seat.ExpectNoticeAsync(b, "peerDisconnected", roomId, silentId);
        var (back, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = back;

        Assert.Equal(silentId, (string?)Seat.AssertResumed(answer)["peerId"]);
        await Seat.ExpectNoticeAsync(b, "peerReconnected", roomId, silentId);
    }

    [Fact]
    public async Task ResumeToken_SameSeat_SameTokenInEveryAnswerUntilAResumeReplacesIt()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        await a.SendAsync(new { type = "createRoom" });
        var first = await a.ExpectAsync("roomCreated");
        var token = Seat.Token(first);
        await a.SendAsync(new { type = "createRoom" });
        var second = await a.ExpectAsync("roomCreated");
        Assert.Equal(token, Seat.Token(second));
        await using var b = await server.ConnectAsync();
        var bToken = Seat.Token(await b.JoinAsync((string)first["roomId"]!));
        Assert.NotEqual(token, bToken);
        Assert.Equal(bToken, Seat.Token(await b.JoinAsync((string)second["roomId"]!)));
        await a.ExpectAsync("peerJoined");
        await a.ExpectAsync("peerJoined");

        b.Abort();
        await a.ExpectAsync("peerDisconnected");
        await a.ExpectAsync("peerDisconnected");
        var (b2, answer) = await Seat.ResumeAsync(server, bToken);
        await using var _ = b2;

        var resumed = Seat.AssertResumed(answer);
        var newToken = Seat.Token(resumed);
        Assert.Equal(2, Assert.IsType<System.Text.Json.Nodes.JsonArray>(resumed["rooms"]).Count);
        Seat.Room(resumed, (string)first["roomId"]!);
        Seat.Room(resumed, (string)second["roomId"]!);
        await b2.SendAsync(new { type = "createRoom" });
        Assert.Equal(newToken, Seat.Token(await b2.ExpectAsync("roomCreated")));
    }

    [Fact]
    public async Task Resume_OldConnectionStillOpen_TakesTheSeatAndOldGets4001Replaced()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, bId);

        // The Wi-Fi → 4G case: the old connection looks fine to the server when the new one asks.
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;

        var resumed = Seat.AssertResumed(answer);
        Assert.Equal(bId, (string?)resumed["peerId"]);
        Assert.Equal([aId], Seat.Peers(Seat.Room(resumed, roomId)));
        await b.Closed.DefaultTimeout();
        Assert.Equal((WebSocketCloseStatus)4001, b.CloseStatus);
        Assert.Equal("replaced", b.CloseDescription);

        // No peerDisconnected came first: the seat was never away.
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);
        await a.SendAsync(new { type = "candidate", roomId, n = 1 });
        var relayed = await b2.ExpectAsync("candidate");
        Assert.Equal(aId, (string?)relayed["from"]);
        await b2.SendAsync(new { type = "candidate", roomId, to = aId, n = 2 });
        Assert.Equal(bId, (string?)(await a.ExpectAsync("candidate"))["from"]);
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet), "the replaced connection's end was announced");
        Assert.Equal(2, server.Stats.Peers);
    }

    [Fact]
    public async Task Resume_TokenAlreadyUsed_ResumeFailedAndTheSeatStaysWithTheFirst()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        var token = Seat.Token(joined);
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        var (b2, first) = await Seat.ResumeAsync(server, token);
        await using var _ = b2;
        Seat.AssertResumed(first);
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);

        var (b3, second) = await Seat.ResumeAsync(server, token);
        await using var __ = b3;

        Seat.AssertResumeFailed(second);
        await a.SendAsync(new { type = "candidate", roomId, to = bId, n = 1 });
        Assert.Equal(1, (int)(await b2.ExpectAsync("candidate"))["n"]!);
        Assert.False(b2.Closed.IsCompleted);
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet));
        var (_, freshId) = await b3.CreateRoomAsync();
        Assert.NotEqual(bId, freshId);
        Assert.NotEqual(aId, freshId);
    }

    [Fact]
    public async Task Resume_CutAgainAfterAResume_TheNewTokenResumesTheSameSeat()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        var token = Seat.Token(joined);
        var tokens = new List<string> { token };

        for (var round = 0; round < 3; round++)
        {
            // Disposing a TestClient aborts it: no close frame.
            await b.DisposeAsync();
            await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
            await Seat.SendSettledAsync(a, new { type = "candidate", roomId, to = bId, n = round });
            (b, var answer) = await Seat.ResumeAsync(server, token);
            var resumed = Seat.AssertResumed(answer);
            Assert.Equal(bId, (string?)resumed["peerId"]);
            token = Seat.Token(resumed);
            Assert.DoesNotContain(token, tokens);
            tokens.Add(token);
            Assert.Equal(round, (int)(await b.ExpectAsync("candidate"))["n"]!);
            await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);
        }

        await using var _ = b;
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet));
        Assert.Equal(2, server.Stats.Peers);
    }

    [Fact]
    public async Task Resume_TwoConnectionsAtOnceWithOneToken_ExactlyOneGetsTheSeat()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();

        var message = new { type = "resume", token = Seat.Token(joined) };
        await Task.WhenAll(first.SendAsync(message), second.SendAsync(message));
        var answers = await Task.WhenAll(first.ReceiveAsync(), second.ReceiveAsync());

        var winner = Assert.Single(answers, m => (string?)m["type"] == "resumed");
        Assert.Equal(bId, (string?)winner["peerId"]);
        Seat.AssertResumeFailed(Assert.Single(answers, m => (string?)m["type"] != "resumed"));
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet));

        // Whichever lost has no seat but its own; the winner is the member, and stays one.
        var seated = ReferenceEquals(winner, answers[0]) ? first : second;
        await a.SendAsync(new { type = "candidate", roomId, to = bId, n = 1 });
        Assert.Equal(1, (int)(await seated.ExpectAsync("candidate"))["n"]!);
        Assert.False(seated.Closed.IsCompleted);
    }

    [Fact]
    public async Task Resume_OnAConnectionThatResumed_BadMessage()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await a.ExpectAsync("peerDisconnected");
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;
        var resumed = Seat.AssertResumed(answer);

        await b2.SendAsync(new { type = "resume", token = Seat.Token(resumed) });

        await Seat.ExpectErrorAsync(b2, "bad-message");
    }

    [Theory]
    [InlineData("close")]
    [InlineData("leave")]
    public async Task Resumed_ThenCloseOrLeave_PeerLeftAtOnceLikeAnyMember(string how)
    {
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
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;
        var newToken = Seat.Token(Seat.AssertResumed(answer));
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);

        if (how == "close")
        {
            await b2.CloseAsync();
        }
        else
        {
            await b2.SendAsync(new { type = "leave", roomId });
            await b2.ExpectAsync("left");
        }

        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet));
        Assert.Equal(1, server.Stats.Peers);
        if (how == "close")
        {
            var (late, again) = await Seat.ResumeAsync(server, newToken);
            await using var __ = late;
            Seat.AssertResumeFailed(again);
        }
    }

    [Fact]
    public async Task Resume_RandomToken_ResumeFailedAndTheConnectionCanStillCreateAndJoin()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var host = await server.ConnectAsync();
        var (roomId, _) = await host.CreateRoomAsync(capacity: 3);

        var (client, answer) = await Seat.ResumeAsync(server, Seat.RandomToken());
        await using var _ = client;

        Seat.AssertResumeFailed(answer);
        var (ownRoom, ownId) = await client.CreateRoomAsync();
        Assert.NotEqual(roomId, ownRoom);
        var joined = await client.JoinAsync(roomId);
        Assert.Equal(ownId, (string?)joined["peerId"]);
        await Seat.ExpectNoticeAsync(host, "peerJoined", roomId, ownId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Resume_MalformedToken_ResumeFailedAndTheConnectionStaysUsable(string token)
    {
        await using var server = await StartServerAsync(Seat.Quick);

        var (client, answer) = await Seat.ResumeAsync(server, token);
        await using var _ = client;

        Seat.AssertResumeFailed(answer);
        await client.CreateRoomAsync();
    }

    [Fact]
    public async Task Resume_OnAConnectionAlreadyInARoom_BadMessageAndTheAbsentSeatIsUntouched()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await using var b = await server.ConnectAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await a.ExpectAsync("peerJoined");
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);

        await a.SendAsync(new { type = "resume", token = Seat.Token(joined) });

        await Seat.ExpectErrorAsync(a, "bad-message");
        var (b2, answer) = await Seat.ResumeAsync(server, Seat.Token(joined));
        await using var _ = b2;
        Assert.Equal(bId, (string?)Seat.AssertResumed(answer)["peerId"]);
    }

    [Fact]
    public async Task Resume_ManyBadTokensOnOneConnection_RationedLikeRoomLookups()
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var guesser = await server.ConnectAsync();

        var failed = 0;
        string? code = null;
        for (var i = 0; i < 40 && code != "rate-limited"; i++)
        {
            await guesser.SendAsync(new { type = "resume", token = Seat.RandomToken() });
            var error = await guesser.ExpectAsync("error");
            code = (string?)error["code"];
            if (code == "resume-failed")
            {
                failed++;
            }
            else
            {
                Assert.Equal("rate-limited", code);
                Assert.True((int)error["retryAfterMs"]! > 0);
            }
        }

        Assert.Equal("rate-limited", code);
        Assert.InRange(failed, 15, 25);
    }

    [Theory]
    [InlineData("resumed")]
    [InlineData("peerDisconnected")]
    [InlineData("peerReconnected")]
    public async Task Member_SendsSeatNotice_GetsBadMessageAndNothingIsForged(string type)
    {
        await using var server = await StartServerAsync(Seat.Quick);
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.B.SendAsync(new { type, roomId = pair.RoomId, peerId = "forged" });

        await Seat.ExpectErrorAsync(pair.B, "bad-message");
        Assert.True(await pair.A.NothingArrivesAsync(Seat.Quiet));
    }
}
