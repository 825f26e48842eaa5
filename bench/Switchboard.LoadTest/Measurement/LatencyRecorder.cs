using System.Diagnostics;
using HdrHistogram;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Measurement;

/// <summary>
/// Latencies in nanoseconds, recorded lock-free from any thread (HdrHistogram's <see cref="Recorder"/>) and
/// read in intervals by one reader: the live display shows the last interval, the result all of them
/// since <see cref="Reset"/>.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long Highest = 120L * 1_000_000_000;
    private const int SignificantDigits = 3;

    private static readonly double _nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly Recorder _recorder = new(1, Highest, SignificantDigits, (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
    private readonly Lock _readLock = new();
    private readonly LongHistogram _total = new(Highest, SignificantDigits);
    private readonly SlowLog? _slowLog;
    private HistogramBase? _interval;

    /// <param name="slowLog">Where each latency above its threshold is also written, with its send time; none when null.</param>
    public LatencyRecorder(SlowLog? slowLog = null)
    {
        _slowLog = slowLog;
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordSince(long startTimestamp)
    {
        var nanoseconds = (long)((Stopwatch.GetTimestamp() - startTimestamp) * _nanosecondsPerTick);
        _slowLog?.Record(startTimestamp, nanoseconds);
        RecordNanoseconds(nanoseconds);
    }

    public void RecordNanoseconds(long nanoseconds) => _recorder.RecordValue(Math.Clamp(nanoseconds, 1, Highest));

    /// <summary>Forgets everything recorded so far (the warm-up).</summary>
    public void Reset()
    {
        lock (_readLock)
        {
            _interval = _recorder.GetIntervalHistogram(_interval);
            _total.Reset();
        }
    }

    /// <summary>What was recorded since the last call, added to the total as well.</summary>
    public LatencySummary? TakeInterval()
    {
        lock (_readLock)
        {
            _interval = _recorder.GetIntervalHistogram(_interval);
            _total.Add(_interval);
            return LatencySummary.From(_interval);
        }
    }

    /// <summary>Everything since <see cref="Reset"/>, with the buckets so several processes' results can be merged.</summary>
    public LatencySummary? Total(bool includeBuckets = true)
    {
        lock (_readLock)
        {
            _interval = _recorder.GetIntervalHistogram(_interval);
            _total.Add(_interval);
            return LatencySummary.From(_total, includeBuckets);
        }
    }
}
