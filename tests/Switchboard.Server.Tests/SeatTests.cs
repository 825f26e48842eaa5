using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Dialects;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;
using Switchboard.Testing;

namespace Switchboard.Server.Tests;

/// <summary>
/// Seats against a clock the test moves: the grace period to the tick, and what an away seat may keep,
/// counted in the server's shared budget. The same flows run over real sockets in the integration tests.
/// </summary>
public sealed class SeatTests
{
    private static readonly TimeSpan _grace = TimeSpan.FromSeconds(15);

    private readonly FakeTimeProvider _time = new();
    private readonly SwitchboardOptions _options = new() { ResumeGracePeriod = _grace, ResumeBufferLimit = 3, ResumeBufferByteLimit = 1000 };
    private readonly LocalSeatDirectory _directory = new();
    private readonly SendBacklogBudget _backlog;
    private readonly SignalingCore _core;
    private readonly PeerConnectionFactory _factory;

    public SeatTests()
    {
        _backlog = new SendBacklogBudget(_options.TotalSendQueueByteLimit);
        var store = new ConnectionStore();
        var metrics = new SwitchboardMetrics(store);
        _core = new SignalingCore(Microsoft.Extensions.Options.Options.Create(_options), new ServerMessages(_options), _directory, _time, NullLogger<SignalingCore>.Instance);
        var dialect = new NativeDialect(_core, _options, metrics);
        _factory = new PeerConnectionFactory(_options, dialect, store, new ReceiveBufferBudget(_options.PartialMessageByteLimit), _backlog, metrics, _time, NullLoggerFactory.Instance);
    }

