using System.Diagnostics.Metrics;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Diagnostics;

/// <summary>
/// The <c>Switchboard</c> meter (docs/operations.md lists its instruments; their names are a contract).
/// Counting is per thread (<see cref="ThreadCounters"/>) and exported by observation: the relay path
/// pays a thread-static read and a plain increment, nothing shared, nothing allocated.
/// </summary>
internal sealed class SwitchboardMetrics : IDisposable
{
    public const string MeterName = "Switchboard";

    [ThreadStatic]
    private static ThreadCounters? _current;

    private readonly Lock _lock = new();
    private readonly Meter _meter;
    private readonly ConnectionStore _connections;
    private readonly SignalingCore? _core;
    private ThreadCounters[] _threads = [];

    public SwitchboardMetrics(IMeterFactory meterFactory, ConnectionStore connections, SignalingCore core)
        : this(meterFactory.Create(MeterName), connections, core)
    {
    }

    /// <summary>Counters without rooms, on a meter of their own (tests of a connection on its own, benchmarks).</summary>
    public SwitchboardMetrics(ConnectionStore connections)
        : this(new Meter(MeterName), connections, null)
    {
    }

    private SwitchboardMetrics(Meter meter, ConnectionStore connections, SignalingCore? core)
    {
        _connections = connections;
        _core = core;
        _meter = meter;
        _meter.CreateObservableGauge("switchboard.connections", ObserveConnections, description: "Open signaling connections, by the way they came in (direct, pipeline).");
        _meter.CreateObservableGauge("switchboard.rooms", () => _core?.RoomCount ?? 0, description: "Rooms that exist (a room exists while it has a member).");
        _meter.CreateObservableGauge("switchboard.room.members", () => _core?.MembershipCount ?? 0, description: "Room memberships: a peer in two rooms counts twice.");
        _meter.CreateObservableGauge("switchboard.seats.away", () => _core?.AwayCount ?? 0, description: "Members whose connection vanished and whose seat waits for a resume.");
        _meter.CreateObservableCounter("switchboard.resumes", ObserveResumes, description: "resume requests, by result: resumed (the seat was away), replaced (its old connection still looked open and was closed with 4001), failed.");
        _meter.CreateObservableCounter("switchboard.messages.received", () => Sum(static c => c.Hot.MessagesReceived), description: "WebSocket messages received from clients.");
        _meter.CreateObservableCounter("switchboard.messages.relayed", () => Sum(static c => c.Hot.MessagesRelayed), description: "Relayed messages delivered, one per recipient.");
        _meter.CreateObservableCounter("switchboard.bytes.received", () => Sum(static c => c.Hot.BytesReceived), description: "Bytes read from signaling connections, WebSocket framing included.");
        _meter.CreateObservableCounter("switchboard.bytes.sent", () => Sum(static c => c.Hot.BytesSent), description: "Bytes written to signaling connections, WebSocket framing included.");
        _meter.CreateObservableCounter("switchboard.errors", () => Tagged(static c => c.Errors, "code", ErrorCodes.All), description: "error messages sent to clients, by code.");
        _meter.CreateObservableCounter("switchboard.closes", () => Tagged(static c => c.Closes, "reason", _closeNames), description: "Connections ended, by reason.");
        _meter.CreateObservableCounter("switchboard.handshakes", () => Tagged(static c => c.Handshakes, "result", _handshakeNames), description: "WebSocket opening handshakes, by result.");
    }

    private static readonly string[] _closeNames = [.. Enumerable.Range(1, CloseReasons.Count - 1).Select(i => CloseReasons.Name((CloseReason)i)).Prepend(string.Empty)];

    private static readonly string[] _handshakeNames = [.. Enumerable.Range(0, HandshakeResults.Count).Select(i => HandshakeResults.Name((HandshakeResult)i))];

    /// <summary>The calling thread's counters.</summary>
    public ThreadCounters Local
    {
        get
        {
            var current = _current;
            return current is not null && ReferenceEquals(current.Owner, this) ? current : Attach();
        }
    }

    public void CountError(string code)
    {
        var index = ErrorCodes.IndexOf(code);
        if (index >= 0)
        {
            Local.Errors[index]++;
        }
    }

    public void CountClose(CloseReason reason) => Local.Closes[(int)(reason == CloseReason.None ? CloseReason.ClientGone : reason)]++;

    public void CountHandshake(HandshakeResult result) => Local.Handshakes[(int)result]++;

    public MetricsSnapshot Snapshot()
    {
        var (direct, pipeline) = _connections.CountByTransport();
        return new MetricsSnapshot(
            direct,
            pipeline,
            _core?.RoomCount ?? 0,
            _core?.MembershipCount ?? 0,
            Sum(static c => c.Hot.MessagesReceived),
            Sum(static c => c.Hot.MessagesRelayed),
            Sum(static c => c.Hot.BytesReceived),
            Sum(static c => c.Hot.BytesSent),
            Named(static c => c.Errors, ErrorCodes.All),
            Named(static c => c.Closes, _closeNames),
            Named(static c => c.Handshakes, _handshakeNames));
    }

    public void Dispose() => _meter.Dispose();

    private ThreadCounters Attach()
    {
        // A thread counts for one server at a time; tests that run several servers in one process come here
        // again when a thread moves between them, and find the counters it had.
        var threadId = Environment.CurrentManagedThreadId;
        lock (_lock)
        {
            foreach (var existing in _threads)
            {
                if (existing.ThreadId == threadId)
                {
                    return _current = existing;
                }
            }

            var counters = new ThreadCounters(this, threadId);
            _threads = [.. _threads, counters];
            return _current = counters;
        }
    }

    private long Sum(Func<ThreadCounters, long> read)
    {
        long total = 0;
        foreach (var counters in Volatile.Read(ref _threads))
        {
            total += read(counters);
        }

        return total;
    }

    private long[] Totals(Func<ThreadCounters, long[]> read, int length)
    {
        var totals = new long[length];
        foreach (var counters in Volatile.Read(ref _threads))
        {
            var values = read(counters);
            for (var i = 0; i < length; i++)
            {
                totals[i] += Volatile.Read(ref values[i]);
            }
        }

        return totals;
    }

    private IEnumerable<Measurement<long>> Tagged(Func<ThreadCounters, long[]> read, string tag, string[] names)
    {
        var totals = Totals(read, names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length > 0)
            {
                yield return new Measurement<long>(totals[i], new KeyValuePair<string, object?>(tag, names[i]));
            }
        }
    }

    private Dictionary<string, long> Named(Func<ThreadCounters, long[]> read, string[] names)
    {
        var totals = Totals(read, names.Length);
        var named = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length > 0)
            {
                named[names[i]] = totals[i];
            }
        }

        return named;
    }

    private IEnumerable<Measurement<long>> ObserveResumes()
    {
        var (resumed, replaced, failed) = _core?.ResumeCounts ?? default;
        yield return new Measurement<long>(resumed, new KeyValuePair<string, object?>("result", "resumed"));
        yield return new Measurement<long>(replaced, new KeyValuePair<string, object?>("result", "replaced"));
        yield return new Measurement<long>(failed, new KeyValuePair<string, object?>("result", "failed"));
    }

    private IEnumerable<Measurement<int>> ObserveConnections()
    {
        var (direct, pipeline) = _connections.CountByTransport();
        yield return new Measurement<int>(direct, new KeyValuePair<string, object?>("transport", "direct"));
        yield return new Measurement<int>(pipeline, new KeyValuePair<string, object?>("transport", "pipeline"));
    }
}
