using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// ROBUSTNESS.md C, bad inputs 2 (wrong types), beyond what <see cref="BadInputTests"/> sends: duplicated
/// keys other than <c>type</c>, control characters and <c>\u0000</c> in ids, empty and huge ids. Each
/// gets the documented error and nothing reaches the room's members.
/// </summary>
public abstract class MalformedFieldTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : MalformedFieldTests(WayIn.Direct);

    public sealed class Pipeline() : MalformedFieldTests(WayIn.Pipeline);

    /// <summary>
    /// A duplicated key the server reads: were the last (or first) one taken silently, a client could show
    /// one room to a proxy's filter and another to the server. <c>ROOM</c> and <c>PEER</c> are replaced by
    /// the pair's real ids, so only the duplication is wrong.
    /// </summary>
    [Theory]
    [InlineData("""{"type":"candidate","roomId":"ROOM","roomId":"ROOM","payload":1}""")]
    [InlineData("""{"type":"candidate","roomId":"ROOM","to":"PEER","to":"PEER","payload":1}""")]
    [InlineData("""{"type":"createRoom","capacity":2,"capacity":3}""")]
    [InlineData("""{"type":"leave","roomId":"ROOM","roomId":"other"}""")]
    public async Task Message_DuplicatedKey_GetsBadMessageAndNothingIsRelayed(string template)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var bId = await PeerIdOfBAsync(pair);
        var rooms = server.Stats.Rooms;

        await pair.A.SendTextAsync(template.Replace("ROOM", pair.RoomId, StringComparison.Ordinal).Replace("PEER", bId, StringComparison.Ordinal));

        var error = await pair.A.ExpectAsync("error");
        Assert.Equal("bad-message", (string)error["code"]!);
        Assert.True(await pair.B.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(rooms, server.Stats.Rooms);
        Assert.Equal(2, server.Stats.Peers);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>
    /// Escaped control characters are legal JSON: the id they spell is simply unknown. Raw ones are not
    /// JSON at all. Neither may reach a member, throw in the parser, or be echoed into a log line as-is.
    /// </summary>
    [Theory]
    [InlineData("""{"type":"candidate","roomId":"\u0000","payload":1}""", "room-not-found")]
    [InlineData("""{"type":"join","roomId":"\u0000\u001f\u007f\r\n"}""", "room-not-found")]
    [InlineData("""{"type":"candidate","roomId":"ROOM","to":"\u0000","payload":1}""", "peer-not-found")]
    [InlineData("""{"type":"candidate","roomId":"ROOM","to":"PEER\u0000","payload":1}""", "peer-not-found")]
    [InlineData("""{"type":"candidate\u0000","roomId":"ROOM\u0000","payload":1}""", "room-not-found")]
    [InlineData("{\"type\":\"join\",\"roomId\":\"\u0001\"}", "bad-json")]
    [InlineData("{\"type\":\"candidate\",\"roomId\":\"ROOM\",\"payload\":\"\u0000\"}", "bad-json")]
    public async Task Message_ControlCharacterInAnId_GetsItsErrorAndNothingIsRelayed(string template, string code)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var bId = await PeerIdOfBAsync(pair);

        await pair.A.SendTextAsync(template.Replace("ROOM", pair.RoomId, StringComparison.Ordinal).Replace("PEER", bId, StringComparison.Ordinal));

        Assert.Equal(code, (string)(await pair.A.ExpectAsync("error"))["code"]!);
        Assert.True(await pair.B.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        await pair.AssertStillRelayingAsync();
    }

    [Theory]
    [InlineData("join", "", "room-not-found")]
    [InlineData("candidate", "", "room-not-found")]
    [InlineData("leave", "", "room-not-found")]
    public async Task Message_EmptyRoomId_GetsRoomNotFound(string type, string roomId, string code)
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type, roomId });

        Assert.Equal(code, (string)(await client.ExpectAsync("error"))["code"]!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60_000)]
    public async Task Message_EmptyOrHugeTo_GetsPeerNotFound(int length)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.A.SendAsync(new { type = "candidate", roomId = pair.RoomId, to = new string('p', length), payload = 1 });

        Assert.Equal("peer-not-found", (string)(await pair.A.ExpectAsync("error"))["code"]!);
        Assert.True(await pair.B.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Message_HugeTypeFromMember_IsRelayedOpaquelyWithinMaxMessageSize()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var type = new string('t', 60_000);

        await pair.A.SendAsync(new { type, roomId = pair.RoomId });

        // Application types are opaque (docs/protocol.md): a long one is relayed like any other, not an error.
        Assert.Equal(type, (string)(await pair.B.ReceiveAsync())["type"]!);
        await pair.AssertStillRelayingAsync();
    }

    /// <summary>B's peer id, from a message B relays to A (the pair does not keep it).</summary>
    private static async Task<string> PeerIdOfBAsync(RelayingPair pair)
    {
        await pair.B.SendAsync(new { type = "hello", roomId = pair.RoomId });
        return (string)(await pair.A.ExpectAsync("hello"))["from"]!;
    }
}