    [Fact]
    public void Resume_OneTickBeforeTheGracePeriodEnds_TakesTheSeatBack()
    {
        var (a, b, roomId) = Pair();
        var token = b.Token;
        b.Vanish();

        _time.Advance(_grace - TimeSpan.FromTicks(1));
        var b2 = Client.Open(_factory);
        b2.Send($$"""{"type":"resume","token":"{{token}}"}""");

        var resumed = b2.Expect("resumed");
        Assert.Equal(b.PeerId, (string)resumed["peerId"]!);
        Assert.Equal([a.PeerId], resumed["rooms"]![0]!["peers"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(["peerDisconnected", "peerReconnected"], a.Types());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(a.Types());
        Assert.Equal(0, _core.AwayCount);
    }

    [Fact]
    public void GracePeriod_Ends_OthersGetPeerLeftAndTheTokenFails()
    {
        var (a, b, _) = Pair();
        var token = b.Token;
        b.Vanish();

        _time.Advance(_grace);

        Assert.Equal(["peerDisconnected", "peerLeft"], a.Types());
        var b2 = Client.Open(_factory);
        b2.Send($$"""{"type":"resume","token":"{{token}}"}""");
        Assert.Equal("resume-failed", (string)b2.Expect("error")["code"]!);
        Assert.Equal(1, _directory.Count);
        Assert.Equal(0, _core.AwayCount);
    }

    [Fact]
    public void Buffer_FullByBytes_RefusesWithPeerUnavailableAndGivesItsBytesBackWhenTheSeatEnds()
    {
        var (a, b, roomId) = Pair();
        b.Vanish();
        a.Types();
        var payload = new string('x', 400);

        for (var i = 0; i < 3; i++)
        {
            a.Send($$"""{"type":"chat","roomId":"{{roomId}}","n":{{i}},"payload":"{{payload}}"}""");
        }

        var refused = a.Expect("error");
        Assert.Equal("peer-unavailable", (string)refused["code"]!);
        Assert.Equal(b.PeerId, (string)refused["peerId"]!);
        Assert.Equal(roomId, (string)refused["roomId"]!);
        Assert.InRange(_backlog.Held, 800, 1000);
        _time.Advance(_grace);
        Assert.Equal(0, _backlog.Held);
    }

    [Fact]
    public void Buffer_FullByCount_KeepsTheFirstAndDeliversThemInOrderOnResume()
    {
        var (a, b, roomId) = Pair();
        var token = b.Token;
        b.Vanish();
        a.Types();

        for (var i = 0; i < 5; i++)
        {
            a.Send($$"""{"type":"chat","roomId":"{{roomId}}","to":"{{b.PeerId}}","n":{{i}}}""");
        }

        Assert.Equal(["error", "error"], a.Types());
        var b2 = Client.Open(_factory);
        b2.Send($$"""{"type":"resume","token":"{{token}}"}""");
        b2.Expect("resumed");
        Assert.Equal([0, 1, 2], b2.Messages().Select(m => (int)m["n"]!));
        Assert.Equal(0, _backlog.Held);
    }

    [Fact]
    public void CleanClose_GivesTheSeatUpAtOnce()
    {
        var (a, b, _) = Pair();

        b.CloseCleanly();

        Assert.Equal(["peerLeft"], a.Types());
        Assert.Equal(1, _directory.Count);
    }

    [Fact]
    public void ResumeOff_VanishedMemberLeavesAtOnceAndNoTokenIsIssued()
    {
        _options.ResumeGracePeriod = TimeSpan.Zero;
        var (a, b, _) = Pair();

        Assert.Null(b.Token);
        b.Vanish();

        Assert.Equal(["peerLeft"], a.Types());
        Assert.Equal(0, _directory.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA*")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA")]
    public void ResumeToken_NotOneTheServerCouldIssue_DoesNotParse(string text) => Assert.False(ResumeToken.TryParse(text, out _));

    [Fact]
    public void ResumeToken_Formatted_ParsesBackToItself()
    {
        var token = ResumeToken.New();
        Span<byte> text = stackalloc byte[ResumeToken.Length];

        ResumeToken.Format(token, text);

        Assert.True(ResumeToken.TryParse(Encoding.UTF8.GetString(text), out var parsed));
        Assert.Equal(token, parsed);
    }

    private (Client A, Client B, string RoomId) Pair()
    {
        var a = Client.Open(_factory);
        a.Send("""{"type":"createRoom","capacity":3}""");
        var roomId = (string)a.Expect("roomCreated")["roomId"]!;
        var b = Client.Open(_factory);
        b.Send($$"""{"type":"join","roomId":"{{roomId}}"}""");
        var joined = b.Expect("joined");
        b.PeerId = (string)joined["peerId"]!;
        b.Token = (string?)joined["resumeToken"];
        a.PeerId = (string)joined["peers"]![0]!;
        Assert.Equal(["peerJoined"], a.Types());
        return (a, b, roomId);
    }

    /// <summary>A connection over a transport that records what is written to it; the test ends it.</summary>
    private sealed class Client : IPeerTransport
    {
        private readonly List<byte> _written = [];
        private readonly Queue<JsonObject> _unread = new();
        private PeerConnection _connection = null!;
        private int _read;

        public string PeerId { get; set; } = "";

        public string? Token { get; set; }

        public TransportKind Kind => TransportKind.Direct;

        public System.Net.IPAddress? RemoteAddress => null;

        public static Client Open(PeerConnectionFactory factory)
        {
            var client = new Client();
            client._connection = factory.Create(client, null);
            client._connection.Start();
            return client;
        }

        public void Send(string json) => _connection.OnReceived(RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes(json)));

        /// <summary>Gone without a close frame: the transport reports the end, as for a reset.</summary>
        public void Vanish() => _connection.OnTransportClosed();

        public void CloseCleanly()
        {
            _connection.OnReceived(RawWebSocket.Frame(RawWebSocket.Close, [0x03, 0xE8]));
            _connection.OnTransportClosed();
        }

        public JsonObject Expect(string type)
        {
            Read();
            _unread.TryDequeue(out var message);
            Assert.True(message is not null && (string?)message["type"] == type, $"expected {type}, got {message?.ToJsonString() ?? "nothing"}");
            return message!;
        }

        /// <summary>The types of the text messages written since the last look.</summary>
        public List<string> Types() => [.. Messages().Select(m => (string)m["type"]!)];

        /// <summary>The text messages written since the last look.</summary>
        public List<JsonObject> Messages()
        {
            Read();
            var messages = _unread.ToList();
            _unread.Clear();
            return messages;
        }

        private void Read()
        {
            var bytes = _written.ToArray();
            while (_read < bytes.Length)
            {
                var opcode = bytes[_read] & 0x0F;
                var length = bytes[_read + 1] & 0x7F;
                var header = 2;
                if (length == 126)
                {
                    length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(_read + 2));
                    header = 4;
                }

                if (opcode == RawWebSocket.Text)
                {
                    _unread.Enqueue(JsonNode.Parse(bytes.AsSpan(_read + header, length))!.AsObject());
                }

                _read += header + length;
            }
        }

        public int Write(ReadOnlySpan<byte> bytes)
        {
            _written.AddRange(bytes.ToArray());
            return bytes.Length;
        }

        public void SetReceiving(bool receiving)
        {
        }

        public void ScheduleReceive()
        {
        }

        public void Shutdown(bool handshakeComplete)
        {
        }

        public void Abort()
        {
        }
    }
}
