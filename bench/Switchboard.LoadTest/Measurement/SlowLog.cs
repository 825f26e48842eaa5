using System.Diagnostics;
using System.Globalization;

namespace Switchboard.LoadTest.Measurement;

/// <summary>
/// Every latency above a threshold, one line each: the send time and the latency, both in milliseconds on
/// the machine's monotonic clock (the clock <c>perf record -k CLOCK_MONOTONIC</c> stamps its samples
/// with). A histogram says how bad the tail is; this says when it happened, so slow round trips can be
/// lined up with a profile or with another process's log, and a periodic cause shows as a period.
/// </summary>
internal sealed class SlowLog : IDisposable
{
    private static readonly double _millisecondsPerTick = 1e3 / Stopwatch.Frequency;

    private readonly StreamWriter _writer;
    private readonly long _thresholdNanoseconds;
    private readonly Lock _lock = new();

    public SlowLog(string path, TimeSpan threshold)
    {
        _writer = new StreamWriter(path) { AutoFlush = false };
        _thresholdNanoseconds = (long)(threshold.TotalMilliseconds * 1e6);
        _writer.WriteLine($"# send time (ms, CLOCK_MONOTONIC)  latency (ms); latencies above {threshold.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms");
    }

    public void Record(long startTimestamp, long nanoseconds)
    {
        if (nanoseconds <= _thresholdNanoseconds)
        {
            return;
        }

        lock (_lock)
        {
            _writer.Write((startTimestamp * _millisecondsPerTick).ToString("F3", CultureInfo.InvariantCulture));
            _writer.Write(' ');
            _writer.WriteLine((nanoseconds / 1e6).ToString("F3", CultureInfo.InvariantCulture));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}
