using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

public abstract class NPartyRoomTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : NPartyRoomTests(WayIn.Direct);

    public sealed class Pipeline() : NPartyRoomTests(WayIn.Pipeline);

    [Fact]
    public async Task Room_FourPeersJoinAndLeave_EveryoneSeesJoinedPeerJoinedAndPeerLeft()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        await using var d = await server.ConnectAsync();

        var (roomId, aId) = await a.CreateRoomAsync(capacity: 4);
        var bJoined = await b.JoinAsync(roomId);
        var bId = (string)bJoined["peerId"]!;
        Assert.Equal([aId], bJoined["peers"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(4, (int)bJoined["capacity"]!);
        Assert.Equal(bId, (string)(await a.ExpectAsync("peerJoined"))["peerId"]!);

        var cJoined = await c.JoinAsync(roomId);
        var cId = (string)cJoined["peerId"]!;
        Assert.Equal([aId, bId], cJoined["peers"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(cId, (string)(await a.ExpectAsync("peerJoined"))["peerId"]!);
        Assert.Equal(cId, (string)(await b.ExpectAsync("peerJoined"))["peerId"]!);

        var dJoined = await d.JoinAsync(roomId);
        var dId = (string)dJoined["peerId"]!;
        Assert.Equal(3, dJoined["peers"]!.AsArray().Count);
        foreach (var member in new[] { a, b, c })
        {
            Assert.Equal(dId, (string)(await member.ExpectAsync("peerJoined"))["peerId"]!);
        }

        await b.SendAsync(new { type = "leave", roomId });
        Assert.Equal(roomId, (string)(await b.ExpectAsync("left"))["roomId"]!);
        foreach (var member in new[] { a, c, d })
        {
            var left = await member.ExpectAsync("peerLeft");
            Assert.Equal(bId, (string)left["peerId"]!);
            Assert.Equal(roomId, (string)left["roomId"]!);
        }

        await c.CloseAsync();
        foreach (var member in new[] { a, d })
        {
            Assert.Equal(cId, (string)(await member.ExpectAsync("peerLeft"))["peerId"]!);
        }
    }

    [Fact]
    public async Task Room_DirectedMessage_ReachesOnlyItsTarget()
    {
        await using var server = await StartServerAsync();
        var (clients, ids, roomId) = await FillRoomAsync(server, 4);

        await clients[2].SendAsync(new { type = "offer", roomId, to = ids[0], payload = "for a" });

        var offer = await clients[0].ExpectAsync("offer");
        Assert.Equal(ids[2], (string)offer["from"]!);
        Assert.Equal("for a", (string)offer["payload"]!);
        Assert.True(await clients[1].NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await clients[3].NothingArrivesAsync(TimeSpan.FromMilliseconds(50)));
        await DisposeAllAsync(clients);
    }

    [Fact]
    public async Task Room_MessageWithoutTo_ReachesEveryOtherMemberExactlyOnce()
    {
        await using var server = await StartServerAsync();
        var (clients, _, roomId) = await FillRoomAsync(server, 4);

        await clients[1].SendAsync(new { type = "chat", roomId, payload = 1 });
        await clients[1].SendAsync(new { type = "chat", roomId, payload = 2 });

        foreach (var index in new[] { 0, 2, 3 })
        {
            Assert.Equal(1, (int)(await clients[index].ExpectAsync("chat"))["payload"]!);
            Assert.Equal(2, (int)(await clients[index].ExpectAsync("chat"))["payload"]!);
        }

        // The sender is not echoed, and nobody gets a third copy.
        foreach (var client in clients)
        {
            Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(100)));
        }

        await DisposeAllAsync(clients);
    }

    [Fact]
    public async Task Room_DirectedToNonMember_GetsPeerNotFound()
    {
        await using var server = await StartServerAsync();
        var (clients, _, roomId) = await FillRoomAsync(server, 2);
        await using var outsider = await server.ConnectAsync();
        var (_, outsiderId) = await outsider.CreateRoomAsync();

        await clients[0].SendAsync(new { type = "offer", roomId, to = outsiderId });

        Assert.Equal("peer-not-found", (string)(await clients[0].ExpectAsync("error"))["code"]!);
        Assert.True(await outsider.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        await DisposeAllAsync(clients);
    }

    [Fact]
    public async Task Room_JoinBeyondCapacity_GetsRoomFull()
    {
        await using var server = await StartServerAsync();
        var (clients, _, roomId) = await FillRoomAsync(server, 3);
        await using var late = await server.ConnectAsync();

        await late.SendAsync(new { type = "join", roomId });

        var error = await late.ExpectAsync("error");
        Assert.Equal("room-full", (string)error["code"]!);
        Assert.Equal(roomId, (string)error["roomId"]!);
        await DisposeAllAsync(clients);
    }

    [Fact]
    public async Task Room_CapacityOutOfRange_GetsBadMessage()
    {
        await using var server = await StartServerAsync(o => o.MaxRoomCapacity = 8);
        await using var client = await server.ConnectAsync();

        foreach (var capacity in new object[] { 1, 9, "4", 2.5 })
        {
            await client.SendAsync(new { type = "createRoom", capacity });
            Assert.Equal("bad-message", (string)(await client.ExpectAsync("error"))["code"]!);
        }

        Assert.Equal(0, server.Stats.Rooms);
    }

    [Fact]
    public async Task Room_LastMemberLeaves_RoomIsDeletedAndUnknownAfterwards()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        Assert.Equal(1, server.Stats.Rooms);

        await a.SendAsync(new { type = "leave", roomId });
        await a.ExpectAsync("left");

        Assert.Equal(0, server.Stats.Rooms);
        await a.SendAsync(new { type = "join", roomId });
        Assert.Equal("room-not-found", (string)(await a.ExpectAsync("error"))["code"]!);
    }

    [Fact]
    public async Task Room_JoinTwice_AnswersJoinedAgainWithoutSecondPeerJoined()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync();
        await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");

        var again = await b.JoinAsync(roomId);

        Assert.Equal([aId], again["peers"]!.AsArray().Select(p => (string)p!));
        Assert.True(await a.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, server.Stats.Peers);
    }

    [Fact]
    public async Task Room_TooManyRoomsForOneConnection_GetsTooManyRooms()
    {
        await using var server = await StartServerAsync(o => o.MaxRoomsPerConnection = 3);
        await using var client = await server.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await client.CreateRoomAsync();
        }

        await client.SendAsync(new { type = "createRoom" });

        Assert.Equal("too-many-rooms", (string)(await client.ExpectAsync("error"))["code"]!);
        Assert.Equal(3, server.Stats.Rooms);
    }

    internal static async Task<(TestClient[] Clients, string[] Ids, string RoomId)> FillRoomAsync(TestServer server, int count)
    {
        var clients = new TestClient[count];
        var ids = new string[count];
        clients[0] = await server.ConnectAsync();
        var (roomId, firstId) = await clients[0].CreateRoomAsync(capacity: count);
        ids[0] = firstId;
        for (var i = 1; i < count; i++)
        {
            clients[i] = await server.ConnectAsync();
            ids[i] = (string)(await clients[i].JoinAsync(roomId))["peerId"]!;
            for (var j = 0; j < i; j++)
            {
                await clients[j].ExpectAsync("peerJoined");
            }
        }

        return (clients, ids, roomId);
    }

    internal static async Task DisposeAllAsync(IEnumerable<TestClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
