using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// ROBUSTNESS.md C, bad inputs 6 (protocol state), beyond <see cref="MembershipTests"/> and
/// <see cref="NPartyRoomTests"/>: negotiation messages out of order, and ICE candidates that arrive after
/// a leave from either side. The server keeps no negotiation state (docs/protocol.md, "Relaying"), so
/// order is the peers' business; membership is the server's.
/// </summary>
public abstract class ProtocolStateTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : ProtocolStateTests(WayIn.Direct);

    public sealed class Pipeline() : ProtocolStateTests(WayIn.Pipeline);

    [Fact]
    public async Task Answer_BeforeAnyOffer_IsRelayedUnchangedBetweenMembers()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.B.SendAsync(new { type = "answer", roomId = pair.RoomId, payload = new { type = "answer", sdp = "v=0" } });

        // Refusing it would break renegotiation and glare recovery, which reorder offers and answers.
        var answer = await pair.A.ExpectAsync("answer");
        Assert.Equal("v=0", (string)answer["payload"]!["sdp"]!);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Answer_FromNonMemberBeforeAnyOffer_GetsNotInRoomAndDoesNotJoin()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var stranger = await server.ConnectAsync();

        await stranger.SendAsync(new { type = "answer", roomId = pair.RoomId, payload = "sdp" });

        // Only an offer is the tutorial's join; an answer must not make the stranger a member.
        Assert.Equal("not-in-room", (string)(await stranger.ExpectAsync("error"))["code"]!);
        Assert.Equal(2, server.Stats.Peers);
        Assert.True(await pair.A.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Candidate_DirectedAtMemberAfterOwnLeave_GetsNotInRoomAndIsNotDelivered()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        var (roomId, aId) = await a.CreateRoomAsync(capacity: 3);
        await using var b = await server.ConnectAsync();
        await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");

        await b.SendAsync(new { type = "leave", roomId });
        await b.ExpectAsync("left");
        await a.ExpectAsync("peerLeft");
        await b.SendAsync(new { type = "candidate", roomId, to = aId, payload = new { candidate = "candidate:1 1 udp 1 10.0.0.1 9 typ host" } });

        Assert.Equal("not-in-room", (string)(await b.ExpectAsync("error"))["code"]!);
        Assert.True(await a.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Candidate_ToPeerThatLeft_GetsPeerNotFoundAndOthersSeeNothing()
    {
        await using var server = await StartServerAsync();
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync(capacity: 3);
        await using var b = await server.ConnectAsync();
        var bId = (string)(await b.JoinAsync(roomId))["peerId"]!;
        await a.ExpectAsync("peerJoined");
        await using var c = await server.ConnectAsync();
        await c.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        await b.ExpectAsync("peerJoined");

        await b.SendAsync(new { type = "leave", roomId });
        await b.ExpectAsync("left");
        await a.ExpectAsync("peerLeft");
        await c.ExpectAsync("peerLeft");
        await a.SendAsync(new { type = "candidate", roomId, to = bId, payload = "late" });

        Assert.Equal("peer-not-found", (string)(await a.ExpectAsync("error"))["code"]!);
        Assert.True(await b.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await c.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Candidates_BurstRightAfterLeaveInOneWrite_NoneIsDelivered()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync(capacity: 3);
        await using var c = await server.ConnectAsync();
        await c.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        await raw.SendTextAsync($$"""{"type":"join","roomId":"{{roomId}}"}""");
        Assert.Equal("joined", await NextTypeAsync(raw));
        await a.ExpectAsync("peerJoined");
        await c.ExpectAsync("peerJoined");

        // What a browser's trickle ICE does when its user hangs up mid-gathering: leave, then candidates, in one write.
        var burst = new List<byte>(RawWebSocket.Frame(RawWebSocket.Text, System.Text.Encoding.UTF8.GetBytes($$"""{"type":"leave","roomId":"{{roomId}}"}""")));
        for (var i = 0; i < 20; i++)
        {
            burst.AddRange(RawWebSocket.Frame(RawWebSocket.Text, System.Text.Encoding.UTF8.GetBytes($$"""{"type":"candidate","roomId":"{{roomId}}","payload":{{i}}}""")));
        }

        await raw.SendBytesAsync(burst.ToArray());

        Assert.Equal("left", await NextTypeAsync(raw));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("error", await NextTypeAsync(raw));
        }

        await a.ExpectAsync("peerLeft");
        await c.ExpectAsync("peerLeft");
        Assert.True(await a.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await c.NothingArrivesAsync(TimeSpan.FromMilliseconds(50)));
        await pair.AssertStillRelayingAsync();
    }

    private static async Task<string> NextTypeAsync(RawWebSocket raw) =>
        (string)System.Text.Json.Nodes.JsonNode.Parse((await raw.ReadFrameAsync().DefaultTimeout()).Payload)!["type"]!;
}
