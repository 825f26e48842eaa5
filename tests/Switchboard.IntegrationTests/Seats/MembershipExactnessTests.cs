using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// Membership notices are exact under concurrency: a member's view, built from <c>joined.peers</c> and
/// the notices after it, never hears of a peer twice nor loses one it was never told of, and ends
/// equal to the room. Notices queued against one snapshot of the room, inside its lock, give that.
/// </summary>
public abstract class MembershipExactnessTests(WayIn wayIn, ITestOutputHelper output) : WayInTests(wayIn)
{
    public sealed class Direct(ITestOutputHelper output) : MembershipExactnessTests(WayIn.Direct, output);

    public sealed class Pipeline(ITestOutputHelper output) : MembershipExactnessTests(WayIn.Pipeline, output);

    private const int Workers = 8;

    [Fact]
    public Task Membership_ConcurrentJoinsAndLeaves_EveryViewExactAndFinallyTheRoom() => ChurnAsync(cuts: false);

    [Fact]
    public Task Membership_ConcurrentJoinsLeavesCutsAndResumes_EveryViewExactAndFinallyTheRoom() => ChurnAsync(cuts: true);

    private async Task ChurnAsync(bool cuts)
    {
        await using var server = await StartServerAsync(o =>
        {
            Seat.Quick(o);

            // A worker resumes at once; the grace period only has to outlast a busy machine's delays.
            o.ResumeGracePeriod = TimeSpan.FromSeconds(30);
            o.MessageLimits.MessagesPerSecond = 0;
            o.ConnectionLimits.NewBurst = 100_000;
            o.ConnectionLimits.NewPerSecond = 100_000;
        });
        await using var anchor = await server.ConnectAsync();
        var (roomId, anchorId) = await anchor.CreateRoomAsync(capacity: Workers + 2);
        var workers = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => server.ConnectAsync()));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        var members = new List<Member>();

        try
        {
            // Half end inside the room and half outside, so the final check covers both.
            members.AddRange(await Task.WhenAll(workers.Select((w, i) => Task.Run(() => WorkAsync(server, w, roomId, until, endInside: i % 2 == 1, cuts, seed: i)))));
            var expected = members.Where(m => m.Inside).Select(m => m.PeerId).Append(anchorId).ToHashSet();

            var anchorView = new Member(anchor, roomId, anchorId) { Inside = true };
            await anchorView.SettleAsync();
            Assert.Equal(expected.Where(id => id != anchorId).Order(), anchorView.View.Order());
            foreach (var member in members)
            {
                await member.SettleAsync();
                if (member.Inside)
                {
                    Assert.Equal(expected.Where(id => id != member.PeerId).Order(), member.View.Order());
                }
                else
                {
                    Assert.Empty(member.View);
                }
            }

            await using var observer = await server.ConnectAsync();
            Assert.Equal(expected.Order(), Seat.Peers(await observer.JoinAsync(roomId)).Order());
            output.WriteLine($"{members.Sum(m => m.Cycles)} joins and {members.Sum(m => m.Resumes)} resumes by {Workers} workers; {expected.Count} members at the end");
            Assert.True(members.Sum(m => m.Cycles) >= 10 * Workers, "the workers barely ran");
            Assert.True(!cuts || members.Sum(m => m.Resumes) >= 4 * Workers, "the workers barely resumed");
        }
        finally
        {
            await NPartyRoomTests.DisposeAllAsync(workers);
            await NPartyRoomTests.DisposeAllAsync(members.Select(m => m.Client));
        }
    }

    private static async Task<Member> WorkAsync(TestServer server, TestClient client, string roomId, DateTime until, bool endInside, bool cuts, int seed)
    {
        Member? member = null;
        var random = new Random(seed);
        for (var cycle = 0; cycle < 1000; cycle++)
        {
            await client.SendAsync(new { type = "join", roomId });
            var joined = await ReceiveBeforeAsync(client, "joined", member);
            member ??= new Member(client, roomId, (string)joined["peerId"]!);
            member.Enter(joined, joined);
            member.Cycles++;
            for (var pings = random.Next(3); pings > 0; pings--)
            {
                await member.SettleAsync();
            }

            if (cuts && random.Next(2) == 0)
            {
                client = await member.CutAndResumeAsync(server);
            }

            if (endInside && DateTime.UtcNow > until)
            {
                return member;
            }

            await client.SendAsync(new { type = "leave", roomId });
            await member.ReadUntilAsync("left");
            member.Leave();
            if (!endInside && DateTime.UtcNow > until)
            {
                return member;
            }
        }

        return member!;
    }

    /// <summary>Outside the room nothing may arrive about it: the first message must be <paramref name="type"/>.</summary>
    private static async Task<JsonObject> ReceiveBeforeAsync(TestClient client, string type, Member? member)
    {
        var message = await client.ReceiveAsync();
        Assert.True((string?)message["type"] == type, $"{member?.PeerId ?? "a new member"} outside the room got {message.ToJsonString()} before {type}");
        return message;
    }

    /// <summary>One seat's view of the room, as the notices its connections received build it.</summary>
    private sealed class Member(TestClient client, string roomId, string peerId)
    {
        private string? _token;

        public TestClient Client { get; private set; } = client;

        public string PeerId { get; } = peerId;

        public bool Inside { get; set; }

        public int Cycles { get; set; }

        public int Resumes { get; private set; }

        public HashSet<string> View { get; } = [];

        /// <param name="answer">The <c>joined</c> or <c>resumed</c>, for the token.</param>
        /// <param name="room">What lists the peers: <c>joined</c> itself, or the room in <c>resumed</c>.</param>
        public void Enter(JsonObject answer, JsonObject room)
        {
            var peers = Seat.Peers(room);
            Assert.True(peers.Distinct().Count() == peers.Length, $"{PeerId}: a peer listed twice: {answer.ToJsonString()}");
            Assert.DoesNotContain(PeerId, peers);
            _token = Seat.Token(answer);
            View.Clear();
            View.UnionWith(peers);
            Inside = true;
        }

        public void Leave()
        {
            View.Clear();
            Inside = false;
        }

        /// <summary>Drops the connection without a close frame and takes the seat back on a new one.</summary>
        public async Task<TestClient> CutAndResumeAsync(TestServer server)
        {
            await Client.DisposeAsync();
            var (next, answer) = await Seat.ResumeAsync(server, _token!);
            Client = next;
            var resumed = Seat.AssertResumed(answer);
            Assert.Equal(PeerId, (string?)resumed["peerId"]);
            Enter(resumed, Seat.Room(resumed, roomId));
            Resumes++;
            return next;
        }

        /// <summary>Pings and applies every notice before the pong: everything queued for it before then.</summary>
        public async Task SettleAsync()
        {
            await Client.SendAsync(new { type = "ping" });
            await ReadUntilAsync("pong");
        }

        public async Task ReadUntilAsync(string type)
        {
            while (true)
            {
                var message = await Client.ReceiveAsync();
                var actual = (string?)message["type"];
                if (actual == type)
                {
                    return;
                }

                Apply(message, actual);
            }
        }
        private void Apply(JsonObject message, string? type)
        {
            var about = (string?)message["peerId"];
            var context = $"{PeerId} ({(Inside ? "inside" : "outside")}, knowing [{string.Join(", ", View)}]) got {message.ToJsonString()}";
            Assert.True(Inside, context);
            Assert.True((string?)message["roomId"] == roomId, context);
            Assert.False(about is null || about == PeerId, context);
            switch (type)
            {
                case "peerJoined":
                    Assert.True(View.Add(about), "a second peerJoined: " + context);
                    break;
                case "peerLeft":
                    Assert.True(View.Remove(about), "peerLeft for a peer it was not told of: " + context);
                    break;
                case "peerDisconnected" or "peerReconnected":
                    Assert.True(View.Contains(about), "a notice about a peer it was not told of: " + context);
                    break;
                default:
                    Assert.Fail("unexpected: " + context);
                    break;
            }
        }
    }
}
