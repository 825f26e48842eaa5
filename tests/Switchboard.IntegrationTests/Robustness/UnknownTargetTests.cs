using System.Text;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// ROBUSTNESS.md C, bad inputs 3 (unknown or unauthorized targets), beyond <see cref="NPartyRoomTests"/>
/// and <see cref="MembershipTests"/>: a peer that has just gone, a peer id that never existed, and one
/// connection asking for ten thousand rooms.
/// </summary>
public abstract class UnknownTargetTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : UnknownTargetTests(WayIn.Direct);

    public sealed class Pipeline() : UnknownTargetTests(WayIn.Pipeline);

    [Fact]
    public async Task DirectedMessage_ToPeerThatJustDisconnected_GetsPeerNotFound()
    {
        await using var server = await StartServerAsync(o => o.ResumeGracePeriod = TimeSpan.Zero);
        await using var a = await server.ConnectAsync();
        var (roomId, _) = await a.CreateRoomAsync(capacity: 3);
        await using var b = await server.ConnectAsync();
        var bId = (string)(await b.JoinAsync(roomId))["peerId"]!;
        await a.ExpectAsync("peerJoined");
        await using var c = await server.ConnectAsync();
        await c.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        await b.ExpectAsync("peerJoined");

        b.Abort();
        await a.ExpectAsync("peerLeft");
        await c.ExpectAsync("peerLeft");
        await a.SendAsync(new { type = "candidate", roomId, to = bId, payload = "late" });

        Assert.Equal("peer-not-found", (string)(await a.ExpectAsync("error"))["code"]!);
        // The candidate meant for the gone peer must not fall back to a broadcast.
        Assert.True(await c.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task DirectedMessage_ToPeerIdThatNeverExisted_GetsPeerNotFound()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        // The shape of a real peer id (22 base64url characters), which no connection has.
        await pair.A.SendAsync(new { type = "offer", roomId = pair.RoomId, to = "AAAAAAAAAAAAAAAAAAAAAA", payload = "sdp" });

        Assert.Equal("peer-not-found", (string)(await pair.A.ExpectAsync("error"))["code"]!);
        Assert.True(await pair.B.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
    }

    /// <summary>
    /// Ten thousand joins and creates from one connection, written as fast as the socket takes them: it
    /// ends a member of at most <c>MaxRoomsPerConnection</c> rooms, every request beyond is refused with
    /// an error (never silently), and the server keeps relaying for others. Without the cap the attacker
    /// would be in 10 000 rooms (the joins alone make it a member of the 40 rooms that exist, the creates
    /// would make 10 000 more).
    /// </summary>
    [Fact]
    public async Task Connection_AsksForTenThousandRooms_IsCappedAtMaxRoomsPerConnection()
    {
        const int Requests = 10_000;
        const int Owners = 4;
        await using var server = await StartServerAsync(o => o.MaxRoomCapacity = 16);
        await using var pair = await RelayingPair.StartAsync(server);
        var owners = new List<TestClient>();
        var rooms = new List<string>();
        for (var i = 0; i < Owners; i++)
        {
            var owner = await server.ConnectAsync();
            owners.Add(owner);
            for (var j = 0; j < 10; j++)
            {
                rooms.Add((await owner.CreateRoomAsync(capacity: 16)).RoomId);
            }
        }

        await using var attacker = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var frames = new List<byte>();
        for (var i = 0; i < Requests; i++)
        {
            var text = i % 2 == 0 ? $$"""{"type":"join","roomId":"{{rooms[i / 2 % rooms.Count]}}"}""" : """{"type":"createRoom"}""";
            frames.AddRange(RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes(text)));
        }

        var writing = attacker.SendBytesAsync(frames.ToArray());
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        var memberOf = new HashSet<string>(StringComparer.Ordinal);
        var closed = 0;
        for (var i = 0; i < Requests; i++)
        {
            var (opcode, payload) = await attacker.ReadFrameAsync().DefaultTimeout();
            if (opcode == RawWebSocket.Close)
            {
                // Issue 11's message limits may close a client that sends this fast with 1008: a refusal too.
                closed = payload.Length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
                break;
            }

            if (opcode != RawWebSocket.Text)
            {
                continue;
            }

            var message = System.Text.Json.Nodes.JsonNode.Parse(payload)!;
            var key = (string)message["type"]! == "error" ? (string)message["code"]! : (string)message["type"]!;
            answers[key] = answers.GetValueOrDefault(key) + 1;
            if (key is "joined" or "roomCreated")
            {
                memberOf.Add((string)message["roomId"]!);
            }
        }

        await writing.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        // A join of a room it is already in answers joined again, so only distinct rooms count.
        Assert.InRange(memberOf.Count, 1, 16);
        Assert.InRange(server.Stats.Peers, 2 + rooms.Count + 1, 2 + rooms.Count + 16);
        Assert.True(closed is 0 or 1008, $"closed with {closed}");
        if (closed == 0)
        {
            Assert.True(answers.GetValueOrDefault("too-many-rooms") > 0, string.Join(", ", answers));
            Assert.Equal(Requests, answers.Values.Sum());
        }

        Assert.All(answers.Keys, key => Assert.Contains(key, new[] { "joined", "roomCreated", "too-many-rooms", "rate-limited" }));
        await pair.AssertStillRelayingAsync();
        foreach (var owner in owners)
        {
            await owner.DisposeAsync();
        }
    }
}
