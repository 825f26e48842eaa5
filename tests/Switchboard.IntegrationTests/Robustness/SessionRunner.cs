using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Server.Protocol;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// Plays one random session against a running server and checks, after every step, what each client
/// was told: every message is one the protocol documents, every error code is in
/// <see cref="ErrorCodes.All"/>, an error for garbage has the documented code, and a relayed message
/// comes from a peer its receiver was told is in that room (never from itself, never from a peer it was
/// told has left). No client is closed by the server except the one that sent invalid UTF-8.
/// </summary>
internal sealed class SessionRunner : IAsyncDisposable
{
    private static readonly string[] _relayTypes = ["answer", "candidate", "bye", "x-app"];

    private readonly TestServer _server;
    private readonly Seat[] _seats = new Seat[SessionGen.Clients];
    private readonly List<string> _rooms = [];
    private readonly List<string> _peers = [];

    private SessionRunner(TestServer server) => _server = server;

    public static async Task<SessionRunner> StartAsync(TestServer server)
    {
        var runner = new SessionRunner(server);
        for (var i = 0; i < runner._seats.Length; i++)
        {
            runner._seats[i] = new Seat(await server.ConnectAsync());
        }

        return runner;
    }

    public async Task RunAsync(IReadOnlyList<SessionStep> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            try
            {
                await RunStepAsync(steps[i]);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"Step {i} ({steps[i]}) failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        // Everything relayed to a client was queued before the pong that answers its next ping.
        foreach (var seat in _seats)
        {
            await SyncAsync(seat, expectedError: null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _seats.Length; i++)
        {
            if (i % 2 == 0)
            {
                _seats[i].Client.Abort();
            }
            else
            {
                await _seats[i].Client.CloseAsync();
            }

            await _seats[i].Client.DisposeAsync();
        }
    }

    private async Task RunStepAsync(SessionStep step)
    {
        var seat = _seats[step.Client];
        var client = seat.Client;
        string? expectedError = null;
        switch (step.Kind)
        {
            case SessionStepKind.CreateRoom:
                await client.SendAsync(new { type = "createRoom", capacity = 1 + (step.Variant % 5) });
                break;
            case SessionStepKind.Join:
                await client.SendAsync(new { type = "join", roomId = PickRoom(step.Room) });
                break;
            case SessionStepKind.Leave:
                await client.SendAsync(new { type = "leave", roomId = PickRoom(step.Room) });
                break;
            case SessionStepKind.Offer:
                var offered = PickRoom(step.Room);
                await client.SendAsync(new { type = "offer", roomId = offered, payload = new { type = "offer", sdp = "v=0" } });
                if (await SyncAsync(seat, expectedError: null) == 0 && !seat.Known.ContainsKey(offered))
                {
                    // The tutorial's join answers nothing; a join of a room one is in answers joined with its members.
                    await client.SendAsync(new { type = "join", roomId = offered });
                    await SyncAsync(seat, expectedError: null);
                    Assert.True(seat.Known.ContainsKey(offered), "An offer neither joined the room nor was refused.");
                }

                return;
            case SessionStepKind.RelayToRoom:
                await client.SendAsync(new { type = _relayTypes[step.Variant % _relayTypes.Length], roomId = PickRoom(step.Room), payload = step.Variant });
                break;
            case SessionStepKind.RelayToPeer:
                await client.SendAsync(new { type = "candidate", roomId = PickRoom(step.Room), to = PickPeer(step.Peer), payload = step.Variant });
                break;
            case SessionStepKind.Ping:
                await client.SendAsync(new { type = "ping" });
                await SyncAsync(seat, expectedError: null, pongs: 2);
                return;
            case SessionStepKind.Garbage:
                var (text, code) = SessionGarbage.Messages[step.Variant % SessionGarbage.Messages.Length];
                await client.SendTextAsync(text.Replace("ROOM", PickRoom(step.Room), StringComparison.Ordinal));
                expectedError = code;
                break;
            case SessionStepKind.Binary:
                await client.SendBytesAsync([1, 2, 3], WebSocketMessageType.Binary);
                expectedError = ErrorCodes.BadMessage;
                break;
            case SessionStepKind.InvalidUtf8:
                await client.SendBytesAsync([(byte)'{', 0xC3, 0x28, (byte)'}'], WebSocketMessageType.Text);
                await ReplaceAsync(step.Client, expectedClose: WebSocketCloseStatus.InvalidPayloadData);
                return;
            case SessionStepKind.Vanish:
                client.Abort();
                await ReplaceAsync(step.Client, expectedClose: null);
                return;
            case SessionStepKind.Close:
                await client.CloseAsync();
                await ReplaceAsync(step.Client, expectedClose: null);
                return;
        }

        await SyncAsync(seat, expectedError);
    }

    /// <summary>Pings and reads up to the pong, checking each message on the way.</summary>
    /// <returns>How many errors arrived meanwhile.</returns>
    private async Task<int> SyncAsync(Seat seat, string? expectedError, int pongs = 1)
    {
        if (seat.Client.Closed.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException($"The server closed a client that broke no framing rule: {seat.Client.CloseStatus} {seat.Client.CloseDescription}");
        }

        await seat.Client.SendAsync(new { type = "ping" });
        var errors = new List<string>();
        while (true)
        {
            var message = await seat.Client.ReceiveAsync();
            var type = (string?)message["type"];
            if (type == "pong" && --pongs == 0)
            {
                break;
            }

            if (type == "error")
            {
                errors.Add((string)message["code"]!);
            }

            Check(seat, message);
        }

        if (expectedError is not null && !errors.Contains(expectedError) && !errors.Contains(ErrorCodes.RateLimited))
        {
            throw new Xunit.Sdk.XunitException($"Expected a '{expectedError}' error, got [{string.Join(", ", errors)}].");
        }

        Assert.Empty(seat.Client.Unparsable);
        return errors.Count;
    }

    private void Check(Seat seat, JsonObject message)
    {
        var type = (string?)message["type"] ?? throw new Xunit.Sdk.XunitException("A message without a type: " + message.ToJsonString());
        var roomId = (string?)message["roomId"];
        switch (type)
        {
            case "error":
                var code = (string?)message["code"];
                Assert.True(code is not null && ErrorCodes.All.Contains(code), "Undocumented error: " + message.ToJsonString());
                Assert.False(string.IsNullOrWhiteSpace((string?)message["payload"]), "An error without a payload: " + message.ToJsonString());
                return;
            case "roomCreated":
            case "joined":
                var self = (string)message["peerId"]!;
                seat.Id = self;
                Learn(_rooms, roomId!);
                Learn(_peers, self);
                var known = seat.Known[roomId!] = [self];
                foreach (var peer in message["peers"]?.AsArray() ?? [])
                {
                    known.Add((string)peer!);
                }

                return;
            case "pong":
                return;
            case "left":
                seat.Known.Remove(roomId!);
                return;
            case "peerJoined":
                Assert.True(seat.Known.TryGetValue(roomId!, out var room), "peerJoined for a room the client is not in: " + message.ToJsonString());
                Assert.True(room!.Add((string)message["peerId"]!), "peerJoined for a peer the client already knew in that room: " + message.ToJsonString());
                Learn(_peers, (string)message["peerId"]!);
                return;
            case "peerLeft":
                Assert.True(seat.Known.TryGetValue(roomId!, out room) && room!.Remove((string)message["peerId"]!), "peerLeft for a peer the client was not told of: " + message.ToJsonString());
                return;
            case "peerDisconnected":
            case "peerReconnected":
                Assert.True(seat.Known.TryGetValue(roomId!, out room) && room!.Contains((string)message["peerId"]!), type + " for a peer the client was not told of: " + message.ToJsonString());
                return;
        }

        // Anything else is relayed: the sender's type, into a room the receiver is in, from a peer it knows there.
        Assert.True(type == "offer" || _relayTypes.Contains(type), "Undocumented message: " + message.ToJsonString());
        var from = (string?)message["from"];
        HashSet<string>? members = null;
        Assert.True(roomId is not null && seat.Known.TryGetValue(roomId, out members), "A relay into a room the receiver is not in: " + message.ToJsonString());
        Assert.True(from is not null && from != seat.Id && members!.Contains(from), "A relay from a peer not (or no longer) in the room: " + message.ToJsonString());
    }

    private async Task ReplaceAsync(int index, WebSocketCloseStatus? expectedClose)
    {
        var old = _seats[index].Client;
        if (expectedClose is not null)
        {
            // The close frame is enough: .NET's client then waits up to 1 s for the server to end TCP, which
            // through the pipeline it does only after CloseTimeout (docs/robustness.md, "Findings").
            await Retry.UntilAsync("the server closes the connection", () => old.CloseStatus is not null || old.Closed.IsCompleted);
            Assert.Equal(expectedClose, old.CloseStatus);
        }

        await old.DisposeAsync();
        _seats[index] = new Seat(await _server.ConnectAsync());
    }

    private string PickRoom(int index) => index % (_rooms.Count + 1) < _rooms.Count ? _rooms[index % (_rooms.Count + 1)] : "AAAAAAAAAAAAAAAAAAAAAA";

    private string PickPeer(int index) => index % (_peers.Count + 1) < _peers.Count ? _peers[index % (_peers.Count + 1)] : "BBBBBBBBBBBBBBBBBBBBBB";

    private static void Learn(List<string> ids, string id)
    {
        if (!ids.Contains(id))
        {
            ids.Add(id);
        }
    }

    /// <summary>One client's connection and what it was told: its own id, and the members of each room it is in.</summary>
    private sealed class Seat(TestClient client)
    {
        public TestClient Client { get; } = client;

        public string? Id { get; set; }

        public Dictionary<string, HashSet<string>> Known { get; } = new(StringComparer.Ordinal);
    }
}
