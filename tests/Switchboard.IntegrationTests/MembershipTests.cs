using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Only members send into a room: the tutorial let anyone who knew a room id inject messages.</summary>
public abstract class MembershipTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : MembershipTests(WayIn.Direct);

    public sealed class Pipeline() : MembershipTests(WayIn.Pipeline);

    [Theory]
    [InlineData("answer")]
    [InlineData("candidate")]
    [InlineData("anything")]
    public async Task NonMember_SendsIntoRoom_GetsNotInRoomAndMembersSeeNothing(string type)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var intruder = await server.ConnectAsync();

        await intruder.SendAsync(new { type, roomId = pair.RoomId, payload = "injected" });

        var error = await intruder.ExpectAsync("error");
        Assert.Equal("not-in-room", (string)error["code"]!);
        Assert.True(await pair.A.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await pair.B.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)));
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task NonMember_DirectedAtMember_GetsNotInRoom()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync(capacity: 3);
        await using var intruder = await server.ConnectAsync();

        await intruder.SendAsync(new { type = "answer", roomId, to = aId });

        Assert.Equal("not-in-room", (string)(await intruder.ExpectAsync("error"))["code"]!);
        Assert.True(await a.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("offer")]
    [InlineData("join")]
    [InlineData("candidate")]
    [InlineData("leave")]
    public async Task UnknownRoom_AnyMessage_GetsRoomNotFound(string type)
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type, roomId = "AAAAAAAAAAAAAAAAAAAAAA" });

        var error = await client.ExpectAsync("error");
        Assert.Equal("room-not-found", (string)error["code"]!);
        Assert.Equal("room not found", (string)error["payload"]!);
    }

    [Fact]
    public async Task FormerMember_SendsAfterLeave_GetsNotInRoom()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await pair.B.SendAsync(new { type = "leave", roomId = pair.RoomId });
        await pair.B.ExpectAsync("left");
        await pair.A.ExpectAsync("peerLeft");

        await pair.B.SendAsync(new { type = "candidate", roomId = pair.RoomId, payload = "late" });

        Assert.Equal("not-in-room", (string)(await pair.B.ExpectAsync("error"))["code"]!);
        Assert.True(await pair.A.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Leave_RoomNotJoined_GetsNotInRoom()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var other = await server.ConnectAsync();

        await other.SendAsync(new { type = "leave", roomId = pair.RoomId });

        Assert.Equal("not-in-room", (string)(await other.ExpectAsync("error"))["code"]!);
        Assert.Equal(2, server.Stats.Peers);
    }

    [Theory]
    [InlineData("peerLeft")]
    [InlineData("peerJoined")]
    [InlineData("roomCreated")]
    [InlineData("joined")]
    [InlineData("error")]
    [InlineData("pong")]
    [InlineData("left")]
    public async Task Member_SendsServerOnlyType_GetsBadMessageAndNothingIsForged(string type)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.B.SendAsync(new { type, roomId = pair.RoomId, peerId = "forged" });

        Assert.Equal("bad-message", (string)(await pair.B.ExpectAsync("error"))["code"]!);
        Assert.True(await pair.A.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Ping_AnyTime_AnswersPong()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "ping" });

        await client.ExpectAsync("pong");
    }
}
