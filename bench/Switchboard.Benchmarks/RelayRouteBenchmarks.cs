using System.Net.WebSockets;
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
/// and the writer frames it onto a WebSocket over <see cref="Stream.Null"/> (which completes at once,
/// so the drain runs synchronously and every cost lands in the measured call).
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
        var core = new SignalingCore(Microsoft.Extensions.Options.Options.Create(_options), new ServerMessages(_options), NullLogger<SignalingCore>.Instance);
        _dialect = new NativeDialect(core, _options);
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

    private WebSocketPeerConnection Connect() => new(
        WebSocket.CreateFromStream(Stream.Null, new WebSocketCreationOptions { IsServer = true }),
        _dialect,
        _options,
        _connections,
        TimeProvider.System,
        NullLogger.Instance);

    private readonly ConnectionStore _connections = new();
}
