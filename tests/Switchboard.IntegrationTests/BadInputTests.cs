using System.Net.WebSockets;
using System.Text;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Bad input gets the documented error or close, and an unrelated pair keeps relaying throughout.</summary>
public abstract class BadInputTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : BadInputTests(WayIn.Direct);

    public sealed class Pipeline() : BadInputTests(WayIn.Pipeline);

    public static TheoryData<string, string> Malformed => new()
    {
        { "{\"type\":\"ping\"", "bad-json" },
        { "not json", "bad-json" },
        { "", "bad-json" },
        { "\uFEFF{\"type\":\"ping\"}", "bad-json" },
        { "{\"type\":\"ping\"} {}", "bad-json" },
        { "{\"type\":\"ping\",}", "bad-json" },
        { string.Concat(Enumerable.Repeat("{\"a\":", 50)) + "1" + new string('}', 50), "bad-json" },
        { "null", "bad-message" },
        { "42", "bad-message" },
        { "\"createRoom\"", "bad-message" },
        { "[{\"type\":\"ping\"}]", "bad-message" },
        { "{}", "bad-message" },
        { "{\"roomId\":\"x\"}", "bad-message" },
        { "{\"type\":7}", "bad-message" },
        { "{\"type\":null}", "bad-message" },
        { "{\"type\":\"\"}", "bad-message" },
        { "{\"type\":\"ping\",\"type\":\"createRoom\"}", "bad-message" },
        { "{\"type\":\"join\",\"roomId\":123}", "bad-message" },
        { "{\"type\":\"join\"}", "bad-message" },
        { "{\"type\":\"candidate\",\"payload\":{}}", "bad-message" },
        { "{\"type\":\"offer\",\"roomId\":\"r\",\"to\":[1]}", "bad-message" },
        { "{\"type\":\"\\ud800\"}", "bad-message" },
        { "{\"type\":\"join\",\"roomId\":\"\\udc00\"}", "bad-message" },
        { "{\"type\":\"candidate\",\"roomId\":\"r\",\"to\":\"\\ud800\"}", "bad-message" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Message_Malformed_GetsErrorWithCodeAndConnectionStaysUsable(string text, string code)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(text);

        var error = await client.ExpectAsync("error");
        Assert.Equal(code, (string)error["code"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["payload"]));
        await client.SendAsync(new { type = "ping" });
        await client.ExpectAsync("pong");
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Message_ControlCharactersAndHugeRoomId_GetsRoomNotFound()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "join", roomId = "\u0000\u0001\n" + new string('x', 10_000) });

        Assert.Equal("room-not-found", (string)(await client.ExpectAsync("error"))["code"]!);
    }

    [Fact]
    public async Task Message_EscapedFieldNamesAndValues_AreUnderstood()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var escapedRoom = string.Concat(pair.RoomId.Select(c => $"\\u{(int)c:x4}"));

        await pair.A.SendTextAsync($$"""{"\u0074ype":"cand\u0069date","roomId":"{{escapedRoom}}","payload":"x"}""");

        var relayed = await pair.B.ExpectAsync("candidate");
        Assert.Equal("x", (string)relayed["payload"]!);
    }

    [Fact]
    public async Task Message_UnpairedSurrogateEscapeInTo_GetsBadMessageNamingTheFieldAndIsNotRelayed()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.A.SendTextAsync($$"""{"type":"candidate","roomId":"{{pair.RoomId}}","to":"\ud800","payload":"x"}""");

        var error = await pair.A.ExpectAsync("error");
        Assert.Equal("bad-message", (string)error["code"]!);
        Assert.Equal("\"to\" is not valid text: it contains an unpaired surrogate escape", (string)error["payload"]!);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Message_UnpairedSurrogateEscapeInPayload_IsRelayedByteForByte()
    {
        await using var server = await TestServer.StartAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var sent = $$"""{"type":"candidate","roomId":"{{pair.RoomId}}","payload":"\ud800"}""";

        await pair.A.SendTextAsync(sent);

        var relayed = await pair.B.ExpectAsync("candidate");
        Assert.Equal("\"\\ud800\"", relayed["payload"]!.GetValue<System.Text.Json.JsonElement>().GetRawText());
    }

    [Fact]
    public async Task Frame_Binary_GetsBadMessageAndConnectionStaysUsable()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);

        await pair.A.SendBytesAsync([1, 2, 3, 4], WebSocketMessageType.Binary);

        var error = await pair.A.ExpectAsync("error");
        Assert.Equal("bad-message", (string)error["code"]!);
        Assert.Contains("binary", (string)error["payload"]!, StringComparison.Ordinal);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Message_ExactlyMaxSize_IsRelayed()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        var text = MessageOfSize(pair.RoomId, 64 * 1024);

        await pair.A.SendTextAsync(text);

        var relayed = await pair.B.ExpectAsync("candidate");
        Assert.Equal(64 * 1024 - MessageOfSize(pair.RoomId, 0).Length, ((string)relayed["payload"]!).Length);
    }

    [Fact]
    public async Task Message_OneByteOverMaxSize_ClosesWith1009AndOthersKeepRelaying()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var offender = await server.ConnectAsync();
        var (room, _) = await offender.CreateRoomAsync();

        await offender.SendTextAsync(MessageOfSize(room, 64 * 1024 + 1));

        await offender.Closed.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, offender.CloseStatus);
        await Retry.UntilAsync("the offender's room is gone", () => server.Stats.Rooms == 1);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Message_FragmentedPastMaxSize_IsRefusedBeforeItIsBuffered()
    {
        await using var server = await StartServerAsync(o => o.MaxMessageSize = 4096);
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var chunk = Encoding.UTF8.GetBytes(new string('a', 1000));

        await raw.SendFrameAsync(RawWebSocket.Text, Encoding.UTF8.GetBytes("{\"type\":\"x\",\"p\":\""), fin: false);
        for (var i = 0; i < 5; i++)
        {
            await raw.SendFrameAsync(RawWebSocket.Continuation, chunk, fin: false);
        }

        Assert.Equal(1009, await raw.ReadUntilCloseAsync());
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Frame_InvalidUtf8Text_ClosesWith1007AndOthersKeepRelaying()
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Text, new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' });

        Assert.Equal(1007, await raw.ReadUntilCloseAsync());
        await raw.DisposeAsync();
        await Retry.UntilAsync("the connection is gone", () => server.Stats.Connections == 2);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Frame_InvalidUtf8Text_ClientAnswersTheClose_TcpEndsWithoutWaitingForCloseTimeout()
    {
        // A CloseTimeout longer than the test waits: only the client's answering close can end the connection.
        await using var server = await StartServerAsync(o => o.CloseTimeout = TimeSpan.FromMinutes(2));
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Text, new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' });
        Assert.Equal(1007, await raw.ReadUntilCloseAsync());
        await raw.SendFrameAsync(RawWebSocket.Close, new byte[] { 0x03, 0xEF });

        Assert.True(await raw.ServerClosedTcpAsync());
        await Retry.UntilAsync("the connection is gone", () => server.Stats.Connections == 0);
    }

    [Fact]
    public async Task Request_PlainHttpToWebSocketPath_Gets400()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(server.HttpAddress, "/ws")).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>A relayable message of exactly <paramref name="size"/> bytes (or the smallest possible, for 0).</summary>
    private static string MessageOfSize(string roomId, int size)
    {
        var empty = $$"""{"type":"candidate","roomId":"{{roomId}}","payload":""}""";
        return size == 0 ? empty : empty.Insert(empty.Length - 2, new string('x', size - empty.Length));
    }
}
