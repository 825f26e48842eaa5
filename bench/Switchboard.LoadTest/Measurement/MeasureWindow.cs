using System.Diagnostics;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Measurement;

/// <summary>
/// A measured stretch of time: wall clock, the server's CPU time and the load generator's own, and a count,
/// all read at its start and its end so every rate and per-message cost covers exactly the same window.
/// </summary>
internal sealed class MeasureWindow
{
    private readonly int? _serverPid;
    private readonly Func<long> _count;
    private readonly long _startTimestamp;
    private readonly double? _serverCpuStart;
    private readonly double _selfCpuStart;
    private readonly double? _machineBusyStart;
    private readonly long _countStart;

    private MeasureWindow(int? serverPid, Func<long> count)
    {
        _serverPid = serverPid;
        _count = count;
        _countStart = count();
        _serverCpuStart = serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) : null;
        _selfCpuStart = ProcessProbe.SelfCpuSeconds();
        _machineBusyStart = ProcessProbe.MachineBusySeconds();
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    public static MeasureWindow Start(int? serverPid, Func<long> count) => new(serverPid, count);

    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;

    /// <summary>The server's CPU use since the start, as a fraction of one core; null without a server pid.</summary>
    public double? ServerCpuSoFar() =>
        _serverPid is { } pid && _serverCpuStart is { } start && ProcessProbe.CpuSeconds(pid) is { } now && ElapsedSeconds > 0
            ? (now - start) / ElapsedSeconds
            : null;

    public PhaseResult Stop(string name, LatencySummary? latency = null, LatencySummary? latencyToAll = null)
    {
        var seconds = ElapsedSeconds;
        var count = _count() - _countStart;
        var serverCpuEnd = _serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) : null;
        var selfCpu = ProcessProbe.SelfCpuSeconds() - _selfCpuStart;
        var serverMemory = _serverPid is { } memoryPid ? ProcessProbe.Memory(memoryPid) : null;
        double? serverCpu = serverCpuEnd is { } end && _serverCpuStart is { } begin ? end - begin : null;

        // Whatever else ran on the machine meanwhile (other people's builds and browsers, worker processes):
        // the noise figure that says whether this window can be trusted.
        double? otherCpu = ProcessProbe.MachineBusySeconds() is { } busyEnd && _machineBusyStart is { } busyStart
            ? Math.Max(0, busyEnd - busyStart - selfCpu - (serverCpu ?? 0)) / seconds
            : null;
        return new PhaseResult(
            name,
            Math.Round(seconds, 3),
            count,
            Math.Round(count / seconds, 1),
            latency,
            latencyToAll,
            serverCpu is { } cpu ? Math.Round(cpu, 3) : null,
            serverCpu is { } used ? Math.Round(used / seconds, 3) : null,
            serverCpu is { } total && count > 0 ? Math.Round(total * 1e6 / count, 2) : null,
            Math.Round(selfCpu / seconds, 3),
            otherCpu is { } other ? Math.Round(other, 3) : null,
            serverMemory);
    }
}
