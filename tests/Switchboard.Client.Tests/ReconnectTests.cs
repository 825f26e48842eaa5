using System.Net.WebSockets;
using Switchboard.Client;
using Switchboard.Client.Internal;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>
/// What the client does when its connection ends without the application asking: a network cut (a TCP reset through
/// <see cref="TcpProxy"/>, no close frame), a server that drains for a restart (1012) and comes back on the same port
/// with no rooms.
/// </summary>
public abstract class ReconnectTests(WayIn wayIn) : WayInClientTests(wayIn)
{
    public sealed class Direct() : ReconnectTests(WayIn.Direct);

    public sealed class Pipeline() : ReconnectTests(WayIn.Pipeline);

    /// <summary>Reconnect waits short enough for a test, the shape of the defaults.</summary>
    internal static readonly SwitchboardClientOptions Fast = SwitchboardClientOptions.Default with
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        ServiceRestartDelayMin = TimeSpan.FromMilliseconds(100),
        ServiceRestartDelayMax = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task Reconnect_CutWithResumeOff_RejoinsTheRoomUnderANewPeerId()
    {
        await using var server = await StartServerAsync(o => o.ResumeGracePeriod = TimeSpan.Zero);
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var alice = new SwitchboardClient(proxy.WebSocketAddress, Fast);
        await alice.ConnectAsync().DefaultTimeout();
        await using var bob = await ClientTests.Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();
        var before = alice.PeerId;
        Assert.Null(alice.ResumeToken);

        Assert.Equal(1, proxy.Cut());

        var reconnecting = await aliceEvents.WaitForAsync<Reconnecting>();
        Assert.Null(reconnecting.CloseStatus);
        Assert.Equal(1, reconnecting.Attempt);
        Assert.Equal(before, (await bobEvents.WaitForAsync<PeerLeft>()).PeerId);
        var rejoined = await aliceEvents.WaitForAsync<Joined>();
        Assert.Equal(room.RoomId, rejoined.RoomId);
        Assert.NotEqual(before, rejoined.PeerId);
        Assert.Equal([bob.PeerId!], rejoined.Peers);
        var reconnected = await aliceEvents.WaitForAsync<Reconnected>();
        Assert.False(reconnected.Resumed);
        Assert.Equal(rejoined.PeerId, reconnected.PeerId);
        Assert.Equal(rejoined.PeerId, (await bobEvents.WaitForAsync<PeerJoined>()).PeerId);
        Assert.DoesNotContain(aliceEvents.Seen, e => e is RoomLost);

        await bob.SendToRoomAsync(room.RoomId, "chat", ClientTests.Text("still there?")).DefaultTimeout();
        Assert.Equal("still there?", (await aliceEvents.WaitForAsync<MessageReceived>()).Payload.GetString());
        Assert.Equal(SwitchboardClientState.Connected, alice.State);
    }

    [Fact]
    public async Task Reconnect_ServerRestartedOnSamePort_ReportsEachRoomGone()
    {
        var first = await StartServerAsync();
        var port = first.HttpAddress.Port;
        await using var alice = await ClientTests.Connected(first, Fast);
        await using var bob = await ClientTests.Connected(first, Fast);
        await using var aliceEvents = new EventLog(alice);
        var created = await alice.CreateRoomAsync().DefaultTimeout();
        var bobs = await bob.CreateRoomAsync().DefaultTimeout();
        await alice.JoinAsync(bobs.RoomId).DefaultTimeout();

        await first.DisposeAsync();
        Assert.Equal((WebSocketCloseStatus)1012, (await aliceEvents.WaitForAsync<Reconnecting>()).CloseStatus);
        await using var second = await StartServerAsync(port: port);

        var lost = new[] { await aliceEvents.WaitForAsync<RoomLost>(), await aliceEvents.WaitForAsync<RoomLost>() };
        Assert.Equal(new[] { created.RoomId, bobs.RoomId }.Order(), lost.Select(l => l.RoomId).Order());
        Assert.All(lost, l => Assert.Equal("room-not-found", l.Code));
        var reconnected = await aliceEvents.WaitForAsync<Reconnected>();
        Assert.False(reconnected.Resumed);
        Assert.Null(reconnected.PeerId);
        Assert.Empty(alice.Rooms);

        // The client is usable on the new server: a room there is a new room.
        var fresh = await alice.CreateRoomAsync().DefaultTimeout();
        Assert.NotEqual(created.RoomId, fresh.RoomId);
    }

    [Fact]
    public async Task Reconnect_ServerDrains1012_WaitsTheShortRestartDelayThenComesBack()
    {
        var first = await StartServerAsync();
        var port = first.HttpAddress.Port;
        await using var client = await ClientTests.Connected(first, Fast);
        await using var events = new EventLog(client);

        await first.DisposeAsync();
        var reconnecting = await events.WaitForAsync<Reconnecting>();
        await using var second = await StartServerAsync(port: port);

        Assert.Equal((WebSocketCloseStatus)1012, reconnecting.CloseStatus);
        Assert.Equal("server restarting", reconnecting.CloseDescription);
        Assert.Equal(1, reconnecting.Attempt);
        Assert.InRange(reconnecting.Delay, Fast.ServiceRestartDelayMin, Fast.ServiceRestartDelayMax);
        Assert.False((await events.WaitForAsync<Reconnected>()).Resumed);
        Assert.Equal(SwitchboardClientState.Connected, client.State);
        await client.CreateRoomAsync().DefaultTimeout();
    }

    [Fact]
    public async Task Reconnect_AttemptsUsedUp_ClosesWithTheLastError()
    {
        var server = await StartServerAsync();
        await using var client = await ClientTests.Connected(server, Fast with { MaxReconnectAttempts = 2 });
        await using var events = new EventLog(client);

        await server.DisposeAsync();

        var closed = await events.WaitForAsync<Closed>();
        Assert.NotNull(closed.Error);
        Assert.Equal(2, events.Seen.OfType<Reconnecting>().Count());
        Assert.Equal(SwitchboardClientState.Closed, client.State);
        await events.Ended.DefaultTimeout();
    }

    [Fact]
    public async Task Reconnect_AutoReconnectOff_ClosesOnTheFirstDrop()
    {
        await using var server = await StartServerAsync();
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var client = new SwitchboardClient(proxy.WebSocketAddress, Fast with { AutoReconnect = false });
        await client.ConnectAsync().DefaultTimeout();
        await using var events = new EventLog(client);
        await client.CreateRoomAsync().DefaultTimeout();

        proxy.Cut();

        await events.WaitForAsync<Closed>();
        Assert.DoesNotContain(events.Seen, e => e is Reconnecting);
        Assert.Equal(1, proxy.Accepted);
    }

    [Fact]
    public async Task CreateRoomAsync_DuringReconnect_WaitsForTheConnectionAndGoesThrough()
    {
        await using var server = await StartServerAsync();
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        await using var client = new SwitchboardClient(proxy.WebSocketAddress, Fast);
        await client.ConnectAsync().DefaultTimeout();
        await using var events = new EventLog(client);

        proxy.Refusing = true;
        proxy.Cut();
        await events.WaitForAsync<Reconnecting>(r => r.Attempt == 2);
        Assert.Equal(SwitchboardClientState.Reconnecting, client.State);
        var creating = client.CreateRoomAsync();
        proxy.Refusing = false;

        var room = await creating.DefaultTimeout();
        Assert.Equal(room.RoomId, Assert.Single(client.Rooms).RoomId);
    }
}
