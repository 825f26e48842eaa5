using System.Net.WebSockets;
using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>
/// The seat that survives a dropped connection, as the client uses it: a cut (a TCP reset through
/// <see cref="TcpProxy"/>, no close frame) is resumed with the same peer id and the messages sent meanwhile; a seat
/// whose grace period ran out is re-joined; a seat taken over by another connection (4001) is reported and left alone.
/// </summary>
public abstract class ResumeTests(WayIn wayIn) : WayInClientTests(wayIn)
{
    public sealed class Direct() : ResumeTests(WayIn.Direct);

    public sealed class Pipeline() : ResumeTests(WayIn.Pipeline);

    [Fact]
    public async Task Reconnect_CutConnection_ResumesTheSeatWithTheSamePeerIdAndTheMissedMessagesInOrder()
    {
        await using var server = await StartServerAsync();
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var alice = new SwitchboardClient(proxy.WebSocketAddress, ReconnectTests.Fast);
        await alice.ConnectAsync().DefaultTimeout();
        await using var bob = await ClientTests.Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();
        await aliceEvents.WaitForAsync<PeerJoined>();
        var peerId = alice.PeerId!;
        var token = alice.ResumeToken;
        Assert.Matches("^[A-Za-z0-9_-]{22}$", token);

        // The network stays down for a while: the messages below are sent while Alice is away.
        proxy.Refusing = true;
        proxy.Cut();
        Assert.Equal(peerId, (await bobEvents.WaitForAsync<PeerDisconnected>()).PeerId);
        await aliceEvents.WaitForAsync<Reconnecting>(r => r.Attempt == 2);
        foreach (var text in new[] { "m1", "m2", "m3" })
        {
            await bob.SendToRoomAsync(room.RoomId, "chat", ClientTests.Text(text)).DefaultTimeout();
        }

        await bob.SendToPeerAsync(room.RoomId, peerId, "chat", ClientTests.Text("to you alone")).DefaultTimeout();
        proxy.Refusing = false;

        var resumed = await aliceEvents.WaitForAsync<Resumed>();
        Assert.Equal(peerId, resumed.PeerId);
        var resumedRoom = Assert.Single(resumed.Rooms);
        Assert.Equal(room.RoomId, resumedRoom.RoomId);
        Assert.Equal([bob.PeerId!], resumedRoom.Peers);
        var missed = new List<MessageReceived>();
        for (var i = 0; i < 4; i++)
        {
            missed.Add(await aliceEvents.WaitForAsync<MessageReceived>());
        }

        Assert.Equal(["m1", "m2", "m3", "to you alone"], missed.Select(m => m.Payload.GetString()));
        Assert.All(missed, m => Assert.Equal(bob.PeerId, m.From));
        Assert.Equal(peerId, missed[3].To);
        Assert.True((await aliceEvents.WaitForAsync<Reconnected>()).Resumed);
        Assert.Equal(peerId, (await bobEvents.WaitForAsync<PeerReconnected>()).PeerId);
        Assert.Equal(peerId, alice.PeerId);
        Assert.NotEqual(token, alice.ResumeToken);

        // Live traffic both ways, and nothing missed arrives a second time.
        await alice.SendToRoomAsync(room.RoomId, "chat", ClientTests.Text("back")).DefaultTimeout();
        Assert.Equal("back", (await bobEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
        await bob.SendToRoomAsync(room.RoomId, "chat", ClientTests.Text("welcome back")).DefaultTimeout();
        Assert.Equal("welcome back", (await aliceEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
        Assert.Equal(5, aliceEvents.Seen.OfType<MessageReceived>().Count());
        Assert.DoesNotContain(bobEvents.Seen, e => e is PeerLeft);
        Assert.DoesNotContain(aliceEvents.Seen, e => e is RoomLost or Joined);
        Assert.Equal([bob.PeerId!], Assert.Single(alice.Rooms).Peers);
    }

    [Fact]
    public async Task Reconnect_MembersChangedWhileAway_ReportsTheDifferenceRightAfterResumed()
    {
        await using var server = await StartServerAsync();
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var alice = new SwitchboardClient(proxy.WebSocketAddress, ReconnectTests.Fast);
        await alice.ConnectAsync().DefaultTimeout();
        await using var bob = await ClientTests.Connected(server);
        await using var carol = await ClientTests.Connected(server);
        await using var dave = await ClientTests.Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync(capacity: 4).DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();
        await carol.JoinAsync(room.RoomId).DefaultTimeout();
        await aliceEvents.WaitForAsync<PeerJoined>(p => p.PeerId == carol.PeerId);

        proxy.Refusing = true;
        proxy.Cut();
        await bobEvents.WaitForAsync<PeerDisconnected>();
        await carol.LeaveAsync(room.RoomId).DefaultTimeout();
        await dave.JoinAsync(room.RoomId).DefaultTimeout();
        await bobEvents.WaitForAsync<PeerJoined>(p => p.PeerId == dave.PeerId);
        proxy.Refusing = false;

        await aliceEvents.WaitForAsync<Resumed>();
        var afterResumed = aliceEvents.Seen.SkipWhile(e => e is not Resumed).Skip(1).Take(2).ToList();
        Assert.Equal(carol.PeerId, Assert.IsType<PeerLeft>(afterResumed[0]).PeerId);
        Assert.Equal(dave.PeerId, Assert.IsType<PeerJoined>(afterResumed[1]).PeerId);
        Assert.Equal("peerJoined", afterResumed[1] is PeerJoined joined ? joined.Message.GetProperty("type").GetString() : null);
        Assert.Equal([bob.PeerId!, dave.PeerId!], Assert.Single(alice.Rooms).Peers);
    }

    [Fact]
    public async Task Reconnect_AwayLongerThanTheGracePeriod_RejoinsTheRoomUnderANewPeerId()
    {
        await using var server = await StartServerAsync(o => o.ResumeGracePeriod = TimeSpan.FromSeconds(1));
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var alice = new SwitchboardClient(proxy.WebSocketAddress, ReconnectTests.Fast);
        await alice.ConnectAsync().DefaultTimeout();
        await using var bob = await ClientTests.Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();
        var before = alice.PeerId;

        proxy.Refusing = true;
        proxy.Cut();
        await bobEvents.WaitForAsync<PeerDisconnected>();
        Assert.Equal(before, (await bobEvents.WaitForAsync<PeerLeft>()).PeerId);
        proxy.Refusing = false;

        var rejoined = await aliceEvents.WaitForAsync<Joined>();
        Assert.Equal(room.RoomId, rejoined.RoomId);
        Assert.NotEqual(before, rejoined.PeerId);
        Assert.False((await aliceEvents.WaitForAsync<Reconnected>()).Resumed);
        Assert.Equal(rejoined.PeerId, (await bobEvents.WaitForAsync<PeerJoined>()).PeerId);
        Assert.DoesNotContain(aliceEvents.Seen, e => e is Resumed or RoomLost);
        Assert.Equal(rejoined.PeerId, alice.PeerId);
    }

    [Fact]
    public async Task Resume_TokenPresentedByAnotherConnection_ReportsReplacedAndDoesNotReconnect()
    {
        await using var server = await StartServerAsync();
        await using var alice = await ClientTests.Connected(server, ReconnectTests.Fast);
        await using var events = new EventLog(alice);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await using var other = await server.ConnectAsync();

        await other.SendAsync(new { type = "resume", token = alice.ResumeToken });

        var resumed = await other.ExpectAsync("resumed");
        Assert.Equal(alice.PeerId, (string?)resumed["peerId"]);
        await events.WaitForAsync<Replaced>();
        var closed = await events.WaitForAsync<Closed>();
        Assert.Equal((WebSocketCloseStatus)4001, closed.CloseStatus);
        Assert.Equal("replaced", closed.CloseDescription);
        await events.Ended.DefaultTimeout();
        Assert.Equal(SwitchboardClientState.Closed, alice.State);
        Assert.DoesNotContain(events.Seen, e => e is Reconnecting);

        // The seat is the other connection's: it can still use the room.
        await other.SendAsync(new { type = "leave", roomId = room.RoomId });
        await other.ExpectAsync("left");
    }

    [Fact]
    public async Task SendToPeer_AbsentPeerWhoseBufferIsFull_ReportsPeerUnavailableNamingRoomAndPeer()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.ResumeBufferLimit = 2;
            o.MessageLimits.MessagesPerSecond = 0;
        });
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var alice = new SwitchboardClient(proxy.WebSocketAddress, ReconnectTests.Fast);
        await alice.ConnectAsync().DefaultTimeout();
        await using var bob = await ClientTests.Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();
        var absent = alice.PeerId!;

        proxy.Refusing = true;
        proxy.Cut();
        await bobEvents.WaitForAsync<PeerDisconnected>();
        foreach (var text in new[] { "1", "2", "3" })
        {
            await bob.SendToPeerAsync(room.RoomId, absent, "chat", ClientTests.Text(text)).DefaultTimeout();
        }

        var refused = await bobEvents.WaitForAsync<ServerError>();
        Assert.Equal(("peer-unavailable", room.RoomId, absent), (refused.Code, refused.RoomId, refused.PeerId));
        proxy.Refusing = false;

        await aliceEvents.WaitForAsync<Resumed>();
        Assert.Equal("1", (await aliceEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
        Assert.Equal("2", (await aliceEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
        await bob.SendToPeerAsync(room.RoomId, absent, "chat", ClientTests.Text("live")).DefaultTimeout();
        Assert.Equal("live", (await aliceEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
    }
}
