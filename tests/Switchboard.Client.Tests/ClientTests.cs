using System.Text.Json;
using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>Rooms, relayed messages and errors through the client, against a real server on loopback.</summary>
public abstract class ClientTests(WayIn wayIn) : WayInClientTests(wayIn)
{
    public sealed class Direct() : ClientTests(WayIn.Direct);

    public sealed class Pipeline() : ClientTests(WayIn.Pipeline);

    [Fact]
    public async Task Client_CreateJoinSendLeave_EveryMemberSeesTheSameRoom()
    {
        await using var server = await StartServerAsync();
        await using var alice = await Connected(server);
        await using var bob = await Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);

        var room = await alice.CreateRoomAsync(capacity: 3).DefaultTimeout();
        var created = await aliceEvents.WaitForAsync<RoomCreated>();
        Assert.Equal(room.RoomId, created.RoomId);
        Assert.Equal(3, room.Capacity);
        Assert.Equal(alice.PeerId, created.PeerId);

        var joined = await bob.JoinAsync(room.RoomId).DefaultTimeout();
        Assert.Equal([alice.PeerId!], joined.Peers);
        Assert.Equal(3, joined.Capacity);
        var peerJoined = await aliceEvents.WaitForAsync<PeerJoined>();
        Assert.Equal(bob.PeerId, peerJoined.PeerId);
        Assert.Equal([bob.PeerId!], Assert.Single(alice.Rooms).Peers);

        await alice.SendToRoomAsync(room.RoomId, "chat", Text("hello, room")).DefaultTimeout();
        var toRoom = await bobEvents.WaitForAsync<MessageReceived>();
        Assert.Equal(("chat", room.RoomId, alice.PeerId, null, "hello, room"), (toRoom.Type, toRoom.RoomId, toRoom.From, toRoom.To, toRoom.Payload.GetString()));

        await bob.SendToPeerAsync(room.RoomId, alice.PeerId!, "offer", JsonSerializer.SerializeToElement(new { sdp = "v=0" })).DefaultTimeout();
        var toPeer = await aliceEvents.WaitForAsync<MessageReceived>();
        Assert.Equal(("offer", bob.PeerId, alice.PeerId), (toPeer.Type, toPeer.From, toPeer.To));
        Assert.Equal("v=0", toPeer.Payload.GetProperty("sdp").GetString());

        await bob.LeaveAsync(room.RoomId).DefaultTimeout();
        await bobEvents.WaitForAsync<Left>();
        Assert.Empty(bob.Rooms);
        var peerLeft = await aliceEvents.WaitForAsync<PeerLeft>();
        Assert.Equal(bob.PeerId, peerLeft.PeerId);
        Assert.Empty(Assert.Single(alice.Rooms).Peers);
    }

    [Fact]
    public async Task ReadEventsAsync_ReaderFallsBehindTheBuffer_NothingIsDroppedAndOrderIsKept()
    {
        await using var server = await StartServerAsync(o => o.MessageLimits.MessagesPerSecond = 0);
        await using var alice = await Connected(server, SwitchboardClientOptions.Default with { EventBufferCapacity = 4 });
        await using var bob = await Connected(server);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();

        for (var i = 0; i < 200; i++)
        {
            await bob.SendToRoomAsync(room.RoomId, "chat", Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).DefaultTimeout();
        }

        // Only now does Alice read: the client held back from the server instead of dropping what did not fit.
        var received = new List<string>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (var e in alice.ReadEventsAsync(timeout.Token))
        {
            if (e is MessageReceived m)
            {
                received.Add(m.Payload.GetString()!);
                if (received.Count == 200)
                {
                    break;
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received);
    }

    [Fact]
    public async Task JoinAsync_UnknownRoom_ThrowsRoomNotFound()
    {
        await using var server = await StartServerAsync();
        await using var client = await Connected(server);

        var error = await Assert.ThrowsAsync<SwitchboardException>(() => client.JoinAsync("AAAAAAAAAAAAAAAAAAAAAA")).DefaultTimeout();

        Assert.Equal("room-not-found", error.Code);
        Assert.Equal("room not found", error.Message);
        Assert.Empty(client.Rooms);
        Assert.Equal(SwitchboardClientState.Connected, client.State);
    }

    [Fact]
    public async Task JoinAsync_FullRoom_ThrowsRoomFullNamingTheRoom()
    {
        await using var server = await StartServerAsync();
        await using var alice = await Connected(server);
        await using var bob = await Connected(server);
        await using var carol = await Connected(server);
        var room = await alice.CreateRoomAsync(capacity: 2).DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();

        var error = await Assert.ThrowsAsync<SwitchboardException>(() => carol.JoinAsync(room.RoomId)).DefaultTimeout();

        Assert.Equal(("room-full", room.RoomId), (error.Code, error.RoomId));
    }

    [Fact]
    public async Task CreateRoomAsync_CapacityOutOfRange_ThrowsBadMessage()
    {
        await using var server = await StartServerAsync();
        await using var client = await Connected(server);

        var error = await Assert.ThrowsAsync<SwitchboardException>(() => client.CreateRoomAsync(capacity: 1)).DefaultTimeout();

        Assert.Equal("bad-message", error.Code);
    }

    [Fact]
    public async Task SendToRoomAsync_NotAMember_ReportsNotInRoomAsAnEvent()
    {
        await using var server = await StartServerAsync();
        await using var alice = await Connected(server);
        await using var mallory = await Connected(server);
        await using var malloryEvents = new EventLog(mallory);
        var room = await alice.CreateRoomAsync().DefaultTimeout();

        await mallory.SendToRoomAsync(room.RoomId, "chat", Text("let me in")).DefaultTimeout();

        var error = await malloryEvents.WaitForAsync<ServerError>();
        Assert.Equal(("not-in-room", room.RoomId), (error.Code, error.RoomId));
    }

    [Fact]
    public async Task SendToRoomAsync_TypeTheServerActsOn_ThrowsWithoutSending()
    {
        await using var server = await StartServerAsync();
        await using var client = await Connected(server);
        var room = await client.CreateRoomAsync().DefaultTimeout();

        foreach (var type in new[] { "join", "leave", "createRoom", "resume", "peerLeft", "error" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => client.SendToRoomAsync(room.RoomId, type, default));
        }
    }

    [Fact]
    public async Task CloseAsync_Member_OthersGetPeerLeftAndTheEventsEndWithClosed()
    {
        await using var server = await StartServerAsync();
        await using var alice = await Connected(server);
        await using var bob = await Connected(server);
        await using var aliceEvents = new EventLog(alice);
        await using var bobEvents = new EventLog(bob);
        var room = await alice.CreateRoomAsync().DefaultTimeout();
        await bob.JoinAsync(room.RoomId).DefaultTimeout();

        await bob.CloseAsync().DefaultTimeout();

        var left = await aliceEvents.WaitForAsync<PeerLeft>();
        Assert.Equal(bob.PeerId, left.PeerId);
        await bobEvents.WaitForAsync<Closed>();
        await bobEvents.Ended.DefaultTimeout();
        Assert.Equal(SwitchboardClientState.Closed, bob.State);
        Assert.DoesNotContain(bobEvents.Seen, e => e is Reconnecting);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bob.JoinAsync(room.RoomId));
    }

    internal static JsonElement Text(string text) => JsonSerializer.SerializeToElement(text);

    internal static async Task<SwitchboardClient> Connected(TestServer server, SwitchboardClientOptions? options = null)
    {
        var client = new SwitchboardClient(server.WebSocketAddress, options);
        await client.ConnectAsync().DefaultTimeout();
        return client;
    }
}
