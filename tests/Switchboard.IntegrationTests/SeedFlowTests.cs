using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>The tutorial's flow, exactly as its clients speak it: create, offer to join, answer, candidates.</summary>
public abstract class SeedFlowTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : SeedFlowTests(WayIn.Direct);

    public sealed class Pipeline() : SeedFlowTests(WayIn.Pipeline);

    [Fact]
    public async Task SeedFlow_CreateOfferAnswerCandidates_RelaysBothWaysInOrderWithFrom()
    {
        await using var server = await StartServerAsync();
        // The tutorial's clients connect to the root path.
        await using var creator = await server.ConnectAsync("/");
        await using var joiner = await server.ConnectAsync("/");

        await creator.SendAsync(new { type = "createRoom" });
        var created = await creator.ExpectAsync("roomCreated");
        var roomId = (string)created["payload"]!;
        Assert.Equal(roomId, (string)created["roomId"]!);
        Assert.Equal(2, (int)created["capacity"]!);
        var creatorId = (string)created["peerId"]!;

        await joiner.SendAsync(new { type = "offer", roomId, payload = new { type = "offer", sdp = "v=0 offer" } });
        var joinerId = (string)(await creator.ExpectAsync("peerJoined"))["peerId"]!;
        var offer = await creator.ExpectAsync("offer");
        Assert.Equal("v=0 offer", (string)offer["payload"]!["sdp"]!);
        Assert.Equal(joinerId, (string)offer["from"]!);
        Assert.Equal(roomId, (string)offer["roomId"]!);

        await creator.SendAsync(new { type = "answer", roomId, payload = new { type = "answer", sdp = "v=0 answer" } });
        var answer = await joiner.ExpectAsync("answer");
        Assert.Equal("v=0 answer", (string)answer["payload"]!["sdp"]!);
        Assert.Equal(creatorId, (string)answer["from"]!);

        for (var i = 0; i < 20; i++)
        {
            await creator.SendAsync(new { type = "candidate", roomId, payload = new { candidate = $"candidate:{i} 1 udp 1 127.0.0.1 {5000 + i} typ host", sdpMid = "0" } });
            await joiner.SendAsync(new { type = "candidate", roomId, payload = new { candidate = $"candidate:{i} 1 udp 1 127.0.0.2 {6000 + i} typ host", sdpMid = "0" } });
        }

        for (var i = 0; i < 20; i++)
        {
            var toJoiner = await joiner.ExpectAsync("candidate");
            Assert.StartsWith($"candidate:{i} ", (string)toJoiner["payload"]!["candidate"]!);
            Assert.Equal(creatorId, (string)toJoiner["from"]!);
            var toCreator = await creator.ExpectAsync("candidate");
            Assert.StartsWith($"candidate:{i} ", (string)toCreator["payload"]!["candidate"]!);
            Assert.Equal(joinerId, (string)toCreator["from"]!);
        }
    }

    [Fact]
    public async Task SeedFlow_ThirdClientOffers_GetsRoomIsAlreadyFull()
    {
        await using var server = await StartServerAsync();
        await using var creator = await server.ConnectAsync("/");
        await using var joiner = await server.ConnectAsync("/");
        await using var third = await server.ConnectAsync("/");
        var (roomId, _) = await creator.CreateRoomAsync();
        await joiner.SendAsync(new { type = "offer", roomId, payload = "sdp" });
        await creator.ExpectAsync("peerJoined");
        await creator.ExpectAsync("offer");

        await third.SendAsync(new { type = "offer", roomId, payload = "sdp" });

        var error = await third.ExpectAsync("error");
        Assert.Equal("room is already full", (string)error["payload"]!);
        Assert.Equal("room-full", (string)error["code"]!);
        Assert.True(await creator.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)), "the creator must not see the refused offer");
    }

    [Fact]
    public async Task SeedFlow_RelayedMessage_KeepsUnknownFieldsAndOverwritesClientFrom()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync();
        var bId = (string)(await b.JoinAsync(roomId))["peerId"]!;
        await a.ExpectAsync("peerJoined");

        await b.SendTextAsync($$"""{"type":"candidate","from":"{{aId}}","roomId":"{{roomId}}","extra":{"n":[1,2,{"x":null}]},"from":"spoof"}""");

        var relayed = await a.ExpectAsync("candidate");
        Assert.Equal(bId, (string)relayed["from"]!);
        Assert.Equal("""{"n":[1,2,{"x":null}]}""", relayed["extra"]!.ToJsonString());
    }

    [Fact]
    public async Task SeedFlow_MemberOffersAgain_IsRelayedForRenegotiation()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync();
        await b.SendAsync(new { type = "offer", roomId, payload = "first" });
        await a.ExpectAsync("peerJoined");
        await a.ExpectAsync("offer");

        await a.SendAsync(new { type = "offer", roomId, payload = "renegotiate" });

        Assert.Equal("renegotiate", (string)(await b.ExpectAsync("offer"))["payload"]!);
    }
}
