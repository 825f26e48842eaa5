namespace Switchboard.LoadTest.Results;

/// <summary>
/// What idle connections cost the server: its memory before connecting, once all are connected, and after
/// holding them (keep-alive running). Per-connection figures are (after hold − before) / connections held.
/// </summary>
internal sealed record IdleResult(
    int Requested,
    int Held,
    double ConnectSeconds,
    double HoldSeconds,
    MemorySample? Before,
    MemorySample? AfterConnect,
    MemorySample? AfterHold,
    double? RssKbPerConnection,
    double? PssKbPerConnection,
    double? AnonymousKbPerConnection,
    double? HoldServerCpuUtilisation);
