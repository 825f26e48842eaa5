using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Server;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// What the seat tests share: the short grace period and small resume buffer of the brief's test
/// servers, the resume handshake, and the checks every resume token must pass.
/// </summary>
internal static class Seat
{
    /// <summary>Long enough for a test to act while the seat waits, short enough to wait out.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public const int BufferLimit = 8;

    public const int BufferByteLimit = 4096;

    /// <summary>A quiet spell that proves a notice did not come; only ever used to show an absence.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static void Quick(SwitchboardOptions options)
    {
        options.ResumeGracePeriod = Grace;
        options.ResumeBufferLimit = BufferLimit;
        options.ResumeBufferByteLimit = BufferByteLimit;
    }

    /// <summary>The message's <c>resumeToken</c>, which must be 22 characters of base64url (128 bits).</summary>
    public static string Token(JsonObject message)
    {
        var token = (string?)message["resumeToken"];
        Assert.False(token is null, $"No resumeToken in {message.ToJsonString()}");
        Assert.Equal(22, token.Length);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        return token;
    }

    /// <summary>A token in the right form that no seat was ever given.</summary>
    public static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>Opens a new connection and asks for the seat; returns it and the server's first answer.</summary>
    public static async Task<(TestClient Client, JsonObject Answer)> ResumeAsync(TestServer server, string token)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync(new { type = "resume", token });
        return (client, await client.ReceiveAsync());
    }

    /// <summary>Sends <c>createRoom</c>; returns the room, the creator's peer id and its resume token.</summary>
    public static async Task<(string RoomId, string PeerId, string Token)> CreateRoomAsync(TestClient client, int capacity = 2)
    {
        await client.SendAsync(new { type = "createRoom", capacity });
        var created = await client.ExpectAsync("roomCreated");
        return ((string)created["roomId"]!, (string)created["peerId"]!, Token(created));
    }

    /// <summary>The next message, which must be an <c>error</c> with <paramref name="code"/>.</summary>
    public static async Task<JsonObject> ExpectErrorAsync(TestClient client, string code)
    {
        var error = await client.ExpectAsync("error");
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrEmpty((string?)error["payload"]), $"An error without a payload: {error.ToJsonString()}");
        return error;
    }

    public static void AssertResumeFailed(JsonObject answer)
    {
        Assert.True((string?)answer["type"] == "error" && (string?)answer["code"] == "resume-failed", $"Expected resume-failed but got {answer.ToJsonString()}");
        Assert.False(string.IsNullOrEmpty((string?)answer["payload"]));
    }

    public static JsonObject AssertResumed(JsonObject answer)
    {
        Assert.True((string?)answer["type"] == "resumed", $"Expected resumed but got {answer.ToJsonString()}");
        Assert.IsType<JsonArray>(answer["iceServers"]);
        return answer;
    }

    /// <summary>The one room of a <c>resumed</c>, by id; fails when it is missing.</summary>
    public static JsonObject Room(JsonObject resumed, string roomId)
    {
        var rooms = Assert.IsType<JsonArray>(resumed["rooms"]);
        var room = rooms.OfType<JsonObject>().SingleOrDefault(r => (string?)r["roomId"] == roomId);
        Assert.False(room is null, $"Room {roomId} is not in {resumed.ToJsonString()}");
        return room;
    }

    public static string[] Peers(JsonObject roomOrJoined) =>
        [.. Assert.IsType<JsonArray>(roomOrJoined["peers"]).Select(p => (string)p!)];

    /// <summary>The next message must be the membership notice <paramref name="type"/> about <paramref name="peerId"/> in <paramref name="roomId"/>.</summary>
    public static async Task ExpectNoticeAsync(TestClient client, string type, string roomId, string peerId)
    {
        var notice = await client.ExpectAsync(type);
        Assert.Equal(roomId, (string?)notice["roomId"]);
        Assert.Equal(peerId, (string?)notice["peerId"]);
    }

    /// <summary>
    /// Sends, then waits for the answer to a ping sent after it: the server has acted on the message
    /// before this returns, so what several clients send this way reaches a third in this order.
    /// </summary>
    public static async Task SendSettledAsync(TestClient client, object message)
    {
        await client.SendAsync(message);
        await client.SendAsync(new { type = "ping" });
        await client.ExpectAsync("pong");
    }

    /// <summary>The next JSON text frame from a raw client; pings from the server are skipped (and not answered).</summary>
    public static async Task<JsonObject> ReadJsonAsync(RawWebSocket raw)
    {
        while (true)
        {
            var (opcode, payload) = await raw.ReadFrameAsync().DefaultTimeout();
            if (opcode == RawWebSocket.Ping)
            {
                continue;
            }

            Assert.Equal(RawWebSocket.Text, opcode);
            return (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(payload))!;
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
