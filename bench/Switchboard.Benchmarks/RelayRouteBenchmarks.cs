using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Server;
using Switchboard.Server.Connections;
using Switchboard.Server.Dialects;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Benchmarks;

/// <summary>
/// One relayed message through the whole server-side path short of the network: the native dialect
/// parses it, finds the sender's room, formats it once, queues it on each recipient's single writer,
/// and the writer writes the frame to a transport that takes every byte at once (so every cost of the
/// connection's writer lands in the measured call, none of the kernel's).
/// </summary>
[MemoryDiagnoser]
public class RelayRouteBenchmarks
{
    private readonly SwitchboardOptions _options = new();
    private NativeDialect _dialect = null!;
    private PeerConnection _sender = null!;
    private byte[] _candidate = [];
    private byte[] _offer = [];

    [Params(2, 8, 16)]
    public int RoomSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var core = new SignalingCore(Microsoft.Extensions.Options.Options.Create(_options), new ServerMessages(_options), new Switchboard.Server.Seats.LocalSeatDirectory(), TimeProvider.System, NullLogger<SignalingCore>.Instance);
        var store = new ConnectionStore();
        var metrics = new Switchboard.Server.Diagnostics.SwitchboardMetrics(store);
        _dialect = new NativeDialect(core, _options, metrics);
        var options = Microsoft.Extensions.Options.Options.Create(_options);
        _factory = new PeerConnectionFactory(options, _dialect, store, new ReceiveBufferBudget(options), new SendBacklogBudget(options), metrics, Switchboard.Server.Admission.UpgradeAdmission.Open(), TimeProvider.System, NullLoggerFactory.Instance);
        _sender = Connect();
        core.CreateRoom(_sender, RoomSize);
        var room = _sender.Rooms[0];
        for (var i = 1; i < RoomSize; i++)
        {
            core.Join(Connect(), room, answer: true);
        }

        _candidate = SampleMessages.Candidate(room.Id);
        _offer = SampleMessages.Offer(room.Id);
    }

    [Benchmark(Baseline = true)]
    public void Candidate() => _dialect.OnText(_sender, _candidate);

    [Benchmark]
    public void Offer4kB() => _dialect.OnText(_sender, _offer);

    private PeerConnection Connect()
    {
        var connection = _factory.Create(new NullTransport(), null);
        connection.Start();
        return connection;
    }

    private PeerConnectionFactory _factory = null!;

    /// <summary>Takes every byte at once, as a socket with room would.</summary>
    private sealed class NullTransport : IPeerTransport
    {
        public TransportKind Kind => TransportKind.Direct;

        public System.Net.IPAddress? RemoteAddress => null;

        public int Write(ReadOnlySpan<byte> bytes) => bytes.Length;

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
