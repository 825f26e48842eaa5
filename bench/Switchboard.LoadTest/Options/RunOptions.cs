using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Options;

/// <summary>What every scenario needs: whom to load, how long, and where the result goes.</summary>
internal sealed class RunOptions
{
    public ServerKind Server { get; set; } = ServerKind.Switchboard;

    /// <summary>The name the result is filed under; the protocol's name (<see cref="Server"/>) when null.</summary>
    public string? ServerName { get; set; }

    /// <summary>The server's WebSocket URL; loopback only.</summary>
    public Uri Target { get; set; } = new("ws://127.0.0.1:8080/");

    /// <summary>The server's process id, for its CPU time and memory from /proc. Optional.</summary>
    public int? ServerPid { get; set; }

    /// <summary>Traffic before measuring starts, so the server's JIT and caches are warm. Default 3 s.</summary>
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The measured window. Default 10 s.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the JSON result is written; none when null.</summary>
    public string? Output { get; set; }

    /// <summary>The name the report groups this run by; the scenario's name when null.</summary>
    public string? Label { get; set; }

    /// <summary>Which round of an interleaved benchmark this run belongs to.</summary>
    public int? Round { get; set; }

    /// <summary>Show the live display (it is replaced by plain lines when the output is not a terminal).</summary>
    public bool Progress { get; set; } = true;

    /// <summary>
    /// Connections one load process holds before the work is split over worker processes. A process may
    /// open at most 20 000 files here; 8 000 leaves room and keeps each process's memory modest. Default 8 000.
    /// </summary>
    public int MaxConnectionsPerProcess { get; set; } = 8000;

    public ConnectorOptions Connector { get; set; } = new();

    /// <summary>A file for every round trip slower than <see cref="SlowAbove"/>, with its send time; none when null.</summary>
    public string? SlowLog { get; set; }

    /// <summary>What counts as slow for <see cref="SlowLog"/>. Default 2 ms.</summary>
    public TimeSpan SlowAbove { get; set; } = TimeSpan.FromMilliseconds(2);
}
