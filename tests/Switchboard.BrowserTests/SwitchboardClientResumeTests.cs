using System.Text.Json;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// switchboard.js's side of resuming a seat, run in the browser against a scripted server (a stand-in
/// WebSocket that the test answers as docs/protocol.md says the server does), so every branch can be
/// reached without cutting real connections: resume first on the new connection, the rooms kept and
/// corrected from <c>resumed</c>, the fall-back to joining afresh, and no reconnect after 4001 or a
/// close that ended the seat.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SwitchboardClientResumeTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    // Opens a page of the server (for the module), then swaps in the stand-in before creating a client:
    // SignalingSocket takes the WebSocket class when it is made. The app's own client keeps the real one.
    private const string Harness = """
        async (script) => {
          const { SwitchboardClient } = await import('/js/switchboard.js');
          const sockets = [];
          class ScriptedSocket {
            static OPEN = 1;
            readyState = 0;
            sent = [];
            constructor() {
              sockets.push(this);
              setTimeout(() => { this.readyState = 1; this.onopen?.(); }, 0);
            }
            send(data) { this.sent.push(JSON.parse(data)); }
            close(code, reason) { this.closedWith = { code, reason }; this.readyState = 3; }
            receive(message) { this.onmessage?.({ data: JSON.stringify(message) }); }
            drop(code, reason = '') { this.readyState = 3; this.onclose?.({ code, reason }); }
          }
          const real = globalThis.WebSocket;
          globalThis.WebSocket = ScriptedSocket;
          const until = async (what, condition) => {
            for (let i = 0; i < 1000; i++) {
              const value = condition();
              if (value) return value;
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
            throw new Error('timed out waiting for ' + what);
          };
          const events = [];
          const make = (options) => {
            const client = new SwitchboardClient({ backoff: { baseMs: 1, capMs: 1, jitter: 0 }, heartbeatMs: 0, ...options });
            for (const type of ['reconnecting', 'reconnected', 'resumed', 'rejoined', 'roomlost', 'peerjoined', 'peerleft', 'peerdisconnected', 'peerreconnected', 'message', 'replaced', 'servererror']) {
              client.addEventListener(type, (e) => events.push({ type, detail: e.detail }));
            }
            return client;
          };
          const opened = (index) => until(`connection ${index}`, () => sockets[index]?.readyState === 1 && sockets[index]);
          const request = (socket, type) => until(`a ${type} request`, () => socket.sent.find((m) => m.type === type));
          try {
            return JSON.stringify(await script({ make, sockets, opened, request, until, events }));
          } finally {
            globalThis.WebSocket = real;
          }
        }
        """;

    [Fact]
    public async Task Client_ConnectionDropsInRoom_ResumesFirstKeepsPeerIdAndCorrectsMembers()
    {
        var result = await RunAsync<ResumeRun>("""
            async ({ make, opened, request, until, events }) => {
              const client = make({ token: 'jwt' });
              client.connect();
              const first = await opened(0);
              const created = client.createRoom({ capacity: 3 });
              await request(first, 'createRoom');
              first.receive({ type: 'roomCreated', roomId: 'R', payload: 'R', peerId: 'A', capacity: 3, iceServers: [], resumeToken: 'token-1' });
              await created;
              first.receive({ type: 'peerJoined', roomId: 'R', peerId: 'B' });
              first.receive({ type: 'peerJoined', roomId: 'R', peerId: 'C' });
              events.length = 0;

              first.drop(1006);
              const sentWhileAway = client.send('R', 'chat', { text: 'lost' });
              const queued = client.join('S');
              const second = await opened(1);
              await request(second, 'resume');
              const beforeAnswer = second.sent.map((m) => m.type);
              second.receive({ type: 'resumed', peerId: 'A', resumeToken: 'token-2', rooms: [{ roomId: 'R', capacity: 3, peers: ['B', 'D'] }], iceServers: [] });
              second.receive({ type: 'chat', roomId: 'R', from: 'B', text: 'kept for you' });
              await request(second, 'join');
              second.receive({ type: 'joined', roomId: 'S', peerId: 'A', capacity: 2, peers: [], iceServers: [], resumeToken: 'token-2' });
              await queued;
              second.receive({ type: 'peerDisconnected', roomId: 'R', peerId: 'B' });
              second.receive({ type: 'peerReconnected', roomId: 'R', peerId: 'B' });
              return {
                sentWhileAway,
                firstMessages: beforeAnswer,
                resumeToken: second.sent.find((m) => m.type === 'resume').token,
                peerId: client.peerId,
                peers: client.peersOf('R'),
                rooms: client.rooms,
                events: events.map((e) => e.type + (e.detail?.peerId ? ':' + e.detail.peerId : '') + (e.type === 'rejoined' ? ':' + e.detail.resumed : '')),
                sentAfter: client.send('R', 'chat', { text: 'live' }),
              };
            }
            """);

        Assert.False(result.SentWhileAway);
        // auth first (the token judges what follows), then resume, before the join the page queued meanwhile.
        Assert.Equal(["auth", "resume"], result.FirstMessages);
        Assert.Equal("token-1", result.ResumeToken);
        Assert.Equal("A", result.PeerId);
        Assert.Equal(["B", "D"], result.Peers);
        Assert.Equal(["R", "S"], result.Rooms);
        Assert.Equal(
            ["reconnecting", "reconnected", "peerleft:C", "peerjoined:D", "rejoined:A:true", "resumed:A", "message", "peerdisconnected:B", "peerreconnected:B"],
            result.Events);
        Assert.True(result.SentAfter);
    }

    [Fact]
    public async Task Client_DropsAgainBeforeResumed_NextConnectionResumesWithSameToken()
    {
        var result = await RunAsync<ResumeAgainRun>("""
            async ({ make, opened, request, events }) => {
              const client = make({});
              client.connect();
              const first = await opened(0);
              const joined = client.join('R');
              await request(first, 'join');
              first.receive({ type: 'joined', roomId: 'R', peerId: 'A', capacity: 2, peers: ['B'], iceServers: [], resumeToken: 'token-1' });
              await joined;
              first.drop(1006);
              const second = await opened(1);
              await request(second, 'resume');
              second.drop(1006);
              const third = await opened(2);
              const resume = await request(third, 'resume');
              third.receive({ type: 'resumed', peerId: 'A', resumeToken: 'token-2', rooms: [{ roomId: 'R', capacity: 2, peers: ['B'] }], iceServers: [] });
              return {
                token: resume.token,
                messages: [second.sent.map((m) => m.type), third.sent.map((m) => m.type)],
                peerId: client.peerId,
                peers: client.peersOf('R'),
                resumed: events.filter((e) => e.type === 'resumed').length,
              };
            }
            """);

        Assert.Equal("token-1", result.Token);
        Assert.Equal([["resume"], ["resume"]], result.Messages);
        Assert.Equal("A", result.PeerId);
        Assert.Equal(["B"], result.Peers);
        Assert.Equal(1, result.Resumed);
    }

    [Fact]
    public async Task Client_ServerStopsAnsweringHeartbeat_ReconnectsWithoutCloseFrameAndClosesOldOnceResumed()
    {
        var result = await RunAsync<HeartbeatRun>("""
            async ({ make, opened, request }) => {
              const client = make({ heartbeatMs: 100 });
              client.connect();
              const first = await opened(0);
              const joined = client.join('R');
              await request(first, 'join');
              first.receive({ type: 'joined', roomId: 'R', peerId: 'A', capacity: 2, peers: ['B'], iceServers: [], resumeToken: 'token-1' });
              await joined;
              // No pong from here on: the next tick gives up on this connection.
              const second = await opened(1);
              await request(second, 'resume');
              const oldWhileResuming = first.closedWith ?? null;
              second.receive({ type: 'resumed', peerId: 'A', resumeToken: 'token-2', rooms: [{ roomId: 'R', capacity: 2, peers: ['B'] }], iceServers: [] });
              await new Promise((resolve) => setTimeout(resolve, 0));
              client.close();
              return { oldWhileResuming, oldAfterResumed: first.closedWith?.code ?? 0, peerId: client.peerId };
            }
            """);

        Assert.Null(result.OldWhileResuming);
        Assert.Equal(1000, result.OldAfterResumed);
    }

    [Fact]
    public async Task Client_LeavesRoomWhileAway_LeavesItAgainOnceResumed()
    {
        var result = await RunAsync<LeaveRun>("""
            async ({ make, opened, request, until, events }) => {
              const client = make({});
              client.connect();
              const first = await opened(0);
              const joinedR = client.join('R');
              await request(first, 'join');
              first.receive({ type: 'joined', roomId: 'R', peerId: 'A', capacity: 2, peers: [], iceServers: [], resumeToken: 'token-1' });
              await joinedR;
              const joinedS = client.join('S');
              await until('the second join', () => first.sent.filter((m) => m.type === 'join').length === 2);
              first.receive({ type: 'joined', roomId: 'S', peerId: 'A', capacity: 2, peers: [], iceServers: [], resumeToken: 'token-1' });
              await joinedS;
              first.drop(1006);
              await client.leave('S');
              const second = await opened(1);
              await request(second, 'resume');
              second.receive({ type: 'resumed', peerId: 'A', resumeToken: 'token-2', rooms: [{ roomId: 'R', capacity: 2, peers: [] }, { roomId: 'S', capacity: 2, peers: [] }], iceServers: [] });
              const leave = await request(second, 'leave');
              second.receive({ type: 'left', roomId: 'S' });
              await until('the room to go', () => client.rooms.length === 1);
              return { left: leave.roomId, rooms: client.rooms, rejoined: events.filter((e) => e.type === 'rejoined').map((e) => e.detail.roomId) };
            }
            """);

        Assert.Equal("S", result.Left);
        Assert.Equal(["R"], result.Rooms);
        Assert.Equal(["R"], result.Rejoined);
    }

    [Fact]
    public async Task Client_ResumeFailed_JoinsEachRoomAfreshWithNewPeerId()
    {
        var result = await RunAsync<RejoinRun>("""
            async ({ make, opened, request, events }) => {
              const client = make({});
              client.connect();
              const first = await opened(0);
              const joined = client.join('R');
              await request(first, 'join');
              first.receive({ type: 'joined', roomId: 'R', peerId: 'A', capacity: 2, peers: ['B'], iceServers: [], resumeToken: 'token-1' });
              await joined;
              events.length = 0;

              first.drop(1006);
              const second = await opened(1);
              await request(second, 'resume');
              second.receive({ type: 'error', code: 'resume-failed', payload: 'no such seat' });
              await request(second, 'join');
              second.receive({ type: 'joined', roomId: 'R', peerId: 'A2', capacity: 2, peers: ['B'], iceServers: [], resumeToken: 'token-3' });
              await new Promise((resolve) => client.addEventListener('rejoined', resolve, { once: true }));
              second.drop(1006);
              const third = await opened(2);
              await request(third, 'resume');
              return {
                messages: second.sent.map((m) => m.type),
                peerId: client.peerId,
                nextToken: third.sent.find((m) => m.type === 'resume').token,
                events: events.map((e) => e.type + (e.type === 'rejoined' ? ':' + e.detail.peerId + ':' + e.detail.resumed : '')),
              };
            }
            """);

        Assert.Equal(["resume", "join"], result.Messages);
        Assert.Equal("A2", result.PeerId);
        Assert.Equal("token-3", result.NextToken);
        Assert.Equal(["reconnecting", "reconnected", "rejoined:A2:false", "reconnecting", "reconnected"], result.Events);
    }

    [Fact]
    public async Task Client_ClosedWith4001_ReportsReplacedAndNeverReconnects()
    {
        var result = await RunAsync<ReplacedRun>("""
            async ({ make, sockets, opened, request, events }) => {
              const client = make({});
              client.connect();
              const first = await opened(0);
              const created = client.createRoom();
              await request(first, 'createRoom');
              first.receive({ type: 'roomCreated', roomId: 'R', payload: 'R', peerId: 'A', capacity: 2, iceServers: [], resumeToken: 'token-1' });
              await created;
              first.drop(4001, 'replaced');
              const refused = await client.join('S').then(() => 'joined', (error) => error.code);
              // Proves a reconnect did not happen: the backoff is 1 ms here.
              await new Promise((resolve) => setTimeout(resolve, 100));
              return { sockets: sockets.length, state: client.state, replaced: client.replaced, refused, events: events.map((e) => e.type + ':' + (e.detail?.reason ?? '')) };
            }
            """);

        Assert.Equal(1, result.Sockets);
        Assert.Equal("closed", result.State);
        Assert.True(result.Replaced);
        Assert.Equal("replaced", result.Refused);
        Assert.Equal(["replaced:replaced"], result.Events);
    }

    [Fact]
    public async Task Client_ServerEndedSeatWith4008_RejoinsWithoutTryingToResume()
    {
        var result = await RunAsync<string[]>("""
            async ({ make, opened, request }) => {
              const client = make({});
              client.connect();
              const first = await opened(0);
              const joined = client.join('R');
              await request(first, 'join');
              first.receive({ type: 'joined', roomId: 'R', peerId: 'A', capacity: 2, peers: [], iceServers: [], resumeToken: 'token-1' });
              await joined;
              first.drop(4008, 'too slow');
              const second = await opened(1);
              await request(second, 'join');
              return second.sent.map((m) => m.type);
            }
            """);

        Assert.Equal(["join"], result);
    }

    private async Task<T> RunAsync<T>(string script)
    {
        await using var scenario = new Scenario(browser, output, "client-resume");
        var page = (await scenario.AddPersonAsync("probe")).Page;
        await page.GotoAsync(scenario.BaseUrl);
        var json = await page.EvaluateAsync<string>($"({Harness})({script})").WaitAsync(BrowserTimeouts.Condition);
        scenario.Log(json);
        await scenario.FinishAsync();
        return JsonSerializer.Deserialize<T>(json, _json)!;
    }

    private sealed record ResumeRun(bool SentWhileAway, string[] FirstMessages, string ResumeToken, string PeerId, string[] Peers, string[] Rooms, string[] Events, bool SentAfter);

    private sealed record ResumeAgainRun(string Token, string[][] Messages, string PeerId, string[] Peers, int Resumed);

    private sealed record HeartbeatRun(CloseInfo? OldWhileResuming, int OldAfterResumed, string? PeerId);

    private sealed record CloseInfo(int Code, string Reason);

    private sealed record LeaveRun(string Left, string[] Rooms, string[] Rejoined);

    private sealed record RejoinRun(string[] Messages, string PeerId, string NextToken, string[] Events);

    private sealed record ReplacedRun(int Sockets, string State, bool Replaced, string Refused, string[] Events);
}
