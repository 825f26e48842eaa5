using System.Diagnostics;

namespace Switchboard.LoadTest.Display;

/// <summary>Turns a growing count into a rate since the last reading, for the live display.</summary>
internal sealed class RateMeter(Func<long> count)
{
    private long _lastCount = count();
    private long _lastTimestamp = Stopwatch.GetTimestamp();

    public double PerSecond()
    {
        var now = Stopwatch.GetTimestamp();
        var current = count();
        var seconds = Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rate = seconds > 0 ? (current - _lastCount) / seconds : 0;
        _lastCount = current;
        _lastTimestamp = now;
        return rate;
    }
}
