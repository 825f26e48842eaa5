using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;
using Switchboard.Testing;

namespace Switchboard.Server.Tests;

/// <summary>
/// The rules of one connection, on their own: a transport that records what it is asked to do, a handler
/// that records what it is given, and a clock the test moves. The same rules run over real sockets on
/// both ways in (the integration tests); here each is pinned down exactly.
/// </summary>
public sealed class PeerConnectionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingTransport _transport = new();
    private readonly RecordingHandler _handler = new();
    private readonly SwitchboardOptions _options = new() { SendTimeout = TimeSpan.FromSeconds(1), FramesPerTurn = 10 };
    private ReceiveBufferBudget? _budget;

    private SendBacklogBudget? _backlog;

    private ReceiveBufferBudget Budget => _budget ??= new ReceiveBufferBudget(_options.PartialMessageByteLimit);

    private SendBacklogBudget Backlog => _backlog ??= new SendBacklogBudget(_options.TotalSendQueueByteLimit);

    [Fact]
    public void Receive_MoreFramesThanOneTurn_HandlesATurnThenWaitsUnreadForTheNext()
    {
        var connection = Connect();
        var frames = Enumerable.Range(0, 25).SelectMany(i => ClientText($"m{i}")).ToArray();

        connection.OnReceived(frames);

        Assert.Equal(10, _handler.Texts.Count);
        Assert.Equal(1, _transport.TurnsScheduled);
        Assert.False(_transport.Receiving);
        connection.ContinueReceiving();
        connection.ContinueReceiving();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"m{i}"), _handler.Texts);
        Assert.True(_transport.Receiving);
        Assert.Equal(2, _transport.TurnsScheduled);
    }

    [Fact]
    public void Send_TransportFull_StopsReceivingUntilTheTransportHasRoom()
    {
        var connection = Connect();
        _transport.Room = 0;

        connection.SendOwned(ServerMessages.Pong());

        Assert.False(_transport.Receiving);
        _transport.Room = int.MaxValue;
        connection.OnWritable();
        Assert.True(_transport.Receiving);
        Assert.Equal("""{"type":"pong"}""", Encoding.UTF8.GetString(ServerFrames(_transport.Written).Single().Payload));
    }

    [Fact]
    public void Receive_WhileOutputBlocked_LeavesInputUnreadAndContinuesOnceWritable()
    {
        var connection = Connect();
        _transport.Room = 0;
        connection.SendOwned(ServerMessages.Pong());

        connection.OnReceived(ClientText("later"));

        Assert.Empty(_handler.Texts);
        _transport.Room = int.MaxValue;
        connection.OnWritable();
        Assert.Equal(1, _transport.TurnsScheduled);
        connection.ContinueReceiving();
        Assert.Equal(["later"], _handler.Texts);
    }

    [Fact]
    public void Sweep_ClientTakesATrickleButStaysBehind_IsDroppedOnceSendTimeoutPassesSinceTheFirstBlock()
    {
        var connection = Connect();
        _transport.Room = 0;
        for (var i = 0; i < 10; i++)
        {
            connection.SendOwned(ServerMessages.Pong());
        }

        _time.Advance(TimeSpan.FromMilliseconds(600));
        _transport.Room = 20;
        connection.OnWritable();
        connection.Sweep(_time.GetTimestamp());
        Assert.False(_transport.Aborted);

        _time.Advance(TimeSpan.FromMilliseconds(600));
        connection.Sweep(_time.GetTimestamp());

        Assert.True(_transport.Aborted);
    }

    [Fact]
    public void Sweep_ClientCaughtUpAfterABlock_IsNotDropped()
    {
        var connection = Connect();
        _transport.Room = 0;
        connection.SendOwned(ServerMessages.Pong());
        _time.Advance(TimeSpan.FromMilliseconds(900));
        _transport.Room = int.MaxValue;
        connection.OnWritable();

        _time.Advance(TimeSpan.FromMilliseconds(900));
        connection.Sweep(_time.GetTimestamp());

        Assert.False(_transport.Aborted);
    }

    [Fact]
    public void Ping_SeveralInOneTurn_OnePongCarryingTheLatestPayload()
    {
        var connection = Connect();
        var pings = new[] { "a", "b", "c" }.SelectMany(p => RawWebSocket.Frame(RawWebSocket.Ping, Encoding.ASCII.GetBytes(p))).ToArray();

        Assert.True(FlushDeferral.Open());
        connection.OnReceived(pings);
        FlushDeferral.Close();

        var pong = Assert.Single(ServerFrames(_transport.Written));
        Assert.Equal(WebSocketOpcode.Pong, pong.Opcode);
        Assert.Equal("c", Encoding.ASCII.GetString(pong.Payload));
    }

    [Fact]
    public void Ping_BehindQueuedMessages_IsAnsweredInItsPlace()
    {
        var connection = Connect();
        byte[] input = [.. ClientText("first"), .. RawWebSocket.Frame(RawWebSocket.Ping, "p"u8), .. ClientText("second")];
        _handler.Echo = true;

        Assert.True(FlushDeferral.Open());
        connection.OnReceived(input);
        FlushDeferral.Close();

        Assert.Equal([WebSocketOpcode.Text, WebSocketOpcode.Pong, WebSocketOpcode.Text], ServerFrames(_transport.Written).Select(f => f.Opcode));
    }

    [Fact]
    public void Close_ClientClosesFirst_AnsweredWithItsStatusAndTheHandshakeIsComplete()
    {
        var connection = Connect();

        connection.OnReceived(RawWebSocket.Frame(RawWebSocket.Close, [0x0F, 0xA0]));

        var close = Assert.Single(ServerFrames(_transport.Written));
        Assert.Equal(WebSocketOpcode.Close, close.Opcode);
        Assert.Equal(4000, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(ClosePhase.CloseSent, connection.Phase);
        Assert.True(_transport.ShutdownComplete);
    }

    [Fact]
    public void Close_ServerClosesFirst_HalfClosesThenCompletesOnTheClientsAnswer()
    {
        var connection = Connect();

        connection.RequestClose(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "bye");

        Assert.Equal(ClosePhase.CloseSent, connection.Phase);
        Assert.False(_transport.ShutdownComplete);
        connection.OnReceived(ClientText("ignored"));
        Assert.Empty(_handler.Texts);
        connection.OnReceived(RawWebSocket.Frame(RawWebSocket.Close, [0x03, 0xE9]));
        Assert.True(_transport.ShutdownComplete);
    }

    [Fact]
    public void Close_UnansweredPastCloseTimeout_IsAborted()
    {
        var connection = Connect();
        connection.RequestClose(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "bye");

        _time.Advance(_options.CloseTimeout + TimeSpan.FromMilliseconds(1));
        connection.Sweep(_time.GetTimestamp());

        Assert.True(_transport.Aborted);
    }

    [Fact]
    public void Receive_HeaderAnnouncingSixtyFourKilobytes_HoldsOnlyWhatArrived()
    {
        var connection = Connect();
        var header = new byte[15];
        header[0] = 0x81;
        header[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), 65_536);

        connection.OnReceived(header);

        Assert.InRange(Budget.Held, 1, 256);
        connection.OnTransportClosed();
        Assert.Equal(0, Budget.Held);
    }

    [Fact]
    public void Receive_LargeFrameArrivingInPieces_BufferGrowsWithTheBytesUpToTheFrame()
    {
        _options.MaxMessageSize = 200_000;
        _options.PartialMessageByteLimit = 1_000_000;
        var connection = Connect();
        var frame = ClientText(new string('x', 150_000));

        connection.OnReceived(frame.AsSpan(0, 1000));
        var held = new List<long> { Budget.Held };
        var direct = 0;
        for (var at = 1000; at < frame.Length;)
        {
            // As a transport does: into the inbox once it offers space (a large frame well under way), else its own buffer.
            var space = connection.InboxSpace();
            if (space.IsEmpty)
            {
                var piece = Math.Min(4096, frame.Length - at);
                connection.OnReceived(frame.AsSpan(at, piece).ToArray());
                at += piece;
            }
            else
            {
                var count = Math.Min(space.Length, frame.Length - at);
                frame.AsSpan(at, count).CopyTo(space.Span);
                connection.OnReceivedIntoInbox(count);
                at += count;
                direct++;
            }

            held.Add(Budget.Held);
        }

        Assert.True(direct > 0, "the bulk of the frame was read straight into its buffer");

        Assert.Equal(new string('x', 150_000), Assert.Single(_handler.Texts));
        Assert.All(held.SkipLast(1), h => Assert.InRange(h, 1, 262_144));
        Assert.Equal(held.SkipLast(1).Order(), held.SkipLast(1));
        Assert.Equal(0, Budget.Held);
    }

    [Fact]
    public void Receive_BudgetSpent_ClosesWith1013AndHoldsNothing()
    {
        _options.PartialMessageByteLimit = 1024;
        var connection = Connect();
        using var hold = new BudgetHold(Budget, 1024);

        connection.OnReceived(ClientText(new string('x', 600)).AsSpan(0, 300));

        var close = Assert.Single(ServerFrames(_transport.Written));
        Assert.Equal(1013, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(1024, Budget.Held);
    }

    [Fact]
    public void Receive_FragmentedMessageThenOneFrameMessage_EachMeasuredOnItsOwn()
    {
        _options.MaxMessageSize = 1000;
        var connection = Connect();
        byte[] input = [
            .. RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes(new string('a', 400)), fin: false),
            .. RawWebSocket.Frame(RawWebSocket.Continuation, Encoding.UTF8.GetBytes(new string('a', 400))),
            .. ClientText(new string('b', 900))];

        connection.OnReceived(input);

        Assert.Equal([new string('a', 800), new string('b', 900)], _handler.Texts);
        Assert.Equal(ClosePhase.Open, connection.Phase);
    }

    [Fact]
    public void Sweep_MessageHalfSentPastPartialMessageTimeout_ClosesWith1008()
    {
        var connection = Connect();
        connection.OnReceived(ClientText(new string('x', 600)).AsSpan(0, 300));

        _time.Advance(_options.PartialMessageTimeout + TimeSpan.FromMilliseconds(1));
        connection.Sweep(_time.GetTimestamp());

        var close = Assert.Single(ServerFrames(_transport.Written));
        Assert.Equal(1008, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
    }

    [Fact]
    public void Sweep_MessageCompletedInTime_ClockStartsAgainWithTheNext()
    {
        var connection = Connect();
        var frame = ClientText(new string('x', 600));
        connection.OnReceived(frame.AsSpan(0, 300));
        _time.Advance(_options.PartialMessageTimeout / 2);
        connection.OnReceived(frame.AsSpan(300));
        connection.OnReceived(frame.AsSpan(0, 300));

        _time.Advance(_options.PartialMessageTimeout / 2 + TimeSpan.FromMilliseconds(100));
        connection.Sweep(_time.GetTimestamp());

        Assert.Empty(_transport.Written);
        Assert.Single(_handler.Texts);
    }

    [Fact]
    public void Send_BehindWhileThoseBehindHoldTheTotal_ClosesAsSlowConsumer()
    {
        _options.TotalSendQueueByteLimit = 20;
        var connection = Connect();
        _transport.Room = 0;

        // The first is taken out of the queue to be written (and stays half-written); the second waits.
        connection.SendOwned(ServerMessages.Pong());
        connection.SendOwned(ServerMessages.Pong());
        Assert.Equal(ClosePhase.Open, connection.Phase);
        Assert.Equal(15, Backlog.Held);
        connection.SendOwned(ServerMessages.Pong());

        Assert.Equal(ClosePhase.Closing, connection.Phase);
        Assert.Equal(0, Backlog.Held);
    }

    [Fact]
    public void Receive_OverTheBurst_RefusesWithoutHandingItToTheHandlerUntilItRefills()
    {
        _options.MessageLimits.MessagesPerSecond = 10;
        _options.MessageLimits.MessageBurst = 3;
        var connection = Connect();

        connection.OnReceived(Enumerable.Range(0, 5).SelectMany(i => ClientText($"m{i}")).ToArray());

        Assert.Equal(["m0", "m1", "m2"], _handler.Texts);
        Assert.Equal([100, 100], _handler.RateLimited);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        connection.OnReceived(ClientText("later"));
        Assert.Equal("later", _handler.Texts[^1]);
        Assert.Equal(ClosePhase.Open, connection.Phase);
    }

    [Fact]
    public void Receive_ControlFramesOverTheBurst_AreNotCounted()
    {
        _options.MessageLimits.MessagesPerSecond = 10;
        _options.MessageLimits.MessageBurst = 1;
        _options.FramesPerTurn = 1000;
        var connection = Connect();

        connection.OnReceived([.. Enumerable.Range(0, 100).SelectMany(_ => RawWebSocket.Frame(RawWebSocket.Ping, "p"u8)), .. ClientText("after")]);

        Assert.Equal(["after"], _handler.Texts);
        Assert.Empty(_handler.RateLimited);
    }

    [Fact]
    public void Receive_TenTimesTheLimitForThreeSeconds_ClosesWith1008()
    {
        _options.MessageLimits.MessagesPerSecond = 10;
        _options.MessageLimits.MessageBurst = 1;
        _options.FramesPerTurn = 1000;
        var connection = Connect();
        byte[] Second() => Enumerable.Range(0, 101).SelectMany(i => ClientText($"m{i}")).ToArray();

        // 101 a second: one taken, a hundred refused, more than (10 - 1) x 10. Two such seconds are a burst.
        connection.OnReceived(Second());
        _time.Advance(TimeSpan.FromSeconds(1));
        connection.OnReceived(Second());
        Assert.Equal(ClosePhase.Open, connection.Phase);
        _time.Advance(TimeSpan.FromSeconds(1));
        connection.OnReceived(Second());

        Assert.NotEqual(ClosePhase.Open, connection.Phase);
        var (opcode, payload) = ServerFrames(_transport.Written).Last();
        Assert.Equal(RawWebSocket.Close, opcode);
        Assert.Equal(1008, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    private PeerConnection Connect()
    {
        var store = new ConnectionStore();
        var factory = new PeerConnectionFactory(_options, _handler, store, Budget, Backlog, new SwitchboardMetrics(store), _time, NullLoggerFactory.Instance);
        var connection = factory.Create(_transport, null);
        connection.Start();
        _handler.Connection = connection;
        return connection;
    }

    private static byte[] ClientText(string text) => RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes(text));

    private static List<(byte Opcode, byte[] Payload)> ServerFrames(List<byte> written)
    {
        var bytes = written.ToArray();
        var frames = new List<(byte, byte[])>();
        for (var at = 0; at < bytes.Length;)
        {
            var opcode = (byte)(bytes[at] & 0x0F);
            var length = bytes[at + 1] & 0x7F;
            var header = 2;
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 2));
                header = 4;
            }

            frames.Add((opcode, bytes.AsSpan(at + header, length).ToArray()));
            at += header + length;
        }

        return frames;
    }

    private sealed class RecordingTransport : IPeerTransport
    {
        public TransportKind Kind => TransportKind.Direct;

        public System.Net.IPAddress? RemoteAddress => null;

        /// <summary>Bytes the transport takes before it is full.</summary>
        public int Room { get; set; } = int.MaxValue;

        public List<byte> Written { get; } = [];

        public bool Receiving { get; private set; } = true;

        public int TurnsScheduled { get; private set; }

        public bool Aborted { get; private set; }

        public bool? ShutdownComplete { get; private set; }

        public int Write(ReadOnlySpan<byte> bytes)
        {
            var taken = Math.Min(bytes.Length, Room);
            Room -= taken;
            Written.AddRange(bytes[..taken].ToArray());
            return taken;
        }

        public void SetReceiving(bool receiving) => Receiving = receiving;

        public void ScheduleReceive() => TurnsScheduled++;

        public void Shutdown(bool handshakeComplete) => ShutdownComplete = handshakeComplete;

        public void Abort() => Aborted = true;
    }

    private sealed class RecordingHandler : IMessageHandler
    {
        public List<string> Texts { get; } = [];

        public PeerConnection? Connection { get; set; }

        /// <summary>Answer each message with a text message of its own.</summary>
        public bool Echo { get; set; }

        public void OnText(PeerConnection connection, ReadOnlySpan<byte> message)
        {
            Texts.Add(Encoding.UTF8.GetString(message));
            if (Echo)
            {
                connection.SendOwned(OutboundMessage.CopyOf(message));
            }
        }

        public void OnBinary(PeerConnection connection)
        {
        }

        public void OnRateLimited(PeerConnection connection, int retryAfterMs) => RateLimited.Add(retryAfterMs);

        /// <summary>The retryAfterMs of each refused message.</summary>
        public List<int> RateLimited { get; } = [];

        public void OnClosed(PeerConnection connection)
        {
        }
    }

    /// <summary>Holds part of a budget, as other connections' partial messages would.</summary>
    private sealed class BudgetHold : IDisposable
    {
        private readonly ReceiveBufferBudget _budget;
        private readonly byte[]? _held;

        public BudgetHold(ReceiveBufferBudget budget, int bytes)
        {
            _budget = budget;
            _held = budget.TryRent(bytes);
        }

        public void Dispose()
        {
            if (_held is not null)
            {
                _budget.Return(_held);
            }
        }
    }
}
