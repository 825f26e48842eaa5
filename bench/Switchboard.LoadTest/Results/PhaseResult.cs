namespace Switchboard.LoadTest.Results;

/// <summary>
/// One measured window of a scenario. <see cref="Messages"/> counts what the scenario counts: messages
/// relayed by the server (each received by a client once), setups completed, or fan-out deliveries.
/// Server CPU is utime+stime from /proc/PID/stat over exactly this window. CPU figures are in cores
/// (1.0 = one core busy all the time); <see cref="OtherCpuUtilisation"/> is what every other process on
/// the machine used meanwhile: high values mean the window was disturbed.
/// </summary>
internal sealed record PhaseResult(
    string Name,
    double Seconds,
    long Messages,
    double MessagesPerSecond,
    LatencySummary? Latency,
    LatencySummary? LatencyToAll,
    double? ServerCpuSeconds,
    double? ServerCpuUtilisation,
    double? ServerCpuMicrosPerMessage,
    double LoadCpuUtilisation,
    double? OtherCpuUtilisation,
    MemorySample? ServerMemory);
